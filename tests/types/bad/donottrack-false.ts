// ['doNotTrack', false] opts OUT (HubSpot's semantics); only {track: true} opts back in.
// expect TS2322: Type 'boolean' is not assignable to type '{ track: boolean; }'.
_hsq.push(['doNotTrack', false]);
export {};
