import { test } from 'node:test';
import assert from 'node:assert/strict';
import { segmentHttpWriter, simulate } from '../sim/index.js';
import type { RawEvent } from '../store/types.js';
import { startTestServer } from '../test-helpers/server.js';
import { add, identify, page, withStore } from '../test-helpers/events.js';
import { tempDir } from '../test-helpers/tmp.js';
import { deriveTouched, rebuild } from './derive.js';

test('a simulated world replayed through the ingestion API: sessions per channel, persons and leads by first touch match the simulator’s record', async () => {
  const s = await startTestServer({ ingestRateLimit: 0 });
  const { dir, cleanup } = tempDir();
  try {
    const sender = segmentHttpWriter({ baseUrl: s.base, writeKey: s.workspace.writeKey });
    const sim = await simulate({ seed: 5, days: 30, visitorsPerDay: 60, end: '2026-09-30' }, { outDir: dir, extraWriters: [sender] });
    assert.equal(sender.stats.events, sim.record.events.total);
    await s.app.ingest.flush();
    assert.equal(await s.store.countEvents(s.workspace.id), sim.record.events.total);
    const summary = await rebuild(s.store, s.workspace.id);

    const byChannel = Object.fromEntries((await s.store.sessionsByChannel(s.workspace.id)).map((c) => [c.channel, c.sessions]));
    assert.deepEqual(byChannel, Object.fromEntries(Object.entries(sim.record.sessions.byGa4ChannelGroup).filter(([, n]) => n > 0)));
    assert.equal(await s.store.countPersons(s.workspace.id), sim.record.identity.resolvablePersons);
    assert.equal(summary.leads, sim.record.leads.total);
    const leads = Object.fromEntries((await s.store.leadsByFirstTouchChannel(s.workspace.id)).map((l) => [l.channel, l.leads]));
    assert.deepEqual(leads, sim.record.leads.byVisibleFirstTouchGa4ChannelGroup);

    // a rebuild over unchanged facts gives identical derived tables, and reports no identity change
    const sessions = await s.store.listSessions(s.workspace.id);
    const identities = (await s.store.currentIdentities(s.workspace.id)).sort((a, b) => `${a.kind}${a.value}`.localeCompare(`${b.kind}${b.value}`));
    const again = await rebuild(s.store, s.workspace.id);
    assert.deepEqual(await s.store.listSessions(s.workspace.id), sessions);
    assert.deepEqual((await s.store.currentIdentities(s.workspace.id)).sort((a, b) => `${a.kind}${a.value}`.localeCompare(`${b.kind}${b.value}`)), identities);
    assert.deepEqual([again.identity.merges, again.identity.splits], [0, 0]);
  } finally {
    await s.close();
    cleanup();
  }
});

test('identity: two devices joined by one email are one person, and the journey holds both devices’ sessions', async () => {
  await withStore(async (store) => {
    await add(store, [
      page('laptop', '2026-03-01T09:00:00Z', 'https://acme.io/?utm_source=linkedin&utm_medium=paid_social', 'https://www.linkedin.com/'),
      identify('laptop', '2026-03-01T09:05:00Z', 'Ada@Acme.io'),
      page('phone', '2026-03-03T20:00:00Z', 'https://acme.io/pricing', 'https://www.google.com/'),
      identify('phone', '2026-03-03T20:02:00Z', 'ada@acme.io '),
      page('stranger', '2026-03-02T10:00:00Z', 'https://acme.io/'),
    ]);
    await rebuild(store, 'w');
    const [person, ...more] = await store.personsByIdentifier('w', 'email', 'ada@acme.io');
    assert.equal(more.length, 0);
    assert.equal(await store.countPersons('w'), 2);
    const journey = await store.personJourney('w', person!);
    const sessions = journey!.timeline.filter((i) => i.kind === 'session');
    assert.deepEqual(sessions.map((x) => (x.kind === 'session' ? x.session.channel : '')), ['Paid Social', 'Organic Search']);
    assert.deepEqual(journey!.timeline.filter((i) => i.kind === 'milestone').map((m) => (m.kind === 'milestone' ? [m.milestone, m.at] : [])), [['lead', '2026-03-01T09:05:00.000Z']]);
  });
});

test('identity: a shared device with 8 emails is quarantined and listed; its 8 people stay apart', async () => {
  await withStore(async (store) => {
    const events: RawEvent[] = [page('kiosk', '2026-03-01T09:00:00Z', 'https://acme.io/')];
    for (let i = 0; i < 8; i++) events.push(identify('kiosk', `2026-03-01T1${i}:00:00Z`, `visitor${i}@example.com`));
    await add(store, events);
    await rebuild(store, 'w');
    const q = await store.quarantinedIdentifiers('w');
    assert.deepEqual(q.map((x) => [x.kind, x.value, x.distinctEmails]), [['anonymous_id', 'kiosk', 8]]);
    const people = new Set<string>();
    for (let i = 0; i < 8; i++) for (const p of await store.personsByIdentifier('w', 'email', `visitor${i}@example.com`)) people.add(p);
    assert.equal(people.size, 8);
  });
});

test('identity: a late identify merges earlier anonymous sessions retroactively, and the merge is recorded', async () => {
  await withStore(async (store) => {
    await add(store, [
      page('old-browser', '2026-02-01T09:00:00Z', 'https://acme.io/?gclid=abc', 'https://www.google.com/'),
      page('new-browser', '2026-02-20T09:00:00Z', 'https://acme.io/demo'),
      identify('new-browser', '2026-02-20T09:01:00Z', 'bo@acme.io'),
    ]);
    await rebuild(store, 'w');
    const before = await store.personsByIdentifier('w', 'email', 'bo@acme.io');
    // the old browser identifies weeks later (and the event arrives out of order, dated in the past)
    await add(store, [identify('old-browser', '2026-02-01T09:10:00Z', 'bo@acme.io')]);
    await deriveTouched(store, 'w', ['old-browser']);
    const [person] = await store.personsByIdentifier('w', 'email', 'bo@acme.io');
    const journey = await store.personJourney('w', person!);
    const channels = journey!.timeline.flatMap((i) => (i.kind === 'session' ? [i.session.channel] : []));
    assert.deepEqual(channels, ['Paid Search', 'Direct'], 'the earlier paid session joined the journey');
    const changes = journey!.timeline.filter((i) => i.kind === 'identity');
    assert.ok(changes.some((c) => c.kind === 'identity' && c.change === 'merge'), 'the merge is in the journey');
    assert.ok(before.length === 1);
    const leads = journey!.timeline.filter((i) => i.kind === 'milestone');
    assert.equal(leads[0]!.at, '2026-02-01T09:10:00.000Z', 'the lead moment moves to the earlier identify');
  });
});

test('identity: a person split never happens silently (a quarantine that starts is recorded with its reason)', async () => {
  await withStore(async (store) => {
    await add(store, [
      page('pc', '2026-04-01T09:00:00Z', 'https://acme.io/'),
      identify('pc', '2026-04-01T09:01:00Z', 'a@x.io'),
      identify('pc', '2026-04-01T09:02:00Z', 'b@x.io'),
    ]);
    await rebuild(store, 'w');
    assert.equal((await store.personsByIdentifier('w', 'email', 'a@x.io'))[0], (await store.personsByIdentifier('w', 'email', 'b@x.io'))[0]);
    await add(store, [identify('pc', '2026-04-02T09:00:00Z', 'c@x.io'), identify('pc', '2026-04-02T09:01:00Z', 'd@x.io')]);
    const r = await rebuild(store, 'w');
    assert.equal(r.identity.splits, 1);
    const [a] = await store.personsByIdentifier('w', 'email', 'a@x.io');
    const [b] = await store.personsByIdentifier('w', 'email', 'b@x.io');
    assert.notEqual(a, b);
    const journey = await store.personJourney('w', a!);
    const split = journey!.timeline.find((i) => i.kind === 'identity' && i.change === 'split');
    assert.ok(split && split.kind === 'identity' && split.reason === 'quarantine', JSON.stringify(journey!.timeline));
  });
});
