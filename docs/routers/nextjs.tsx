'use client';
// HubSpot page views for the Next.js App Router (app/): render
// <Suspense><HubSpotPageViews /></Suspense> once in the root layout (useSearchParams needs
// the Suspense boundary), next to <Script src="/hsq-shim.js" data-portal-id="123" />.
// Types: static/hsq-shim.d.ts in your program (it declares window._hsq).
import { useEffect } from 'react';
import { usePathname, useSearchParams } from 'next/navigation';

let lastPath: string | null = null; // module scope: survives re-mounts and StrictMode

export function HubSpotPageViews(): null {
  const pathname = usePathname();
  const searchParams = useSearchParams();
  useEffect(() => {
    // The real URL (with the basePath): Next writes it before effects run.
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
  }, [pathname, searchParams]);
  return null;
}
