// Export and erasure of a person who shared a laptop with another (docs/identity.md, shared devices): only
// their stretches of the laptop's time are theirs; the other person's events, sessions, lead and credits
// stay as they were, and the tombstones of the laptop cover only the erased stretches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DATA_DRIVEN_MODEL_NAMES } from '../attribution/index.js';
import { fn, p, sql } from '../store/engines/neutral/sql.js';
import { openTestStore } from '../test-helpers/store.js';
import type { Store } from '../store/store.js';
import type { RawEvent } from '../store/types.js';
import {
  findInDatabase,
  insertDeadLetter,
  tableRows,
  withDatabase,
  type Query,
} from '../test-helpers/database-scan.js';
import { TEST_WORKSPACE } from '../test-helpers/events.js';
import { tempDir } from '../test-helpers/tmp.js';
import { deriveAffected, rebuild } from './derive.js';
import { personIdFor } from './identity/index.js';
import { erasePerson, exportPerson, OTHER_PERSON } from './person-privacy.js';

const W = TEST_WORKSPACE.id;
const ANN = 'ann.shared@home.io';
const BO = 'bo.shared@home.io';
const day = (d: number, h = 10, m = 0): string =>
  new Date(Date.UTC(2026, 5, d, h, m)).toISOString();
const page = (id: string, anon: string, at: string, url: string, referrer?: string): RawEvent => ({
  type: 'page',
  messageId: id,
  anonymousId: anon,
  timestamp: at,
  context: { page: { url, ...(referrer ? { referrer } : {}) } },
});
const identify = (
  id: string,
  anon: string,
  at: string,
  email: string,
  userId?: string,
): RawEvent => ({
  type: 'identify',
  messageId: id,
  anonymousId: anon,
  timestamp: at,
  traits: { email },
  ...(userId ? { userId } : {}),
});

// The laptop: Ann's stretch, Bo's, Ann's again (her second identify comes after Bo's); each has a device of
// their own too, and Cy never touches the laptop.
const annFirst: RawEvent[] = [
  page(
    'a-1',
    'laptop',
    day(1),
    'https://acme.io/?utm_source=google&utm_medium=cpc&gclid=Gann',
    'https://www.google.com/',
  ),
  identify('a-2', 'laptop', day(1, 10, 5), ' Ann.Shared@Home.io'),
  {
    type: 'track',
    messageId: 'a-3',
    event: 'form_submitted',
    anonymousId: 'laptop',
    timestamp: day(1, 10, 5),
    properties: { email: ANN },
  },
];
const rest: RawEvent[] = [
  page('b-1', 'laptop', day(2), 'https://acme.io/blog', 'https://www.bing.com/'),
  page(
    'b-2',
    'laptop',
    day(3),
    'https://acme.io/?utm_source=linkedin&utm_medium=paid_social',
    'https://www.linkedin.com/',
  ),
  identify('b-3', 'laptop', day(3, 10, 5), BO),
  {
    type: 'track',
    messageId: 'b-4',
    event: 'chat_started',
    anonymousId: 'laptop',
    timestamp: day(3, 10, 6),
    properties: { email: BO },
  },
  page('a-4', 'laptop', day(4), 'https://acme.io/?utm_source=newsletter&utm_medium=email'),
  identify('a-5', 'laptop', day(4, 10, 5), ANN),
  page('a-6', 'laptop', day(5), 'https://acme.io/pricing'),
  page('a-7', 'ann-phone', day(6), 'https://acme.io/'),
  identify('a-8', 'ann-phone', day(6, 10, 1), ANN),
  page('b-5', 'bo-phone', day(6, 12), 'https://acme.io/', 'https://duckduckgo.com/'),
  identify('b-6', 'bo-phone', day(6, 12, 1), BO, 'user-bo'),
  page(
    'c-1',
    'cy-pc',
    day(2, 15),
    'https://acme.io/?utm_source=google&utm_medium=cpc&gclid=Gcy',
    'https://www.google.com/',
  ),
  identify('c-2', 'cy-pc', day(2, 15, 1), 'cy@home.io'),
];
const ANN_EVENTS = ['a-1', 'a-2', 'a-3', 'a-4', 'a-5', 'a-6', 'a-7', 'a-8'];
const list = (xs: readonly string[]) => `(${xs.map((x) => `'${x}'`).join(', ')})`;
/** Ann's sessions, written from the world: the laptop's up to Bo's first visit and after Bo's identify, and her phone's. */
const ANN_SESSIONS = sql`workspace_id = ${p.text(W)} AND (anonymous_id = 'ann-phone'
  OR (anonymous_id = 'laptop' AND (started_at < ${p.time(day(2))} OR started_at >= ${p.time(day(4))})))`;
const RULE_BASED = `model NOT IN ${list(DATA_DRIVEN_MODEL_NAMES)}`;

// received now: an event timed later than its receipt + 1 day would be re-timed to the receipt (ingestion.md)
const add = (store: Store, events: RawEvent[]) =>
  store.appendEvents(W, events, { origin: 'import', receivedAt: new Date() });
const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();
/** Rows of a person without their person id (which may change, see below), sorted. */
const withoutPerson = (rows: string[]) =>
  rows.map((r) => JSON.stringify({ ...(JSON.parse(r) as object), person_id: undefined })).sort();

async function personOf(store: Store, email: string): Promise<string> {
  const ps = await store.personsByIdentifier(W, 'email', email);
  assert.equal(ps.length, 1, email);
  return ps[0]!;
}

/** The world, derived in two steps so that the identity log records the laptop's split; a dead letter of each kind. */
async function seed(dir: string): Promise<void> {
  const store = await openTestStore(dir);
  try {
    await store.createWorkspace(TEST_WORKSPACE);
    await add(store, annFirst);
    await rebuild(store, W);
    await add(store, rest);
    await rebuild(store, W);
  } finally {
    await store.close();
  }
  await withDatabase(dir, async (q) => {
    const letters = [
      ['dl-laptop', '{"type":"page","anonymousId":"laptop","timestamp":"2026-99-02"}'],
      [
        'dl-ann',
        `{"type":"identify","anonymousId":"laptop","traits":{"email":"${ANN}"},"timestamp":"x"}`,
      ],
    ];
    for (const [id, line] of letters)
      await insertDeadLetter(q, { id: id!, workspaceId: W, raw: Buffer.from(line!) });
  });
}

async function othersRows(q: Query, bo: string, cy: string): Promise<Record<string, string[]>> {
  return {
    events: await tableRows(
      q,
      'events',
      `workspace_id = '${W}' AND message_id NOT IN ${list(ANN_EVENTS)}`,
    ),
    sessions: await tableRows(
      q,
      'sessions',
      sql`workspace_id = ${p.text(W)} AND NOT (${ANN_SESSIONS})`,
    ),
    boMilestones: withoutPerson(await tableRows(q, 'milestones', `person_id = '${bo}'`)),
    boCredits: withoutPerson(
      await tableRows(q, 'attribution_credits', `person_id = '${bo}' AND ${RULE_BASED}`),
    ),
    boIdentities: withoutPerson(
      await tableRows(q, 'identities', `person_id = '${bo}' AND kind <> 'anonymous_id'`),
    ),
    cy: [
      ...(await tableRows(q, 'milestones', `person_id = '${cy}'`)),
      ...(await tableRows(q, 'attribution_credits', `person_id = '${cy}' AND ${RULE_BASED}`)),
      ...(await tableRows(q, 'identities', `person_id = '${cy}'`)),
    ].sort(),
  };
}

test(
  'a person who shared a laptop: the export holds only their stretches of it; the erasure leaves the other person as they were',
  { timeout: 120_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      await seed(dir);
      let store = await openTestStore(dir);
      const ann = await personOf(store, ANN);
      const bo = await personOf(store, BO);
      const cy = await personOf(store, 'cy@home.io');
      assert.notEqual(ann, bo);
      assert.deepEqual(
        (await store.personsByIdentifier(W, 'anonymous_id', 'laptop')).sort(),
        [ann, bo].sort(),
        'the laptop is shared',
      );

      // export: by e-mail and by id alike; her stretches of the laptop, her events and sessions only
      const byEmail = await exportPerson(store, W, { email: ANN });
      const byId = await exportPerson(store, W, { personId: ann });
      assert.ok(byEmail && byId);
      assert.deepEqual(byEmail.tables, byId.tables);
      assert.deepEqual(byEmail.sharedDevices, [
        { anonymousId: 'laptop', from: null, until: day(2) },
        { anonymousId: 'laptop', from: day(4), until: null },
      ]);
      assert.deepEqual(byEmail.tables.events!.map((e) => e.message_id).sort(), ANN_EVENTS);
      const text = JSON.stringify(byEmail);
      // the log's split of the laptop names her and, masked, Bo
      assert.deepEqual(
        byEmail.tables.identity_changes!.map((r) => [
          r.change,
          r.reason,
          r.person_id,
          [...(r.others as string[])].sort(),
        ]),
        [['split', 'shared_device', OTHER_PERSON, [OTHER_PERSON, ann].sort()]],
      );
      for (const other of [BO, 'user-bo', 'bo-phone', bo, 'dl-laptop'])
        assert.ok(!text.includes(other), `the export names nothing of Bo's: ${other}`);
      assert.deepEqual(
        byEmail.tables.dead_letters!.map((d) => d.id),
        ['dl-ann'],
      );
      assert.deepEqual(
        byEmail.tables.identities!.map((r) => r.person_id),
        [ann, ann, ann, ann],
        'her laptop stretches, phone and e-mail',
      );
      await store.close();
      const { direct, before } = await withDatabase(dir, async (q) => ({
        direct: {
          events: await tableRows(
            q,
            'events',
            `workspace_id = '${W}' AND message_id IN ${list(ANN_EVENTS)}`,
          ),
          sessions: await tableRows(q, 'sessions', ANN_SESSIONS),
          milestones: await tableRows(q, 'milestones', `person_id = '${ann}'`),
          attribution_credits: await tableRows(q, 'attribution_credits', `person_id = '${ann}'`),
        },
        before: await othersRows(q, bo, cy),
      }));
      for (const [t, rows] of Object.entries(direct)) {
        assert.ok(rows.length > 0, `she has rows in ${t}`);
        assert.deepEqual(
          sorted(byEmail.tables[t]!),
          sorted(rows.map((r) => JSON.parse(r) as unknown)),
          `export of ${t}`,
        );
      }
      assert.equal(byEmail.counts.sessions, 4, 'three laptop sessions and her phone’s');

      // erase
      store = await openTestStore(dir);
      const erasure = await erasePerson(store, W, { email: ANN }, { via: 'cli' });
      assert.ok(erasure && erasure.rederivedAt !== null);
      assert.equal(erasure.rowCounts.events, ANN_EVENTS.length);
      assert.equal(erasure.rowCounts.sessions, 4);
      assert.equal(
        erasure.rowCounts.dead_letters,
        1,
        'a dead letter naming only the laptop is not hers',
      );
      const boNow = await personOf(store, BO);
      await store.close();

      await withDatabase(dir, async (q) => {
        assert.deepEqual(
          await findInDatabase(q, [ANN.replace(/\./g, '\\.'), 'ann-phone', ann]),
          [],
        );
        // Bo's events, sessions, lead and rule-based credits and Cy's rows, as before
        const after = await othersRows(q, boNow, cy);
        assert.deepEqual(after, before);
        // the laptop is wholly Bo's now: with her stretches gone it is no longer shared, and, seen before his
        // e-mail, it names him (docs/identity.md, person ids); the log says so
        assert.equal(boNow, personIdFor('anonymous_id', 'laptop', 0));
        assert.deepEqual(await tableRows(q, 'identities', `value = 'laptop'`), [
          JSON.stringify({
            workspace_id: W,
            kind: 'anonymous_id',
            value: 'laptop',
            person_id: boNow,
            linked: true,
            from_at: null,
            until_at: null,
          }),
        ]);
        const log = await q(
          sql`SELECT change, ${fn.jsonTexts('others')} AS others FROM ${fn.table('identity_changes')} WHERE person_id = ${p.text(boNow)}`,
        );
        assert.deepEqual(
          log.map((r) => [r.change, r.others]),
          [['merge', [bo]]],
        );
        // tombstones: her e-mail and phone wholly, the laptop for her two stretches only
        const tombs = await q(
          sql`SELECT kind, ${fn.isoTime('from_at')} AS f, ${fn.isoTime('until_at')} AS u FROM ${fn.table('erased_identifiers')}
            ORDER BY kind, from_at NULLS FIRST, until_at NULLS FIRST`,
        );
        assert.deepEqual(
          tombs.map((t) => [t.kind, t.f, t.u]),
          [
            ['anonymous_id', null, null],
            ['anonymous_id', null, day(2)],
            ['anonymous_id', day(4), null],
            ['email', null, null],
          ],
        );
        const [kept] = await q(
          sql`SELECT ${fn.countAll()} AS n FROM ${fn.tableFinal('dead_letters')} WHERE id = 'dl-laptop'`,
        );
        assert.equal(Number(kept!.n), 1);
      });

      // re-sent: her old laptop events stay out (in her stretches, or naming her); Bo's old and new ones load
      store = await openTestStore(dir);
      const r = await add(store, [
        page('a-1-retry', 'laptop', day(1, 10, 1), 'https://acme.io/'),
        page('a-6-retry', 'laptop', day(5, 10, 10), 'https://acme.io/pricing'),
        rest[5]!,
        identify('a-2-retry', 'laptop', day(2, 11), ANN),
        page('b-1-retry', 'laptop', day(2, 10, 10), 'https://acme.io/blog/2'),
        page('b-later', 'laptop', new Date().toISOString(), 'https://acme.io/'),
      ]);
      assert.equal(r.inserted, 2, 'Bo’s old page and a new one');
      await deriveAffected(store, W, { anonymousIds: ['laptop'], userIds: [] });
      assert.deepEqual(await store.personsByIdentifier(W, 'anonymous_id', 'laptop'), [boNow]);
      const journey = (await store.personJourney(W, boNow))!;
      const pages = journey.timeline.flatMap((i) =>
        i.kind === 'session' ? i.pages.map((p) => p.url) : [],
      );
      assert.ok(
        pages.includes('https://acme.io/blog/2') && pages.includes('https://acme.io/blog'),
        JSON.stringify(pages),
      );
      assert.deepEqual(await store.personsByIdentifier(W, 'email', ANN), []);
      await store.close();
    } finally {
      cleanup();
    }
  },
);
