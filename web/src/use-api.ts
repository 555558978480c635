// A GET the page depends on: re-run when its URL changes (or `version` does: after the page wrote what
// it reads), the previous one cancelled.
import { useEffect, useState } from 'preact/hooks';
import { api, apiUrl, type Query } from './api';

export type Loaded<T> =
  { state: 'loading' } | { state: 'error'; message: string } | { state: 'ok'; data: T };

export function useApi<T>(path: string, query: Query, version = 0): Loaded<T> {
  const url = apiUrl(path, query);
  const key = `${version}|${url}`;
  const [result, setResult] = useState<{ key: string; value: Loaded<T> }>({
    key,
    value: { state: 'loading' },
  });
  useEffect(() => {
    const ctl = new AbortController();
    setResult({ key, value: { state: 'loading' } });
    api<T>(url, { signal: ctl.signal })
      .then((data) => setResult({ key, value: { state: 'ok', data } }))
      .catch((e: unknown) => {
        if (!ctl.signal.aborted)
          setResult({ key, value: { state: 'error', message: (e as Error).message } });
      });
    return () => ctl.abort();
  }, [key]);
  return result.key === key ? result.value : { state: 'loading' };
}
