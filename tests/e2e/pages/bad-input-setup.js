// Garbage a real page can queue, mixed with valid commands that must still run.
var _hsq = window._hsq = window._hsq || [];
_hsq.push('trackPageView');
_hsq.push(['noSuchMethod', 1, 2]);
_hsq.push(null);
_hsq.push([]);
_hsq.push([42]);
_hsq.push(['setPath', {not: 'a path'}]);
_hsq.push(['identify', 'not-an-object']);
_hsq.push({0: 'setPath', 1: '/x'});
_hsq.push(['setPath', '/valid']);
// JSON.parse makes "__proto__" an own key: the classic prototype-pollution payload.
_hsq.push(['identify', JSON.parse('{"email": "ok@example.com", "__proto__": {"polluted": true}, "constructor": "x"}')]);
