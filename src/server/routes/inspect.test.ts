import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INSPECT_VIEWS } from '../../derive/inspect-views.js';
import { clientFor, pageCall, startTestServer } from '../../test-helpers/server.js';

test(
  'GET /api/inspect/<view>: the rows the store holds, for every view, the query checked by field',
  { timeout: 60_000 },
  async () => {
    const s = await startTestServer({ ingestRateLimit: 0 });
    try {
      const { send, api } = clientFor(s);
      const at = (m: number) => new Date(Date.UTC(2026, 2, 1, 9, m)).toISOString();
      const sent = await send([
        pageCall('i1', 'anon-a', at(0), 'https://x.test/?utm_source=google&utm_medium=cpc'),
        {
          type: 'identify',
          messageId: 'i2',
          anonymousId: 'anon-a',
          timestamp: at(1),
          traits: { email: 'a@x.test' },
        },
        pageCall('i3', 'anon-b', at(2), 'https://x.test/', 'https://www.bing.com/'),
      ]);
      assert.equal(sent.status, 200);
      await s.app.ingest.settle();
      const rows = async (path: string) => {
        const res = await api(path);
        assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
        return ((await res.json()) as { rows: Record<string, unknown>[] }).rows;
      };
      // each view's rows are the shared view's over the same store (the CLI prints the same)
      for (const view of INSPECT_VIEWS.filter((v) => v.name !== 'credits'))
        assert.deepEqual(
          await rows(`/api/inspect/${view.name}`),
          JSON.parse(JSON.stringify(await view.run(s.store, s.workspace.id, { limit: 100 }))),
          view.name,
        );
      const sessions = await rows('/api/inspect/sessions');
      assert.deepEqual(sessions.map((r) => [r.anonymousId, r.channel]).sort(), [
        ['anon-a', 'Paid Search'],
        ['anon-b', 'Organic Search'],
      ]);
      assert.equal((await rows('/api/inspect/sessions?anonymousId=anon-b')).length, 1);
      assert.equal((await rows('/api/inspect/sessions?limit=1')).length, 1);
      const person = (await rows('/api/inspect/identities')).find((r) => r.value === 'a@x.test')!
        .person as string;
      assert.deepEqual(
        (await rows(`/api/inspect/identities?person=${person}`)).map((r) => r.kind).sort(),
        ['anonymous_id', 'email'],
      );
      assert.ok((await rows(`/api/inspect/credits?person=${person}`)).length > 0);

      for (const [path, field] of [
        ['/api/inspect/credits', 'person'],
        ['/api/inspect/sessions?limit=0', 'limit'],
        ['/api/inspect/sessions?limit=x', 'limit'],
        ['/api/inspect/sessions?other=1', '(query)'],
      ] as const) {
        const res = await api(path);
        const e = ((await res.json()) as { error: { code: string; field: string } }).error;
        assert.deepEqual([res.status, e.code], [400, 'invalid_query'], path);
        if (field !== '(query)') assert.equal(e.field, field, path);
      }
      assert.equal((await fetch(`${s.base}/api/inspect/sessions`)).status, 401);
    } finally {
      await s.close();
    }
  },
);
