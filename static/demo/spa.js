// A tiny History-API router that reports each route change to HubSpot's queue.
//
// Rule: the initial route is NOT pushed; the shim's automatic page view covers it.
// Every later change (link click or Back/Forward) pushes setPath with the query string,
// then trackPageView, after the URL and the title have changed (pu and t are read then).
(function () {
  'use strict';
  var _hsq = window._hsq = window._hsq || [];

  var ROUTES = {
    '/spa/': {title: 'Home', text: 'Welcome. Pick a page above and watch the beacon count.'},
    '/spa/pricing': {title: 'Pricing', text: 'One plan, zero euros: it is a demo.'},
    '/spa/docs': {title: 'Docs', text: 'setPath keeps the query string, so ?topic= reaches HubSpot.'},
    '/spa/contact': {title: 'Contact', text: 'Use Back: the popstate handler reports that view too.'}
  };

  function routeOf(pathname) {
    if (pathname === '/spa' || pathname === '/spa.html') return ROUTES['/spa/'];
    return ROUTES[pathname] || {title: 'Not found', text: 'No such page in this app.'};
  }

  function render() {
    var route = routeOf(location.pathname);
    document.title = 'SPA · ' + route.title;
    document.getElementById('view-title').textContent = route.title;
    document.getElementById('view-text').textContent = route.text;
    var links = document.querySelectorAll('#spa-nav a');
    for (var i = 0; i < links.length; i++) {
      var active = links[i].pathname === location.pathname;
      links[i].classList.toggle('active', active);
    }
  }

  function trackView() {
    _hsq.push(['setPath', location.pathname + location.search]);
    _hsq.push(['trackPageView']);
  }

  function isAppLink(link, event) {
    return link && link.hasAttribute('data-route') && link.origin === location.origin &&
      !link.target && event.button === 0 &&
      !(event.metaKey || event.ctrlKey || event.shiftKey || event.altKey);
  }

  document.addEventListener('click', function (event) {
    var link = event.target.closest('a[href]');
    if (!isAppLink(link, event)) return;
    event.preventDefault();
    if (link.pathname + link.search === location.pathname + location.search) return;
    history.pushState(null, '', link.pathname + link.search);
    render();
    trackView();
  });

  window.addEventListener('popstate', function () {
    render();
    trackView();
  });

  render();                                 // initial route: rendered, not tracked

  setInterval(function () {
    var shim = window.hsqShim;
    document.getElementById('beacon-count').textContent = shim ? shim.beacons.length : 0;
  }, 200);
})();
