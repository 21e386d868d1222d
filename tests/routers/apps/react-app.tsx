// React Router test app for tests/e2e/test_routers.py: docs/routers/react-router.tsx verbatim.
import { StrictMode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Link, Route, Routes } from 'react-router';
import { HubSpotPageViews } from '../../../docs/routers/react-router';

function Page({ title }: { title: string }) {
  return (
    <>
      <title>{title}</title>
      <h1 id="heading">{title}</h1>
    </>
  );
}

function App() {
  return (
    <BrowserRouter basename="/spa/react">
      <nav>
        <Link id="home" to="/">Home</Link> <Link id="pricing" to="/pricing">Pricing</Link>{' '}
        <Link id="pro" to="/pricing?plan=pro">Pro plan</Link>{' '}
        <Link id="faq" to="/pricing?plan=pro#faq">FAQ</Link>{' '}
        <Link id="docs" to="/docs/setup">Docs</Link>
      </nav>
      <Routes>
        <Route path="/" element={<Page title="Home" />} />
        <Route path="/pricing" element={<Page title="Pricing" />} />
        <Route path="/docs/:topic" element={<Page title="Docs" />} />
      </Routes>
      <HubSpotPageViews />
    </BrowserRouter>
  );
}

// StrictMode (a development build) runs effects twice on mount: no double view either.
// flushSync: the first render and its effects happen now, before the window's load
// event, as in an app whose bundle runs before the page has loaded.
const root = createRoot(document.getElementById('root')!);
flushSync(() => root.render(<StrictMode><App /></StrictMode>));
