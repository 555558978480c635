// A GET the page depends on: re-run when its URL changes, the previous one cancelled.
import { useEffect, useState } from 'preact/hooks';
import { api, apiUrl, type Query } from './api';

export type Loaded<T> =
  { state: 'loading' } | { state: 'error'; message: string } | { state: 'ok'; data: T };

export function useApi<T>(path: string, query: Query): Loaded<T> {
  const url = apiUrl(path, query);
  const [result, setResult] = useState<{ url: string; value: Loaded<T> }>({
    url,
    value: { state: 'loading' },
  });
  useEffect(() => {
    const ctl = new AbortController();
    setResult({ url, value: { state: 'loading' } });
    api<T>(url, { signal: ctl.signal })
      .then((data) => setResult({ url, value: { state: 'ok', data } }))
      .catch((e: unknown) => {
        if (!ctl.signal.aborted)
          setResult({ url, value: { state: 'error', message: (e as Error).message } });
      });
    return () => ctl.abort();
  }, [url]);
  return result.url === url ? result.value : { state: 'loading' };
}
