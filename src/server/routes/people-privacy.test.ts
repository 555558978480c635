import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createWorkspace } from '../../workspaces/create.js';
import { findInDatabase, withDatabase } from '../../test-helpers/database-scan.js';
import { clientFor, pageCall, startTestServer } from '../../test-helpers/server.js';

const ANN = { email: 'ann.http.erased@example.com', anon: 'anon-http-ann-erased', user: 'user-http-ann-erased' };
const BOB = { email: 'bob.http.kept@example.com', anon: 'anon-http-bob-kept' };
const t = (minute: number) => new Date(Date.UTC(2026, 5, 1, 9, minute)).toISOString();

test('export and erase over HTTP: secret key and workspace enforced, the journal flushed first, the person gone, a re-sent old event not loaded', { timeout: 120_000 }, async () => {
  const s = await startTestServer({ ingestRateLimit: 0 });
  let closed = false;
  try {
    const { send, api } = clientFor(s);
    const other = await createWorkspace(s.store, { name: 'Other', currency: 'USD', timezone: 'UTC' });
    const sent = await send([
      pageCall('h-ann-1', ANN.anon, t(0), 'https://shop.example/?utm_source=google&utm_medium=cpc', 'https://www.google.com/'),
      { type: 'identify', messageId: 'h-ann-2', anonymousId: ANN.anon, userId: ANN.user, timestamp: t(1), traits: { email: ANN.email } },
      pageCall('h-bob-1', BOB.anon, t(2), 'https://shop.example/', 'https://www.bing.com/'),
      { type: 'identify', messageId: 'h-bob-2', anonymousId: BOB.anon, timestamp: t(3), traits: { email: BOB.email } },
    ]);
    assert.equal(sent.status, 200);
    await s.app.ingest.settle();
    // no body, so no content type (Fastify refuses an empty JSON body)
    const erase = (id: string) => fetch(`${s.base}/api/people/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${s.secretKey}` } });
    const find = async (q: string) => ((await (await api(`/api/people?${q}`)).json()) as { people: { personId: string }[] }).people.map((p) => p.personId);
    const [ann] = await find(`email=${ANN.email}`);
    const [bob] = await find(`email=${BOB.email}`);
    assert.ok(ann && bob);
    const bobJourney = await (await api(`/api/people/${bob}/journey`)).json();

    // no key, a write key, another workspace's secret key: refused, and nothing erased
    const noKey = await fetch(`${s.base}/api/people/${ann}/export`);
    assert.equal(noKey.status, 401);
    assert.equal(((await noKey.json()) as { error: { field: string } }).error.field, 'authorization');
    assert.equal((await fetch(`${s.base}/api/people/${ann}`, { method: 'DELETE' })).status, 401);
    assert.equal((await fetch(`${s.base}/api/people/${ann}`, { method: 'DELETE', headers: { authorization: `Bearer ${s.workspace.writeKey}` } })).status, 401);
    const asOther = { authorization: `Bearer ${other.secretKey}` };
    assert.equal((await fetch(`${s.base}/api/people/${ann}/export`, { headers: asOther })).status, 404);
    const crossDelete = await fetch(`${s.base}/api/people/${ann}`, { method: 'DELETE', headers: asOther });
    assert.equal(crossDelete.status, 404);
    assert.deepEqual(await find(`email=${ANN.email}`), [ann], 'another workspace cannot erase her');
    const badId = await api(`/api/people/${encodeURIComponent('p_1 OR 1=1')}/export`);
    assert.equal(badId.status, 400);
    assert.equal(((await badId.json()) as { error: { field: string } }).error.field, 'id');

    // export: her events, sessions, identities, milestone and credits
    const exp = await api(`/api/people/${ann}/export`);
    assert.equal(exp.status, 200);
    assert.match(exp.headers.get('content-disposition') ?? '', /attachment/);
    const data = (await exp.json()) as { tables: Record<string, Record<string, unknown>[]>; counts: Record<string, number> };
    assert.deepEqual(data.tables.events!.map((e) => e.message_id).sort(), ['h-ann-1', 'h-ann-2']);
    assert.equal(data.counts.sessions, 1);
    assert.equal(data.counts.milestones, 1);
    assert.ok(data.counts.attribution_credits! > 0);
    assert.ok(!JSON.stringify(data).includes(BOB.email));

    // an event of hers acknowledged just before the erasure: still in the journal or just loaded, it goes too
    assert.equal((await send([pageCall('h-ann-3', ANN.anon, t(5), 'https://shop.example/pricing')])).status, 200);
    const del = await erase(ann);
    assert.equal(del.status, 200);
    const body = await del.text();
    for (const secret of [ANN.email, ANN.anon, ANN.user, ann]) assert.ok(!body.includes(secret), 'the audit record names no personal data');
    const { erasure } = JSON.parse(body) as { erasure: { id: string; via: string; rowCounts: Record<string, number> } };
    assert.equal(erasure.via, 'api');
    assert.equal(erasure.rowCounts.events, 3);
    assert.equal((await erase(ann)).status, 404);
    assert.deepEqual(await find(`email=${ANN.email}`), []);

    // re-sent old events (same ids, her anonymous id, e-mail, user id) are acknowledged and never loaded
    assert.equal((await send([
      pageCall('h-ann-1', ANN.anon, t(0), 'https://shop.example/?utm_source=google&utm_medium=cpc'),
      { type: 'identify', messageId: 'h-ann-9', anonymousId: 'anon-http-new-device', timestamp: t(9), traits: { email: ANN.email } },
      { type: 'track', messageId: 'h-ann-10', userId: ANN.user, timestamp: t(10), event: 'login' },
    ])).status, 200);
    await s.app.ingest.settle();
    assert.deepEqual(await find(`email=${ANN.email}`), []);
    assert.deepEqual(await find(`anonymousId=${ANN.anon}`), []);
    assert.deepEqual(await find(`userId=${ANN.user}`), []);
    assert.deepEqual(await (await api(`/api/people/${bob}/journey`)).json(), bobJourney, 'Bob is as he was');

    await s.app.close();
    await s.store.close();
    closed = true;
    await withDatabase(s.dir, async (q) => {
      assert.deepEqual(await findInDatabase(q, [ANN.email, ANN.anon, ANN.user, ann].map((x) => x.replace(/[.+]/g, '\\$&'))), []);
    });
  } finally {
    if (closed) rmSync(s.dir, { recursive: true, force: true });
    else await s.close();
  }
});
