// Records every consent-listener call, registered the documented way before load.
var _hsp = window._hsp = window._hsp || [];
window.consentCalls = [];
window.secondSaw = [];
_hsp.push(['addPrivacyConsentListener', function (consent) {
  consentCalls.push(JSON.parse(JSON.stringify(consent)));
  consent.allowed = 'mutated';           // must not leak into the next listener's copy
}]);
_hsp.push(['addPrivacyConsentListener', function (consent) {
  secondSaw.push(consent.allowed);
  throw new Error('consent listener bug');  // isolated: the page never sees it
}]);
