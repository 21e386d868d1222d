// trackCustomBehavioralEvent needs a name (the shim refuses the event without one).
// expect TS2741: Property 'name' is missing in type '{ properties: { plan: string; }; }'
_hsq.push(['trackCustomBehavioralEvent', { properties: { plan: 'pro' } }]);
export {};
