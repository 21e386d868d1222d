// HubSpot page views for Vue Router (v4, v5; createWebHistory).
// Call trackPageViews(router) once, before app.use(router).
// Types: static/hsq-shim.d.ts in your program (it declares window._hsq).
import type { Router } from 'vue-router';

export function trackPageViews(router: Router): void {
  let lastPath: string | null = null;
  router.afterEach((_to, _from, failure) => {
    if (failure) return; // aborted, cancelled or duplicated: the page did not change
    // The real URL (with the base), already updated when afterEach hooks run.
    const path = window.location.pathname + window.location.search;
    const hsq = (window._hsq = window._hsq || []);
    if (lastPath === null) {
      // Initial route: the shim's automatic page view counts it. Only set the path,
      // so that view (if still queued) and the next one's rpo carry it.
      hsq.push(['setPath', path]);
    } else if (path !== lastPath) {
      hsq.push(['setPath', path]);
      hsq.push(['trackPageView']);
    }
    lastPath = path;
  });
}
