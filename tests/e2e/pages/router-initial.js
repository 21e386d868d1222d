// What common router plugins do: track every route, the initial one included, as the app
// mounts (here: at DOMContentLoaded, before the shim's automatic view at load).
var _hsq = window._hsq = window._hsq || [];
document.addEventListener('DOMContentLoaded', function () {
  _hsq.push(['setPath', location.pathname + location.search]);
  _hsq.push(['trackPageView']);
});
