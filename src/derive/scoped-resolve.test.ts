// A live derive resolves only the linked components around new events. These tests hold it to a
// rebuild over the same facts: identical persons, quarantine, milestones and credits, whatever order
// the events arrive in, including user-id-only events, aliases, late identifies, a quarantined kiosk and
// devices shared by two people (split by time between them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DRIVEN_MODEL_NAMES } from '../attribution/data-driven-weights.js';
import { RULE_MODEL_NAMES } from '../attribution/types.js';
import { simulate } from '../sim/index.js';
import { Rng } from '../sim/prng.js';
import type { Store } from '../store/store.js';
import type { RawEvent, AffectedIds } from '../store/types.js';
import { add, identify, page, withStore } from '../test-helpers/events.js';
import { tempDir } from '../test-helpers/tmp.js';
import { DEFAULT_DERIVE_SETTINGS, deriveAffected, rebuild, refitWorkspace } from './derive.js';
import { personIdFor } from './identity/index.js';

/** Everything identity resolution decides, in an order-free form. */
async function snapshot(store: Store): Promise<Record<string, unknown>> {
  const ids = (await store.currentIdentities('w'))
    .map(
      (r) => `${r.kind}|${r.value}|${r.personId}|${r.span ? `${r.span.from}-${r.span.until}` : ''}`,
    )
    .sort();
  const quarantine = (await store.quarantinedIdentifiers('w')).map((q) => JSON.stringify(q)).sort();
  const inputs = await store.attributionInputs('w', 'lead');
  const leads = inputs.conversions.map((c) => `${c.personId}|${c.at}`).sort();
  const touches = inputs.touches
    .map((t) => `${t.personId}|${t.touchId}|${t.channel}|${t.at}`)
    .sort();
  const credits: string[] = [];
  for (const p of new Set(inputs.conversions.map((c) => c.personId))) {
    for (const c of await store.personCredits('w', p))
      credits.push(`${c.milestone}|${c.model}|${p}|${c.touchId}|${c.weight.toFixed(9)}`);
  }
  // every credit row, by model and channel: a person left holding credits it should not have shows here
  const byChannel: string[] = [];
  for (const model of [...RULE_MODEL_NAMES, ...DATA_DRIVEN_MODEL_NAMES]) {
    for (const g of await store.creditReport('w', {
      model,
      milestone: 'lead',
      groupBy: ['channel'],
    }))
      byChannel.push(
        `${model}|${g.key.channel}|${g.conversions.toFixed(9)}|${g.touchedConversions}`,
      );
  }
  return {
    ids,
    quarantine,
    leads,
    touches,
    credits: credits.sort(),
    byChannel: byChannel.sort(),
    persons: await store.countPersons('w'),
  };
}

/** What the journal loader reports for a batch: its anonymous ids and its user ids. */
const touchedBy = (batch: readonly RawEvent[]): AffectedIds => ({
  anonymousIds: [
    ...new Set(batch.flatMap((e) => (typeof e.anonymousId === 'string' ? [e.anonymousId] : []))),
  ],
  userIds: [...new Set(batch.flatMap((e) => (typeof e.userId === 'string' ? [e.userId] : [])))],
});

/** Hand-made facts on top of the simulated world: every way a link can arrive. */
function extras(): RawEvent[] {
  const at = (d: number): string => new Date(Date.UTC(2026, 8, 1 + d, 10)).toISOString();
  const events: RawEvent[] = [
    page('dev-a', at(0), 'https://acme.io/?utm_source=google&utm_medium=cpc&gclid=g1'),
    page('dev-b', at(2), 'https://acme.io/pricing', 'https://www.linkedin.com/'),
    // a server-side identify: only a user id and an email, no anonymous id
    {
      type: 'identify',
      messageId: 'srv-1',
      userId: 'u-77',
      timestamp: at(3),
      traits: { email: 'Zed@Acme.io ' },
    },
    // the user id meets a device later, through a track carrying both
    {
      type: 'track',
      messageId: 'trk-1',
      event: 'Signed In',
      anonymousId: 'dev-b',
      userId: 'u-77',
      timestamp: at(4),
    },
    identify('dev-a', at(5), 'zed@acme.io'),
    // Segment's alias: the previous anonymous id becomes the user id
    page('dev-c', at(1), 'https://acme.io/blog', 'https://www.bing.com/'),
    { type: 'alias', messageId: 'al-1', previousId: 'dev-c', userId: 'u-77', timestamp: at(6) },
    // a placeholder user id links nothing, but the email is still seen
    {
      type: 'identify',
      messageId: 'ph-1',
      userId: 'undefined',
      anonymousId: 'dev-d',
      timestamp: at(2),
      traits: { email: 'pat@acme.io' },
    },
    page('dev-d', at(1), 'https://acme.io/'),
  ];
  // a family laptop: ann, then bo, then ann again, each identify after some visits (and ann's own phone)
  const t = (d: number, h: number): string => new Date(Date.UTC(2026, 8, 1 + d, h)).toISOString();
  events.push(
    page('family', t(0, 9), 'https://acme.io/', 'https://www.google.com/'),
    identify('family', t(0, 10), 'ann@home.io'),
    page('family', t(1, 9), 'https://acme.io/blog', 'https://www.bing.com/'),
    page('family', t(2, 9), 'https://acme.io/?utm_source=linkedin&utm_medium=paid_social'),
    identify('family', t(2, 10), 'bo@home.io'),
    page('family', t(3, 9), 'https://acme.io/pricing'),
    {
      type: 'track',
      messageId: 'fam-form',
      event: 'form_submitted',
      anonymousId: 'family',
      timestamp: t(3, 10),
      properties: { fields: { email: 'Ann@Home.io' } },
    },
    page('family', t(5, 9), 'https://acme.io/'),
    page('ann-mobile', t(4, 20), 'https://acme.io/?utm_source=newsletter&utm_medium=email'),
    identify('ann-mobile', t(4, 21), 'ann@home.io'),
    // two logins on one browser
    page('den', t(1, 18), 'https://acme.io/'),
    {
      type: 'track',
      messageId: 'den-1',
      event: 'Signed In',
      anonymousId: 'den',
      userId: 'kid-1',
      timestamp: t(1, 19),
    },
    page('den', t(3, 18), 'https://acme.io/docs'),
    {
      type: 'track',
      messageId: 'den-2',
      event: 'Signed In',
      anonymousId: 'den',
      userId: 'kid-2',
      timestamp: t(3, 19),
    },
  );
  // a shared device: five emails over the default limit of three, so it is quarantined
  for (let i = 0; i < 5; i++) {
    events.push(page(`kiosk-visit-${i}`, at(i), 'https://acme.io/'));
    events.push(identify('kiosk', at(i + 1), `visitor${i}@acme.io`));
    events.push(identify(`kiosk-visit-${i}`, at(i + 2), `visitor${i}@acme.io`));
  }
  return events;
}

test('live derives in shuffled small batches end exactly as a rebuild: persons, quarantine, leads, touches, credits', async () => {
  const { dir, cleanup } = tempDir();
  try {
    await simulate({ seed: 9, days: 20, visitorsPerDay: 30, end: '2026-09-30' }, { outDir: dir });
    const simulated = readFileSync(join(dir, 'events.ndjson'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as RawEvent);
    const events = [...simulated, ...extras()];
    // shuffled: later events often arrive first (late identifies, out-of-order pages)
    const random = Rng.of(42);
    for (let i = events.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [events[i], events[j]] = [events[j]!, events[i]!];
    }
    await withStore(async (store) => {
      const batches = 16;
      const size = Math.ceil(events.length / batches);
      let runs = 0;
      let scopedRuns = 0;
      for (let i = 0; i < events.length; i += size) {
        const batch = events.slice(i, i + size);
        await add(store, batch);
        const r = await deriveAffected(store, 'w', touchedBy(batch), undefined, {
          dataDriven: false,
        });
        runs++;
        if (r.identity.scope) scopedRuns++;
      }
      // the first batch of a new workspace is resolved whole (that writes its edges); every later one by scope
      assert.deepEqual([runs, scopedRuns], [batches, batches - 1]);
      await refitWorkspace(store, 'w');
      const live = await snapshot(store);
      await rebuild(store, 'w');
      const rebuilt = await snapshot(store);
      assert.deepEqual(live, rebuilt);
      // the hand-made cases are present as intended
      const ids = rebuilt.ids as string[];
      const personOf = (k: string): string | undefined =>
        ids.find((r) => r.startsWith(`${k}|`))?.split('|')[2];
      assert.ok(personOf('anonymous_id|dev-a'));
      assert.equal(personOf('anonymous_id|dev-b'), personOf('anonymous_id|dev-a'));
      assert.equal(personOf('anonymous_id|dev-c'), personOf('anonymous_id|dev-a'));
      assert.equal(personOf('email|zed@acme.io'), personOf('anonymous_id|dev-a'));
      assert.equal(personOf('email|pat@acme.io'), personOf('anonymous_id|dev-d'));
      assert.ok((rebuilt.quarantine as string[]).some((q) => q.includes('"value":"kiosk"')));
      // the shared devices are split by time: ann, bo, ann on the laptop; kid-1 then kid-2 in the den
      const spans = (anon: string): string[] =>
        ids.filter((r) => r.startsWith(`anonymous_id|${anon}|`)).map((r) => r.split('|')[2]!);
      const [ann, bo] = [personOf('email|ann@home.io'), personOf('email|bo@home.io')];
      assert.ok(ann && bo && ann !== bo);
      assert.equal(personOf('anonymous_id|ann-mobile'), ann);
      assert.deepEqual(spans('family').sort(), [ann, ann, bo].sort());
      assert.deepEqual(
        new Set(spans('den')),
        new Set([personOf('user_id|kid-1'), personOf('user_id|kid-2')]),
      );
      const touches = rebuilt.touches as string[];
      assert.equal(
        touches.filter((x) => x.startsWith(`${bo}|`)).length,
        2,
        'bo: the Bing and LinkedIn visits before his identify',
      );
      assert.equal(
        touches.filter((x) => x.startsWith(`${ann}|`)).length,
        4,
        'ann: before her first identify, before her second, after it, and her phone',
      );
    });
  } finally {
    cleanup();
  }
});

test('a scoped derive re-places only the linked components around the new events', async () => {
  await withStore(async (store) => {
    const base: RawEvent[] = [];
    for (let i = 0; i < 40; i++)
      base.push(page(`v${i}`, '2026-05-01T10:00:00Z', 'https://acme.io/'));
    for (let i = 0; i < 10; i++)
      base.push(identify(`v${i}`, '2026-05-01T10:05:00Z', `p${i}@acme.io`));
    base.push(identify('v20', '2026-05-02T10:05:00Z', 'p1@acme.io')); // v1 and v20 are one person
    await add(store, base);
    await rebuild(store, 'w');
    const before = new Map(
      (await store.currentIdentities('w')).map((r) => [`${r.kind}|${r.value}`, r.personId]),
    );

    // a new visit of v20 and its identify with p1's email: the scope is p1's component, nothing else
    const batch = [
      page('v20', '2026-05-03T10:00:00Z', 'https://acme.io/pricing'),
      identify('v20', '2026-05-03T10:01:00Z', 'P1@acme.io'),
    ];
    await add(store, batch);
    const r = await deriveAffected(store, 'w', touchedBy(batch));
    assert.ok(r.identity.scope);
    assert.deepEqual(r.identity.scope.identifiers.map((i) => `${i.kind}|${i.value}`).sort(), [
      'anonymous_id|v1',
      'anonymous_id|v20',
      'email|p1@acme.io',
    ]);
    assert.deepEqual(r.identity.scope.persons, [before.get('anonymous_id|v1')]);
    const after = new Map(
      (await store.currentIdentities('w')).map((r) => [`${r.kind}|${r.value}`, r.personId]),
    );
    assert.deepEqual(after, before);

    // a user-id-only identify joins two persons that were apart: both components are re-placed, and merged
    const join2 = [
      {
        type: 'identify',
        messageId: 'srv-2',
        userId: 'acct-9',
        timestamp: '2026-05-04T10:00:00Z',
        traits: { email: 'p2@acme.io' },
      },
      {
        type: 'identify',
        messageId: 'srv-3',
        userId: 'acct-9',
        timestamp: '2026-05-04T10:01:00Z',
        traits: { email: 'p3@acme.io' },
      },
    ] as RawEvent[];
    await add(store, join2);
    const m = await deriveAffected(store, 'w', touchedBy(join2));
    assert.ok(m.identity.scope);
    assert.equal(m.identity.merges, 1);
    const merged = new Map(
      (await store.currentIdentities('w')).map((r) => [`${r.kind}|${r.value}`, r.personId]),
    );
    assert.equal(merged.get('anonymous_id|v3'), merged.get('anonymous_id|v2'));
    assert.equal(merged.get('user_id|acct-9'), merged.get('anonymous_id|v2'));
    // the older person keeps its id (v2 and v3 were seen at the same time: the smaller anchor wins)
    assert.ok(
      [before.get('anonymous_id|v2'), before.get('anonymous_id|v3')].includes(
        merged.get('anonymous_id|v2'),
      ),
    );
    const leads = (await store.attributionInputs('w', 'lead')).conversions.filter(
      (c) => c.personId === merged.get('anonymous_id|v2'),
    );
    assert.equal(leads.length, 1);
  });
});

test('a scoped derive whose new person takes an id already naming a person outside the scope resolves whole, with a salted id', async () => {
  await withStore(async (store) => {
    const first = [
      page('lonely', '2026-03-01T09:00:00Z', 'https://acme.io/'),
      page('lead', '2026-03-01T10:00:00Z', 'https://acme.io/'),
    ];
    await add(store, first);
    await rebuild(store, 'w');
    // the identify arrives live; a hash that gives the new linked person the id of the visitor outside the scope
    const clash = personIdFor('anonymous_id', 'lonely', 0);
    const personIdHash = (kind: string, value: string, salt: number) =>
      kind === 'anonymous_id' && value === 'lead' && salt === 0
        ? clash
        : personIdFor(kind, value, salt);
    const batch = [identify('lead', '2026-03-01T10:01:00Z', 'bob@acme.io')];
    await add(store, batch);
    const r = await deriveAffected(store, 'w', touchedBy(batch), {
      ...DEFAULT_DERIVE_SETTINGS,
      personIdHash,
    });
    // the scoped attempt was rolled back and the workspace resolved whole (no scope in the summary)
    assert.equal(r.identity.scope, undefined);
    const personOf = new Map(
      (await store.currentIdentities('w')).map((x) => [`${x.kind}|${x.value}`, x.personId]),
    );
    assert.equal(personOf.get('anonymous_id|lead'), personOf.get('email|bob@acme.io'));
    assert.notEqual(
      personOf.get('anonymous_id|lead'),
      personOf.get('anonymous_id|lonely'),
      'two persons never share an id',
    );
    assert.equal(new Set(personOf.values()).size, 2);
  });
});

test('a workspace whose facts were never resolved is resolved whole by its first live derive, links it has not been told about included', async () => {
  await withStore(async (store) => {
    // loaded without any derive (as a store from before identity edges were kept would be)
    await add(store, [
      page('old-1', '2026-04-01T10:00:00Z', 'https://acme.io/'),
      identify('old-1', '2026-04-01T10:01:00Z', 'kim@acme.io'),
      identify('old-2', '2026-04-02T10:01:00Z', 'kim@acme.io'),
    ]);
    const batch = [page('new-1', '2026-04-03T10:00:00Z', 'https://acme.io/')];
    await add(store, batch);
    const r = await deriveAffected(store, 'w', touchedBy(batch));
    assert.equal(r.identity.scope, undefined);
    const live = (await store.currentIdentities('w'))
      .map((x) => `${x.kind}|${x.value}|${x.personId}`)
      .sort();
    const personOf = new Map(
      (await store.currentIdentities('w')).map((x) => [`${x.kind}|${x.value}`, x.personId]),
    );
    assert.equal(personOf.get('anonymous_id|old-2'), personOf.get('anonymous_id|old-1'));
    await rebuild(store, 'w');
    assert.deepEqual(
      live,
      (await store.currentIdentities('w')).map((x) => `${x.kind}|${x.value}|${x.personId}`).sort(),
    );
    // from then on, live derives go by scope
    const next = [identify('new-1', '2026-04-04T10:00:00Z', 'kim@acme.io')];
    await add(store, next);
    const s = await deriveAffected(store, 'w', touchedBy(next));
    assert.ok(s.identity.scope);
    assert.equal(
      new Map(
        (await store.currentIdentities('w')).map((x) => [`${x.kind}|${x.value}`, x.personId]),
      ).get('anonymous_id|new-1'),
      personOf.get('anonymous_id|old-1'),
    );
  });
});
