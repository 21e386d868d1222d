// What a site does before HubSpot's script loads: queue commands, keep a reference.
var _hsq = window._hsq = window._hsq || [];
_hsq.push(['setPath', '/pre?x=1']);
_hsq.push(['identify', {email: 'a@b.co'}]);
window.queueBeforeLoad = _hsq;
