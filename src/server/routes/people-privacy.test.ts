import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createWorkspace } from '../../workspaces/create.js';
import { fn, sql } from '../../store/engines/neutral/sql.js';
import { findInDatabase, withDatabase } from '../../test-helpers/database-scan.js';
import { clientFor, pageCall, startTestServer } from '../../test-helpers/server.js';

const ANN = {
  email: 'ann.http.erased@example.com',
  anon: 'anon-http-ann-erased',
  user: 'user-http-ann-erased',
};
const BOB = { email: 'bob.http.kept@example.com', anon: 'anon-http-bob-kept' };
const t = (minute: number) => new Date(Date.UTC(2026, 5, 1, 9, minute)).toISOString();

test(
  'export and erase over HTTP: secret key and workspace enforced, the journal flushed first, the person gone, a re-sent old event not loaded',
  { timeout: 120_000 },
  async () => {
    const s = await startTestServer({ ingestRateLimit: 0 });
    let closed = false;
    try {
      const { send, api } = clientFor(s);
      const other = await createWorkspace(s.store, {
        name: 'Other',
        currency: 'USD',
        timezone: 'UTC',
      });
      const sent = await send([
        pageCall(
          'h-ann-1',
          ANN.anon,
          t(0),
          'https://shop.example/?utm_source=google&utm_medium=cpc',
          'https://www.google.com/',
        ),
        {
          type: 'identify',
          messageId: 'h-ann-2',
          anonymousId: ANN.anon,
          userId: ANN.user,
          timestamp: t(1),
          traits: { email: ANN.email },
        },
        pageCall('h-bob-1', BOB.anon, t(2), 'https://shop.example/', 'https://www.bing.com/'),
        {
          type: 'identify',
          messageId: 'h-bob-2',
          anonymousId: BOB.anon,
          timestamp: t(3),
          traits: { email: BOB.email },
        },
      ]);
      assert.equal(sent.status, 200);
      await s.app.ingest.settle();
      // no body, so no content type (Fastify refuses an empty JSON body)
      const erase = (id: string) =>
        fetch(`${s.base}/api/people/${id}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${s.secretKey}` },
        });
      const find = async (q: string) =>
        (
          (await (await api(`/api/people?${q}`)).json()) as { people: { personId: string }[] }
        ).people.map((p) => p.personId);
      const [ann] = await find(`email=${ANN.email}`);
      const [bob] = await find(`email=${BOB.email}`);
      assert.ok(ann && bob);
      const bobJourney = await (await api(`/api/people/${bob}/journey`)).json();

      // no key, a write key, another workspace's secret key: refused, and nothing erased
      const noKey = await fetch(`${s.base}/api/people/${ann}/export`);
      assert.equal(noKey.status, 401);
      assert.equal(
        ((await noKey.json()) as { error: { field: string } }).error.field,
        'authorization',
      );
      assert.equal((await fetch(`${s.base}/api/people/${ann}`, { method: 'DELETE' })).status, 401);
      assert.equal(
        (
          await fetch(`${s.base}/api/people/${ann}`, {
            method: 'DELETE',
            headers: { authorization: `Bearer ${s.workspace.writeKey}` },
          })
        ).status,
        401,
      );
      const asOther = { authorization: `Bearer ${other.secretKey}` };
      assert.equal(
        (await fetch(`${s.base}/api/people/${ann}/export`, { headers: asOther })).status,
        404,
      );
      const crossDelete = await fetch(`${s.base}/api/people/${ann}`, {
        method: 'DELETE',
        headers: asOther,
      });
      assert.equal(crossDelete.status, 404);
      assert.deepEqual(
        await find(`email=${ANN.email}`),
        [ann],
        'another workspace cannot erase her',
      );
      const badId = await api(`/api/people/${encodeURIComponent('p_1 OR 1=1')}/export`);
      assert.equal(badId.status, 400);
      assert.equal(((await badId.json()) as { error: { field: string } }).error.field, 'id');

      // export: her events, sessions, identities, milestone and credits
      const exp = await api(`/api/people/${ann}/export`);
      assert.equal(exp.status, 200);
      assert.match(exp.headers.get('content-disposition') ?? '', /attachment/);
      const data = (await exp.json()) as {
        tables: Record<string, Record<string, unknown>[]>;
        counts: Record<string, number>;
      };
      assert.deepEqual(data.tables.events!.map((e) => e.message_id).sort(), ['h-ann-1', 'h-ann-2']);
      assert.equal(data.counts.sessions, 1);
      assert.equal(data.counts.milestones, 1);
      assert.ok(data.counts.attribution_credits! > 0);
      assert.ok(!JSON.stringify(data).includes(BOB.email));

      // an event of hers acknowledged just before the erasure: still in the journal or just loaded, it goes too
      assert.equal(
        (await send([pageCall('h-ann-3', ANN.anon, t(5), 'https://shop.example/pricing')])).status,
        200,
      );
      const del = await erase(ann);
      assert.equal(del.status, 200);
      const body = await del.text();
      for (const secret of [ANN.email, ANN.anon, ANN.user, ann])
        assert.ok(!body.includes(secret), 'the audit record names no personal data');
      const { erasure } = JSON.parse(body) as {
        erasure: { id: string; via: string; rowCounts: Record<string, number> };
      };
      assert.equal(erasure.via, 'api');
      assert.equal(erasure.rowCounts.events, 3);
      // nor does the journal keep it (a stored segment waits there for its derive, then goes)
      const journal = join(s.dir, 'journal');
      for (const f of readdirSync(journal))
        assert.ok(
          !readFileSync(join(journal, f), 'utf8').includes(ANN.anon),
          `${f} holds her events`,
        );
      assert.equal((await erase(ann)).status, 404);
      assert.deepEqual(await find(`email=${ANN.email}`), []);
      // the audit record lists it, naming no personal data
      const audit = await fetch(`${s.base}/api/people/erasures`, {
        headers: { authorization: `Bearer ${s.secretKey}` },
      });
      const auditText = await audit.text();
      assert.deepEqual(
        (JSON.parse(auditText) as { erasures: { id: string; via: string }[] }).erasures.map((e) => [
          e.id,
          e.via,
        ]),
        [[erasure.id, 'api']],
      );
      for (const secret of [ANN.email, ANN.anon, ANN.user, ann])
        assert.ok(!auditText.includes(secret), 'the audit record names no personal data');

      // re-sent old events (same ids, her anonymous id, e-mail, user id) are acknowledged and never loaded
      assert.equal(
        (
          await send([
            pageCall(
              'h-ann-1',
              ANN.anon,
              t(0),
              'https://shop.example/?utm_source=google&utm_medium=cpc',
            ),
            {
              type: 'identify',
              messageId: 'h-ann-9',
              anonymousId: 'anon-http-new-device',
              timestamp: t(9),
              traits: { email: ANN.email },
            },
            {
              type: 'track',
              messageId: 'h-ann-10',
              userId: ANN.user,
              timestamp: t(10),
              event: 'login',
            },
          ])
        ).status,
        200,
      );
      await s.app.ingest.settle();
      assert.deepEqual(await find(`email=${ANN.email}`), []);
      assert.deepEqual(await find(`anonymousId=${ANN.anon}`), []);
      assert.deepEqual(await find(`userId=${ANN.user}`), []);
      assert.deepEqual(
        await (await api(`/api/people/${bob}/journey`)).json(),
        bobJourney,
        'Bob is as he was',
      );

      await s.app.close();
      await s.store.close();
      closed = true;
      await withDatabase(s.dir, async (q) => {
        assert.deepEqual(
          await findInDatabase(
            q,
            [ANN.email, ANN.anon, ANN.user, ann].map((x) => x.replace(/[.+]/g, '\\$&')),
          ),
          [],
        );
      });
    } finally {
      if (closed) rmSync(s.dir, { recursive: true, force: true });
      else await s.close();
    }
  },
);

test(
  'a shared laptop over HTTP: the export holds only her stretches, the erasure leaves Bo’s journey as it was and his re-sent events loading',
  { timeout: 120_000 },
  async () => {
    const s = await startTestServer({ ingestRateLimit: 0 });
    let closed = false;
    try {
      const { send, api } = clientFor(s);
      const ann = 'ann.http.shared@example.com';
      const bo = 'bo.http.shared@example.com';
      const d = (day: number, minute = 0) =>
        new Date(Date.UTC(2026, 5, day, 9, minute)).toISOString();
      assert.equal(
        (
          await send([
            pageCall(
              'hs-a-1',
              'hs-laptop',
              d(1),
              'https://shop.example/?utm_source=google&utm_medium=cpc',
              'https://www.google.com/',
            ),
            {
              type: 'identify',
              messageId: 'hs-a-2',
              anonymousId: 'hs-laptop',
              timestamp: d(1, 5),
              traits: { email: ann },
            },
            pageCall('hs-b-1', 'hs-laptop', d(2), 'https://shop.example/', 'https://www.bing.com/'),
            {
              type: 'identify',
              messageId: 'hs-b-2',
              anonymousId: 'hs-laptop',
              timestamp: d(2, 5),
              traits: { email: bo },
            },
            pageCall(
              'hs-a-3',
              'hs-laptop',
              d(3),
              'https://shop.example/?utm_source=newsletter&utm_medium=email',
            ),
            {
              type: 'identify',
              messageId: 'hs-a-4',
              anonymousId: 'hs-laptop',
              timestamp: d(3, 5),
              traits: { email: ann },
            },
          ])
        ).status,
        200,
      );
      await s.app.ingest.settle();
      const find = async (q: string) =>
        (
          (await (await api(`/api/people?${q}`)).json()) as { people: { personId: string }[] }
        ).people.map((p) => p.personId);
      const [annId] = await find(`email=${ann}`);
      const [boId] = await find(`email=${bo}`);
      assert.ok(annId && boId && annId !== boId);
      assert.deepEqual(
        (await find('anonymousId=hs-laptop')).sort(),
        [annId, boId].sort(),
        'the laptop is shared',
      );
      type Journey = {
        timeline: { kind: string; at: string; pages?: { url: string }[]; type?: string }[];
      };
      const boView = async (id: string) => {
        const j = (await (await api(`/api/people/${id}/journey`)).json()) as Journey;
        return j.timeline
          .filter((i) => i.kind !== 'identity')
          .map((i) => JSON.stringify({ ...i, personId: undefined }));
      };
      const boBefore = await boView(boId);
      assert.ok(boBefore.length >= 3, 'his session, identify and lead');

      const exp = await api(`/api/people/${annId}/export`);
      assert.equal(exp.status, 200);
      const data = (await exp.json()) as {
        tables: Record<string, Record<string, unknown>[]>;
        sharedDevices: unknown[];
      };
      assert.deepEqual(data.tables.events!.map((e) => e.message_id).sort(), [
        'hs-a-1',
        'hs-a-2',
        'hs-a-3',
        'hs-a-4',
      ]);
      assert.equal(data.tables.sessions!.length, 2);
      assert.equal(data.sharedDevices.length, 2);
      assert.ok(
        !JSON.stringify(data).includes(bo) && !JSON.stringify(data).includes(boId),
        'nothing of Bo’s',
      );

      const del = await fetch(`${s.base}/api/people/${annId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${s.secretKey}` },
      });
      assert.equal(del.status, 200);
      assert.equal(
        ((await del.json()) as { erasure: { rowCounts: Record<string, number> } }).erasure.rowCounts
          .events,
        4,
      );
      const [boAfter] = await find(`email=${bo}`);
      assert.deepEqual(await find('anonymousId=hs-laptop'), [boAfter!]);
      assert.deepEqual(
        await boView(boAfter!),
        boBefore,
        'Bo’s sessions, events and lead as before',
      );

      // re-sent: her old page in her stretch stays out; his old page (a new id, his stretch) loads
      assert.equal(
        (
          await send([
            pageCall('hs-a-1-retry', 'hs-laptop', d(1, 1), 'https://shop.example/a'),
            pageCall('hs-b-1-retry', 'hs-laptop', d(2, 1), 'https://shop.example/b'),
          ])
        ).status,
        200,
      );
      await s.app.ingest.settle();
      await s.app.close();
      await s.store.close();
      closed = true;
      await withDatabase(s.dir, async (q) => {
        const ids = await q(
          sql`SELECT message_id FROM ${fn.table('events')} WHERE message_id LIKE 'hs-%' ORDER BY message_id`,
        );
        assert.deepEqual(
          ids.map((r) => r.message_id),
          ['hs-b-1', 'hs-b-1-retry', 'hs-b-2'],
        );
        assert.deepEqual(await findInDatabase(q, [ann.replace(/\./g, '\\.'), annId]), []);
      });
    } finally {
      if (closed) rmSync(s.dir, { recursive: true, force: true });
      else await s.close();
    }
  },
);

test(
  'export and erase by e-mail over HTTP (the CLI beside a server): the e-mail in the body, spelled as the facts spell it, facts no person holds yet included',
  { timeout: 120_000 },
  async () => {
    const s = await startTestServer({ ingestRateLimit: 0 });
    try {
      const { send, api } = clientFor(s);
      const email = 'cara.http.byemail@example.com';
      const d = (minute: number) => new Date(Date.UTC(2026, 6, 1, 9, minute)).toISOString();
      assert.equal(
        (
          await send([
            pageCall('he-1', 'he-anon', d(0), 'https://shop.example/?utm_source=google'),
            {
              type: 'identify',
              messageId: 'he-2',
              anonymousId: 'he-anon',
              timestamp: d(1),
              traits: { email: ` ${email.toUpperCase()}` },
            },
            // a form's event that names her, from a device no identify links to her
            {
              type: 'track',
              messageId: 'he-3',
              anonymousId: 'he-other-device',
              timestamp: d(2),
              event: 'newsletter',
              properties: { contact: email },
            },
            pageCall('he-keep', 'he-someone-else', d(3), 'https://shop.example/'),
          ])
        ).status,
        200,
      );
      await s.app.ingest.settle();
      const post = (path: string, body: unknown) =>
        api(path, { method: 'POST', body: JSON.stringify(body) });
      for (const path of ['/api/people/export', '/api/people/erase']) {
        for (const [body, status, field] of [
          [{ email: 'not an e-mail' }, 400, 'email'],
          [{ email: '' }, 400, 'email'],
          [{ email, personId: 'p_1' }, 400, '(body)'],
          [{ email: 'nobody.here@example.com' }, 404, 'email'],
        ] as const) {
          const res = await post(path, body);
          const e = ((await res.json()) as { error: { field: string; message: string } }).error;
          assert.deepEqual(
            [res.status, e.field],
            [status, field],
            `${path} ${JSON.stringify(body)}`,
          );
          if (status === 404)
            assert.equal(
              e.message,
              `nothing is stored about that e-mail in workspace ${s.workspace.id}`,
            );
        }
        assert.equal(
          (
            await fetch(`${s.base}${path}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ email }),
            })
          ).status,
          401,
        );
      }

      const exp = await post('/api/people/export', { email: email.toUpperCase() });
      assert.equal(exp.status, 200);
      assert.match(exp.headers.get('content-disposition') ?? '', /attachment/);
      const data = (await exp.json()) as { tables: { events: { message_id: string }[] } };
      assert.deepEqual(data.tables.events.map((e) => e.message_id).sort(), [
        'he-1',
        'he-2',
        'he-3',
      ]);

      const del = await post('/api/people/erase', { email });
      assert.equal(del.status, 200);
      const { erasure } = (await del.json()) as {
        erasure: { via: string; rowCounts: Record<string, number> };
      };
      assert.deepEqual([erasure.via, erasure.rowCounts.events], ['api', 3]);
      assert.equal((await post('/api/people/export', { email })).status, 404);
      assert.deepEqual(
        (await s.store.queryEvents(s.workspace.id, {})).map((e) => e.messageId),
        ['he-keep'],
      );
    } finally {
      await s.close();
    }
  },
);
