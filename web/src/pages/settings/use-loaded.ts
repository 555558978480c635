// A GET a settings section shows and re-reads after it writes (useApi, with a reload).
import { useEffect, useState } from 'preact/hooks';
import { api, apiUrl, type Query } from '../../api';
import type { Loaded } from '../../use-api';

export function useLoaded<T>(
  path: string | null,
  query: Query,
): [Loaded<T>, () => void, (data: T) => void] {
  const url = path === null ? null : apiUrl(path, query);
  const [round, setRound] = useState(0);
  const [value, setValue] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    if (url === null) return;
    const ctl = new AbortController();
    api<T>(url, { signal: ctl.signal })
      .then((data) => setValue({ state: 'ok', data }))
      .catch((e: unknown) => {
        if (!ctl.signal.aborted) setValue({ state: 'error', message: (e as Error).message });
      });
    return () => ctl.abort();
  }, [url, round]);
  return [value, () => setRound((r) => r + 1), (data: T) => setValue({ state: 'ok', data })];
}

/** A write's error as one line for the page. */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
