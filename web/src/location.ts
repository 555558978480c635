// URL-driven state: the page is the path, everything else a view shows (workspace, date range, model,
// sort, drill-down) is in the query string, so a link is shareable and the back button works. Moves are
// pushState, never a full page load.
import { useEffect, useState } from 'preact/hooks';

const CHANGE = 'cl:location';

export interface Loc {
  path: string;
  query: URLSearchParams;
}

const current = (): Loc => ({
  path: location.pathname,
  query: new URLSearchParams(location.search),
});

/** Goes to `href` (same origin) without reloading; `replace` keeps the history entry. */
export function navigate(href: string, opts: { replace?: boolean } = {}): void {
  const target = new URL(href, location.href);
  if (target.pathname + target.search === location.pathname + location.search) return;
  if (opts.replace) history.replaceState(null, '', target);
  else history.pushState(null, '', target);
  dispatchEvent(new Event(CHANGE));
}

/** The current query with `changes` applied (null or '' removes a key), as a path + query string. */
export function withQuery(
  changes: Record<string, string | null | undefined>,
  path?: string,
): string {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === undefined || v === '') q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  return (path ?? location.pathname) + (s ? `?${s}` : '');
}

/** The location, re-rendering on every move (ours and the browser's back and forward). */
export function useLocation(): Loc {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const on = () => setLoc(current());
    addEventListener(CHANGE, on);
    addEventListener('popstate', on);
    return () => {
      removeEventListener(CHANGE, on);
      removeEventListener('popstate', on);
    };
  }, []);
  return loc;
}

/** Same-origin links move without a reload (modified clicks open a tab as usual). */
export function interceptLinks(): void {
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
      return;
    const a = (e.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    e.preventDefault();
    navigate(url.pathname + url.search);
  });
}
