// HubSpot page views for React Router (v6, v7, v8; BrowserRouter or createBrowserRouter).
// Render <HubSpotPageViews /> once inside the router, e.g. in the root layout.
// Types: static/hsq-shim.d.ts in your program (it declares window._hsq).
import { useEffect } from 'react';
import { useLocation } from 'react-router'; // 'react-router-dom' in v6

let lastPath: string | null = null; // module scope: survives re-mounts and StrictMode

export function HubSpotPageViews(): null {
  const { pathname, search } = useLocation();
  useEffect(() => {
    // The real URL (with the basename), already updated when effects run.
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
  }, [pathname, search]);
  return null;
}
