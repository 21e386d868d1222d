// The site's links to its other domains (same port as this page: every host name maps to
// the test server), and HubSpot's prelude entry: ?linker=off leaves it out.
var _hsq = window._hsq = window._hsq || [];
if (location.search.indexOf('linker=off') < 0) {
  _hsq.push(['enableAutomaticLinker', true]);
}
document.addEventListener('DOMContentLoaded', function () {
  var links = document.querySelectorAll('a[data-host]');
  for (var i = 0; i < links.length; i++) {
    links[i].href = location.protocol + '//' + links[i].getAttribute('data-host') + ':'
      + location.port + links[i].getAttribute('href');
  }
});
