// A page that broke the queues before the shim loaded (tests/e2e/test_reliability.py):
// ?kind=object | string | number, or hsp-function (a function queued on `_hsp`).
(function () {
  var kind = new URLSearchParams(location.search).get('kind');
  if (kind === 'hsp-function') {
    window._hsq = [];
    window._hsp = [function () { window.hspFunctionCalled = true; }];
    return;
  }
  window._hsq = kind === 'object' ? {push: function () { return 0; }}
              : kind === 'string' ? 'x' : 42;
  window._hsp = 'x';
})();
