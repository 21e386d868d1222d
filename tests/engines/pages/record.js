// Loaded first by every page here: what the page itself saw, read back by the tests in every
// engine the same way (window.__seen). External, as every script here: the collector serves
// these pages under script-src 'self'.
(function () {
  var seen = window.__seen = {errors: [], violations: [], logs: [], evalBlocked: null};
  window.addEventListener('error', function (e) { seen.errors.push(String(e.message)); });
  window.addEventListener('unhandledrejection', function (e) { seen.errors.push('rejection: ' + e.reason); });
  var probe = true;                      // the eval probe below reports one violation
  document.addEventListener('securitypolicyviolation', function (e) {
    if (probe && e.blockedURI === 'eval') { probe = false; return; }
    seen.violations.push(e.violatedDirective + ' ' + e.blockedURI);
  });
  var log = console.log;
  console.log = function () {
    var text = Array.prototype.join.call(arguments, ' ');
    if (text.indexOf('[hsq-shim]') === 0) seen.logs.push(text);
    return log.apply(console, arguments);
  };
  // Proves the policy is enforced in this engine: eval must be refused.
  try { eval('1'); seen.evalBlocked = false; probe = false; } catch (e) { seen.evalBlocked = true; }
  window.__queue = window._hsq = window._hsq || [];
})();
