// The plain page's buttons, and a live view of window.hsqShim.
(function () {
  'use strict';
  var _hsq = window._hsq = window._hsq || [];
  var step = 0;
  var visitor = 0;

  function push(command, label) {
    _hsq.push(command);
    document.getElementById('last-push').textContent = label || JSON.stringify(command);
  }

  function on(id, handler) {
    document.getElementById(id).addEventListener('click', handler);
  }

  on('track-page-view', function () {
    push(['trackPageView']);
  });
  on('set-path-and-track', function () {
    step += 1;
    var path = '/virtual/step-' + step + '?from=demo';
    push(['setPath', path], '["setPath", "' + path + '"] then ["trackPageView"]');
    push(['trackPageView'], '["setPath", "' + path + '"] then ["trackPageView"]');
  });
  on('identify', function () {
    visitor += 1;
    push(['identify', {email: 'visitor' + visitor + '@example.com'}]);
  });

  // Polled, not event-driven: hsqShim is a plain record with no change events.
  function refresh() {
    var shim = window.hsqShim;
    document.getElementById('shim-state').textContent =
      shim && shim.ready ? 'ready (v' + shim.version + ')' : 'loading…';
    document.getElementById('beacon-count').textContent = shim ? shim.beacons.length : 0;
  }
  refresh();
  setInterval(refresh, 200);
})();
