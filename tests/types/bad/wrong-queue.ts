// doNotTrack is an _hsq command only; showBanner and setHubSpotConsent are _hsp only.
// expect TS2322: Type '"doNotTrack"' is not assignable to type '"addCookieDomain" | "addEnabledFeatureGates"
_hsp.push(['doNotTrack']);
// expect TS2345: Argument of type '["showBanner"]' is not assignable to parameter
_hsq.push(['showBanner']);
export {};
