// setHubSpotConsent takes true/false per category (the shim refuses anything else).
// expect TS2322: Type 'string' is not assignable to type 'boolean | undefined'.
_hsp.push(['setHubSpotConsent', { analytics: 'yes' }]);
// expect TS2353: Object literal may only specify known properties, and 'marketing' does not exist
_hsp.push(['setHubSpotConsent', { marketing: true }]);
export {};
