// ?n=N: N entries queued before load, alternating identify and setPath (the bench's scale
// queue), then ['trackEvent', 'queued-last']. ?during=1: from the load event on, the page
// pushes ['trackEvent', 'during-K'] in a new task each time until the shim is ready, and
// notes whether _hsq.push was still the Array's own push.
(function () {
  var params = new URLSearchParams(location.search);
  var n = +(params.get('n') || 0);
  var _hsq = window._hsq = window._hsq || [];
  for (var i = 0; i < n; i++) {
    _hsq.push(i % 2 ? ['setPath', '/p/' + i] : ['identify', {email: 'u' + i + '@example.com'}]);
  }
  _hsq.push(['trackEvent', 'queued-last']);
  window.pushedDuring = [];
  if (!params.get('during')) return;
  var k = 0;
  function again() {
    if (window.hsqShim && window.hsqShim.ready) return;
    pushedDuring.push({k: k, arrayPush: window._hsq.push === Array.prototype.push});
    window._hsq.push(['trackEvent', 'during-' + k]);
    k++;
    setTimeout(again, 0);
  }
  addEventListener('load', function () { setTimeout(again, 0); });
})();
