// Next.js App Router test app for tests/e2e/test_routers.py: docs/routers/nextjs.tsx
// verbatim, with `next/navigation` replaced by stubs/next-navigation.ts (see build.mjs).
import { StrictMode, Suspense, type MouseEvent } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { stubNavigate, usePathname } from 'next/navigation';
import { HubSpotPageViews } from '../../../docs/routers/nextjs';

const BASE = '/spa/next';
const TITLES: Record<string, string> = { '/': 'Home', '/pricing': 'Pricing', '/docs/setup': 'Docs' };

function Link({ id, href, children }: { id: string; href: string; children: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    stubNavigate(BASE + href);
  };
  return <a id={id} href={BASE + href} onClick={onClick}>{children}</a>;
}

function Layout() {
  const route = usePathname().slice(BASE.length) || '/';
  const title = TITLES[route] ?? 'Not found';
  return (
    <>
      <nav>
        <Link id="home" href="/">Home</Link> <Link id="pricing" href="/pricing">Pricing</Link>{' '}
        <Link id="pro" href="/pricing?plan=pro">Pro plan</Link>{' '}
        <Link id="faq" href="/pricing?plan=pro#faq">FAQ</Link>{' '}
        <Link id="docs" href="/docs/setup">Docs</Link>
      </nav>
      <title>{title}</title>
      <h1 id="heading">{title}</h1>
      <Suspense fallback={null}>
        <HubSpotPageViews />
      </Suspense>
    </>
  );
}

const root = createRoot(document.getElementById('root')!);
flushSync(() => root.render(<StrictMode><Layout /></StrictMode>));
