// What a site puts before HubSpot's tag: the queue, and commands waiting for the tracker.
var _hsq = window._hsq = window._hsq || [];
_hsq.push(['identify', {email: 'demo@example.com'}]);
