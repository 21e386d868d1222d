// The pre-load queue: pushed before the shim has loaded.
_hsq.push(['identify', {email: 'ada@example.com'}]);
_hsq.push(['setPath', '/engines/queued']);
_hsq.push(['trackCustomBehavioralEvent', {name: 'pe123_queued', properties: {step: 'pre-load'}}]);
