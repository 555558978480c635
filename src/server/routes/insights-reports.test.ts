// The journeys, identity-health, goals and realtime reports over HTTP on a real listening server, on the
// engine under test: the realtime stream (Server-Sent Events) pushing a snapshot as events arrive through
// real ingestion, goals set and read by API, bad parameters a 400 naming the parameter, every route in
// the OpenAPI document, and no route open without a key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  clientFor,
  pageCall,
  startTestServer,
  type TestServer,
} from '../../test-helpers/server.js';

interface Snapshot {
  visitors: number;
  events: number;
  pageViews: number;
  topPages: { page: string; views: number }[];
}

/** Reads a text/event-stream response's events as they come. */
function sseReader(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return async function next(timeoutMs: number): Promise<{ event: string; data: string }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) =>
          block
            .split('\n')
            .filter((l) => l.startsWith(`${name}: `))
            .map((l) => l.slice(name.length + 2))
            .join('\n');
        if (field('data') === '') continue; // retry: and comments
        return { event: field('event'), data: field('data') };
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no event in time');
      const chunk = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('no event in time')), left),
        ),
      ]);
      if (chunk.done) throw new Error('the stream ended');
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  };
}

const stream = (s: TestServer, signal: AbortSignal, query = '') =>
  fetch(`${s.base}/api/reports/realtime/stream${query}`, {
    headers: { authorization: `Bearer ${s.secretKey}` },
    signal,
  });

test(
  'the realtime stream pushes a snapshot as ingested events arrive',
  { timeout: 60_000 },
  async (t) => {
    const s = await startTestServer();
    const { send, api } = clientFor(s);
    const abort = new AbortController();
    try {
      const res = await stream(s, abort.signal);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
      const next = sseReader(res);
      const first = await next(10_000);
      assert.equal(first.event, 'snapshot');
      assert.deepEqual((JSON.parse(first.data) as Snapshot).visitors, 0);

      // two visitors arrive through the Segment-compatible batch endpoint
      const now = new Date().toISOString();
      const sent = Date.now();
      const ack = await send([
        pageCall('rt-1', 'va', now, 'https://acme.io/pricing?x=1'),
        pageCall('rt-2', 'vb', now, 'https://acme.io/pricing'),
        pageCall('rt-3', 'vb', now, 'https://acme.io/docs'),
      ]);
      assert.equal(ack.status, 200);
      let snap: Snapshot | undefined;
      while (!snap || snap.events < 3) snap = JSON.parse((await next(10_000)).data) as Snapshot;
      const latency = Date.now() - sent;
      t.diagnostic(`snapshot pushed ${latency} ms after the batch was sent`);
      assert.deepEqual(
        [snap.visitors, snap.events, snap.pageViews, snap.topPages.map((p) => [p.page, p.views])],
        [
          2,
          3,
          3,
          [
            ['https://acme.io/pricing', 2],
            ['https://acme.io/docs', 1],
          ],
        ],
      );
      // pushed on arrival (the loader's interval plus one snapshot), not on the 15 s refresh
      assert.ok(latency < 5000, `pushed ${latency} ms after the events were sent`);

      // the JSON report says the same
      const json = (await (await api('/api/reports/realtime')).json()) as Snapshot;
      assert.deepEqual([json.visitors, json.events], [2, 3]);
    } finally {
      abort.abort();
      // a stream still open does not hold the server's close
      const open = new AbortController();
      const held = await stream(s, open.signal);
      assert.equal(held.status, 200);
      await s.close();
      open.abort();
    }
  },
);

test(
  'goals by API; the four reports refuse bad parameters naming them; OpenAPI lists every route',
  { timeout: 60_000 },
  async () => {
    const s = await startTestServer();
    const { api } = clientFor(s);
    try {
      const goals = { goals: [{ period: '2026-03', metric: 'leads', target: 10 }] };
      assert.deepEqual(await (await api('/api/goals')).json(), { goals: [] });
      const put = await api('/api/goals', { method: 'PUT', body: JSON.stringify(goals) });
      assert.equal(put.status, 200);
      assert.deepEqual(await (await api('/api/goals')).json(), goals);
      const bad = await api('/api/goals', {
        method: 'PUT',
        body: JSON.stringify({ goals: [{ period: '2026-03', metric: 'mqls', target: 1 }] }),
      });
      assert.equal(bad.status, 400);
      assert.deepEqual(
        ((await bad.json()) as { error: { code: string; field: string } }).error.code,
        'invalid_goals',
      );
      assert.deepEqual(await (await api('/api/goals')).json(), goals);
      const report = await api('/api/reports/goals?period=2026-03&at=2026-03-16T00:00:00Z');
      assert.equal(report.status, 200);
      assert.deepEqual(
        (
          (await report.json()) as { goals: { metric: string; actual: number; status: string }[] }
        ).goals.map((g) => [g.metric, g.actual, g.status]),
        [['leads', 0, 'off_track']],
      );

      for (const [path, field] of [
        ['/api/reports/journeys?from=2026-03-05&to=2026-03-01', 'to'],
        ['/api/reports/journeys?limit=0', 'limit'],
        ['/api/reports/journeys?milestone=Not%20one', 'milestone'],
        ['/api/reports/journeys?search=a', 'search'],
        ['/api/reports/journeys?from=March', 'from'],
        ['/api/reports/identity-health?limit=many', 'limit'],
        ['/api/reports/goals?period=2026-13', 'period'],
        ['/api/reports/goals?at=someday', 'at'],
        ['/api/reports/realtime?minutes=0', 'minutes'],
        ['/api/reports/realtime/stream?top=99', 'top'],
      ] as const) {
        const res = await api(path);
        assert.equal(res.status, 400, path);
        const err = ((await res.json()) as { error: { field: string } }).error;
        assert.equal(err.field, field, path);
      }
      for (const path of [
        '/api/reports/journeys',
        '/api/reports/identity-health',
        '/api/reports/goals',
        '/api/reports/realtime',
        '/api/goals',
      ]) {
        assert.equal((await api(path)).status, 200, path);
        assert.equal((await fetch(`${s.base}${path}`)).status, 401, `${path} without a key`);
      }
      assert.equal((await fetch(`${s.base}/api/reports/realtime/stream`)).status, 401);

      const doc = (await (await fetch(`${s.base}/api/openapi.json`)).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      for (const [path, method] of [
        ['/api/reports/journeys', 'get'],
        ['/api/reports/identity-health', 'get'],
        ['/api/reports/goals', 'get'],
        ['/api/reports/realtime', 'get'],
        ['/api/reports/realtime/stream', 'get'],
        ['/api/goals', 'get'],
        ['/api/goals', 'put'],
      ] as const)
        assert.ok(doc.paths[path]?.[method], `${method} ${path} in the OpenAPI document`);
    } finally {
      await s.close();
    }
  },
);
