// Listeners a page registers before the tracker loads; each call is recorded.
var _hsq = window._hsq = window._hsq || [];
window.calls = [];
_hsq.push(['addIdentityListener', function (hstc, hssc, hsfp) {
  calls.push(['identity', hstc, hssc, hsfp]);
}]);
_hsq.push(['addIdentityListener', function () { throw new Error('listener bug'); }]);
_hsq.push(['addUserTokenListener', function (utk) { calls.push(['utk', utk]); }]);
_hsq.push(function (tracker, hstc) {
  calls.push(['function', Array.isArray(tracker), typeof tracker.push, hstc]);
});
_hsq.push(['trackClick', '#buy', '000000001234']);
_hsq.push(['trackClick', '.cta', 'pe123_cta_clicked']);
