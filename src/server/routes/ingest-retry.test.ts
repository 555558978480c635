import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goodLine, poisonLines } from '../../test-helpers/poison.js';
import { addDeadLetters } from '../../test-helpers/engine-access.js';
import { startTestServer } from '../../test-helpers/server.js';

test(
  'POST /api/ingest/retry (admin token): a workspace, one letter or all; what loads is derived; unknown or done letters refused by field',
  { timeout: 60_000 },
  async () => {
    const s = await startTestServer();
    try {
      const ws = s.workspace.id;
      // a line an earlier version refused (a bug since fixed), and one that still cannot load
      const poison = poisonLines(ws).find((p) => p.named)!;
      await addDeadLetters(s.store, 'events-000000000042.ndjson', [
        {
          line: { lineNo: 1, raw: goodLine(ws, 'was-refused', 'anon-retry'), terminated: true },
          reason: 'line|an old bug',
          workspaceId: ws,
          receivedAt: null,
        },
        {
          line: { lineNo: 2, raw: poison.raw, terminated: true },
          reason: 'line|still bad',
          workspaceId: ws,
          receivedAt: null,
        },
      ]);
      const retry = async (body: unknown, token = s.adminToken) => {
        const res = await fetch(`${s.base}/api/ingest/retry`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      // a workspace's secret key is not enough: a retry is the operator's
      assert.equal((await retry({}, s.secretKey)).status, 401);

      const r = await retry({ workspace: ws });
      assert.equal(r.status, 200);
      const out = r.body as {
        loaded: string[];
        inserted: number;
        failed: { id: string; reason: string }[];
      };
      assert.equal(out.loaded.length, 1);
      assert.equal(out.inserted, 1);
      assert.equal(out.failed.length, 1);
      assert.match(out.failed[0]!.reason, poison.reason);
      assert.deepEqual(Object.keys(r.body).sort(), ['failed', 'inserted', 'loaded']);
      assert.deepEqual(
        (await s.store.queryEvents(ws, { anonymousId: 'anon-retry' })).map((e) => e.messageId),
        ['was-refused'],
      );
      assert.equal(
        (await s.store.listSessions(ws, { anonymousIds: ['anon-retry'] })).length,
        1,
        'the retried event was derived before the reply',
      );

      const refused = async (body: unknown, status: number, code: string, field: string) => {
        const res = await retry(body);
        const e = (res.body as { error: { code: string; field: string; message: string } }).error;
        assert.deepEqual(
          [res.status, e.code, e.field],
          [status, code, field],
          `${JSON.stringify(body)}: ${e.message}`,
        );
        return e.message;
      };
      assert.match(
        await refused({ id: out.loaded[0] }, 409, 'conflict', 'id'),
        /was already loaded/,
      );
      assert.match(await refused({ id: 'dl_nope' }, 404, 'not_found', 'id'), /dl_nope/);
      assert.match(
        await refused({ workspace: 'ws_nope' }, 404, 'not_found', 'workspace'),
        /no workspace with id "ws_nope"/,
      );
      await refused({ workspace: ws, extra: 1 }, 400, 'invalid_body', '(body)');
      // all workspaces: the one still failing is tried again, with today's reason
      const all = await retry({});
      assert.deepEqual(
        [all.status, (all.body.failed as unknown[]).length, all.body.loaded],
        [200, 1, []],
      );
      assert.deepEqual(await s.store.countDeadLetters(ws), { pending: 1, retried: 1 });
    } finally {
      await s.close();
    }
  },
);
