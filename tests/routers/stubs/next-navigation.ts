// A stand-in for `next/navigation` (no Next.js server in the tests): usePathname and
// useSearchParams with Next's signatures, driven by the History API. `stubNavigate`
// plays <Link>: like Next's app router, it writes the URL before effects run.
import { useMemo, useSyncExternalStore } from 'react';

/** Next's ReadonlyURLSearchParams is a URLSearchParams whose mutators throw. */
export type ReadonlyURLSearchParams = Omit<URLSearchParams, 'append' | 'delete' | 'set' | 'sort'>;

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => { listeners.delete(listener); };
}

function notify(): void {
  listeners.forEach((listener) => listener());
}

if (typeof window !== 'undefined') window.addEventListener('popstate', notify);

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

export function useSearchParams(): ReadonlyURLSearchParams {
  const search = useSyncExternalStore(subscribe, () => window.location.search);
  return useMemo(() => new URLSearchParams(search), [search]);
}

export function stubNavigate(href: string): void {
  window.history.pushState(null, '', href);
  notify();
}
