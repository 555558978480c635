import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DRIVEN_MODEL_NAMES } from '../attribution/index.js';
import { simulate } from '../sim/index.js';
import { PRIVACY_KEY_TABLE } from '../store/engines/clickhouse/privacy-key.js';
import { PRIVACY_KEY_FILE } from '../store/engines/duckdb/erased-identifiers.js';
import { fn, p, raw, sql, type Sql } from '../store/engines/neutral/sql.js';
import { openTestStore, testEngine } from '../test-helpers/store.js';
import type { Store } from '../store/store.js';
import type { RawEvent } from '../store/types.js';
import {
  findInDatabase,
  insertDeadLetter,
  tableRows,
  withDatabase,
  type Query,
} from '../test-helpers/database-scan.js';
import { tempDir } from '../test-helpers/tmp.js';
import { deriveAffected, rebuild } from './derive.js';
import { erasePerson, exportPerson, mentionsEmail, spells } from './person-privacy.js';

const W = 'w';
const OTHER = 'w2';
const ws = (id: string) => ({
  id,
  name: id,
  currency: 'USD',
  timezone: 'UTC',
  writeKey: `wk_${id}`,
  secretKeyHash: `h_${id}`,
});
const add = (store: Store, w: string, events: RawEvent[]) =>
  store.appendEvents(w, events, { origin: 'import', receivedAt: new Date('2026-03-20T00:00:00Z') });

const ANN = {
  email: 'ann.erased@example.com',
  anon1: 'anon-ann-erased-1',
  anon2: 'anon-ann-erased-2',
  user: 'user-ann-erased-7',
  crm: 'crm-ann-erased',
};
const at = (day: number, minute: number) =>
  new Date(Date.UTC(2026, 2, day, 10, minute)).toISOString();
const pageAt = (id: string, anon: string, t: string, url: string, referrer?: string): RawEvent => ({
  type: 'page',
  messageId: id,
  anonymousId: anon,
  timestamp: t,
  context: {
    page: { url, ...(referrer ? { referrer } : {}) },
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0',
  },
});

// Ann: two devices, a raw spelling of her e-mail, a phone, a form, a user id, an alias and a CRM link
const annFirst: RawEvent[] = [
  pageAt(
    'ann-1',
    ANN.anon1,
    at(1, 0),
    'https://shop.example/?utm_source=google&utm_medium=cpc&gclid=Gann',
    'https://www.google.com/',
  ),
  pageAt('ann-2', ANN.anon1, at(1, 3), 'https://shop.example/pricing'),
  {
    type: 'identify',
    messageId: 'ann-3',
    anonymousId: ANN.anon1,
    timestamp: at(1, 4),
    traits: { email: ' Ann.Erased@Example.com ', phone: '+44 (0)20 7946 0018' },
  },
  pageAt(
    'ann-4',
    ANN.anon2,
    at(3, 0),
    'https://shop.example/?utm_source=newsletter&utm_medium=email',
  ),
];
const annLater: RawEvent[] = [
  {
    type: 'track',
    messageId: 'ann-5',
    anonymousId: ANN.anon2,
    timestamp: at(3, 2),
    event: 'form_submitted',
    properties: { email: 'ann.erased@example.com' },
  },
  {
    type: 'identify',
    messageId: 'ann-6',
    anonymousId: ANN.anon2,
    userId: ANN.user,
    timestamp: at(3, 3),
    traits: { plan: 'pro' },
  },
  {
    type: 'alias',
    messageId: 'ann-7',
    previousId: ANN.anon2,
    userId: ANN.user,
    timestamp: at(3, 4),
  },
];
// others: Jo's address contains Ann's as a substring and must stay hers
const others: RawEvent[] = [
  pageAt(
    'bob-1',
    'anon-bob-kept-1',
    at(2, 0),
    'https://shop.example/?utm_source=google&utm_medium=cpc&gclid=Gbob',
    'https://www.google.com/',
  ),
  {
    type: 'identify',
    messageId: 'bob-2',
    anonymousId: 'anon-bob-kept-1',
    timestamp: at(2, 1),
    traits: { email: 'bob.kept@example.com' },
  },
  pageAt('jo-1', 'anon-jo-kept-1', at(2, 5), 'https://shop.example/', 'https://www.bing.com/'),
  {
    type: 'identify',
    messageId: 'jo-2',
    anonymousId: 'anon-jo-kept-1',
    timestamp: at(2, 6),
    traits: { email: 'joann.erased@example.com' },
  },
  pageAt('cy-1', 'anon-cy-kept-1', at(2, 9), 'https://shop.example/blog'),
];
const DEAD = {
  annEmail: {
    id: 'dl-ann-email',
    ws: W,
    raw: Buffer.from(
      '{"type":"identify","anonymousId":"x9","traits":{"email":"ANN.ERASED@EXAMPLE.COM"},"timestamp":"2026-99-01"}',
    ),
  },
  annAnon: {
    id: 'dl-ann-anon',
    ws: W,
    raw: Buffer.from(`{"type":"page","anonymousId":"${ANN.anon1}","properties":{"t":"\\ud800"}}`),
  },
  // too broken to name a workspace, and not UTF-8: erased (it names her), never exported (it may be another tenant's)
  annUnnamed: {
    id: 'dl-ann-unnamed',
    ws: null,
    raw: Buffer.concat([
      Buffer.from('{"traits":{"email":"ann.erased@example.com"},"x":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]),
  },
  bob: {
    id: 'dl-bob',
    ws: W,
    raw: Buffer.from(
      '{"type":"identify","traits":{"email":"bob.kept@example.com"},"timestamp":"x"}',
    ),
  },
  jo: {
    id: 'dl-jo',
    ws: W,
    raw: Buffer.from(
      '{"type":"identify","traits":{"email":"joann.erased@example.com"},"timestamp":"x"}',
    ),
  },
};

const lit = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Patterns for the database scan: her e-mail as a whole address (not inside Jo's), her ids and phone. */
const annPatterns = (personIds: string[]) => [
  `(^|[^a-z0-9._%+-])${lit(ANN.email)}`,
  ...[ANN.anon1, ANN.anon2, ANN.user, ANN.crm, '7946 0018', '+442079460018', ...personIds].map(lit),
];

/** A condition written as text both engines read alike. */
const text = (condition: string): Sql => sql`${raw(condition)}`;

/** Ann's rows per table, by direct queries written from what the world holds (not from the code under test). */
function annWhere(personIds: string[]): Record<string, Sql> {
  const list = (xs: string[]) => `(${xs.map((x) => `'${x}'`).join(', ')})`;
  const ids = list([ANN.anon1, ANN.anon2, ANN.user, ANN.email, ANN.crm, '+442079460018']);
  return {
    events: text(
      `workspace_id = '${W}' AND message_id IN ${list(['ann-1', 'ann-2', 'ann-3', 'ann-4', 'ann-5', 'ann-6', 'ann-7'])}`,
    ),
    identity_links: text(`workspace_id = '${W}' AND from_value = '${ANN.crm}'`),
    dead_letters: text(`id IN ${list([DEAD.annEmail.id, DEAD.annAnon.id])}`),
    sessions: text(`workspace_id = '${W}' AND anonymous_id IN ${list([ANN.anon1, ANN.anon2])}`),
    identities: text(`workspace_id = '${W}' AND person_id IN ${list(personIds)}`),
    identity_seen: text(`workspace_id = '${W}' AND value IN ${ids}`),
    identity_edges: text(`workspace_id = '${W}' AND (a_value IN ${ids} OR b_value IN ${ids})`),
    identity_quarantine: text(`workspace_id = '${W}' AND value IN ${ids}`),
    // the log's others are a JSON list of person ids on both engines
    identity_changes: sql`workspace_id = ${p.text(W)} AND (person_id IN ${raw(list(personIds))} OR ${fn.listHasAny(fn.jsonTexts('others'), p.texts(personIds))})`,
    milestones: text(`workspace_id = '${W}' AND person_id IN ${list(personIds)}`),
    attribution_credits: text(`workspace_id = '${W}' AND person_id IN ${list(personIds)}`),
    person_first_touch: text(`workspace_id = '${W}' AND person_id IN ${list(personIds)}`),
    report_sessions: text(
      `workspace_id = '${W}' AND anonymous_id IN ${list([ANN.anon1, ANN.anon2])}`,
    ),
  };
}

const parsed = (rows: string[]) =>
  rows
    .map((r) => JSON.parse(r) as unknown)
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
const sortRows = (rows: unknown[]) =>
  [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
const ALL_TABLES = [
  'events',
  'identity_links',
  'dead_letters',
  'sessions',
  'identities',
  'identity_seen',
  'identity_edges',
  'identity_quarantine',
  'identity_changes',
  'milestones',
  'attribution_credits',
  'user_agents',
  'person_first_touch',
  'report_sessions',
];
const RULE_BASED = `model NOT IN (${DATA_DRIVEN_MODEL_NAMES.map((m) => `'${m}'`).join(', ')})`;

/** Every table's rows that `where` selects; credits under rule-based models only, unless `allCredits`. */
async function snapshot(
  q: Query,
  where: (table: string) => Sql,
  allCredits = false,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of ALL_TABLES)
    out[t] = await tableRows(
      q,
      t,
      t === 'attribution_credits' && !allCredits
        ? sql`(${where(t)}) AND ${raw(RULE_BASED)}`
        : where(t),
    );
  return out;
}

/** A simulated world plus Ann, Bob, Jo and Cy in workspace w, Ann again in workspace w2, derived; dead letters added. */
async function seed(dir: string): Promise<void> {
  const store = await openTestStore(dir);
  try {
    await store.createWorkspace(ws(W));
    await store.createWorkspace(ws(OTHER));
    const { dir: simDir, cleanup } = tempDir();
    try {
      await simulate(
        { seed: 11, days: 10, visitorsPerDay: 15, end: '2026-03-10' },
        { outDir: simDir },
      );
      await store.importEventsFile(W, join(simDir, 'events.ndjson'));
    } finally {
      cleanup();
    }
    await add(store, W, [...annFirst, ...others]);
    await store.appendIdentityLinks(W, [
      {
        fromKind: 'crm_id',
        fromValue: ANN.crm,
        toKind: 'email',
        toValue: 'ANN.ERASED@example.com',
        source: 'crm',
        at: at(4, 0),
      },
      {
        fromKind: 'crm_id',
        fromValue: ANN.crm,
        toKind: 'phone',
        toValue: '+44 20 7946 0018',
        source: 'crm',
        at: at(4, 0),
      },
      {
        fromKind: 'crm_id',
        fromValue: 'crm-bob-kept',
        toKind: 'email',
        toValue: 'bob.kept@example.com',
        source: 'crm',
        at: at(4, 0),
      },
    ]);
    await add(store, OTHER, [...annFirst, ...annLater]);
    await rebuild(store, W);
    await rebuild(store, OTHER);
    // her second device joins her live: the merge goes into the identity log, which erasure must clear too
    await add(store, W, annLater);
    await deriveAffected(store, W, { anonymousIds: [ANN.anon2], userIds: [ANN.user] });
  } finally {
    await store.close();
  }
  await withDatabase(dir, async (q) => {
    for (const d of Object.values(DEAD))
      await insertDeadLetter(q, { id: d.id, workspaceId: d.ws, raw: d.raw });
  });
}

test(
  'export holds every row about the person; erasure leaves no trace of them, keeps everyone else’s rows, and keeps them erased',
  { timeout: 180_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      await seed(dir);
      let store = await openTestStore(dir);
      const [person] = await store.personsByIdentifier(W, 'email', ANN.email);
      assert.ok(person, 'Ann is a person');
      const formerAnon2 = (await store.personJourney(W, person))!.timeline.find(
        (i) => i.kind === 'identity' && i.change === 'merge',
      );
      assert.ok(formerAnon2 && formerAnon2.kind === 'identity', 'the world holds a merge into Ann');
      const personIds = [person, ...formerAnon2.others];
      await store.close();

      // what the tables hold about her, and about everyone else, before
      const where = annWhere(personIds);
      const { annRows, before, otherBefore, seen } = await withDatabase(dir, async (q) => ({
        // the scan that must come back empty after the erasure finds her now
        seen: await findInDatabase(q, annPatterns(personIds), OTHER),
        annRows: await snapshot(q, (t) => where[t] ?? text('false'), true),
        before: await snapshot(q, (t) =>
          t === 'user_agents'
            ? text('true')
            : sql`NOT (${where[t]!}) ${raw(t === 'dead_letters' ? '' : `AND workspace_id = '${W}'`)}`,
        ),
        otherBefore: await snapshot(q, (t) =>
          text(t === 'dead_letters' || t === 'user_agents' ? 'false' : `workspace_id = '${OTHER}'`),
        ),
      }));
      for (const t of ['events', 'dead_letters', 'identities', 'identity_changes'])
        assert.ok(
          seen.some((h) => h.table === t),
          `the scan finds her in ${t}: ${JSON.stringify(seen)}`,
        );
      for (const t of [
        'events',
        'identity_links',
        'dead_letters',
        'sessions',
        'identities',
        'identity_seen',
        'identity_edges',
        'identity_changes',
        'milestones',
        'attribution_credits',
        'person_first_touch',
        'report_sessions',
      ]) {
        assert.ok(annRows[t]!.length > 0, `the world holds rows of hers in ${t}`);
      }

      // export: by e-mail (any spelling) and by id, the same rows, equal to the direct queries
      store = await openTestStore(dir);
      const byEmail = await exportPerson(store, W, { email: ' ANN.Erased@example.com' });
      const byId = await exportPerson(store, W, { personId: person });
      assert.ok(byEmail && byId);
      assert.deepEqual(byEmail.tables, byId.tables);
      assert.deepEqual(byEmail.identifiers.map((i) => `${i.kind}:${i.value}`).sort(), [
        `anonymous_id:${ANN.anon1}`,
        `anonymous_id:${ANN.anon2}`,
        `crm_id:${ANN.crm}`,
        `email:${ANN.email}`,
        'phone:+442079460018',
        `user_id:${ANN.user}`,
      ]);
      assert.deepEqual([...byEmail.personIds].sort(), [...personIds].sort());
      for (const t of Object.keys(where)) {
        if (t === 'dead_letters') continue;
        assert.deepEqual(sortRows(byEmail.tables[t]!), parsed(annRows[t]!), `export of ${t}`);
        assert.equal(byEmail.counts[t], annRows[t]!.length);
      }
      assert.deepEqual(byEmail.tables.dead_letters!.map((d) => [d.id, d.raw_base64]).sort(), [
        [DEAD.annAnon.id, DEAD.annAnon.raw.toString('base64')],
        [DEAD.annEmail.id, DEAD.annEmail.raw.toString('base64')],
      ]);
      assert.equal(
        (await exportPerson(store, OTHER, { personId: person }).then(
          (x) => x?.tables.events?.length ?? 0,
        )) > 0,
        true,
        'w2 has its own Ann',
      );
      assert.equal(await exportPerson(store, W, { personId: 'p_0000000000000000' }), undefined);

      const [jo] = await store.personsByIdentifier(W, 'email', 'joann.erased@example.com');
      const joJourney = await store.personJourney(W, jo!);
      assert.ok(joJourney && joJourney.timeline.length > 0);

      // erase
      const erasure = await erasePerson(store, W, { email: ANN.email }, { via: 'cli' });
      assert.ok(erasure);
      assert.match(erasure.id, /^er_[0-9a-f]{24}$/);
      assert.ok(erasure.rederivedAt !== null);
      for (const t of [
        'events',
        'identity_links',
        'sessions',
        'identities',
        'identity_seen',
        'identity_edges',
        'identity_changes',
        'milestones',
        'person_first_touch',
        'report_sessions',
      ]) {
        assert.equal(erasure.rowCounts[t], byEmail.counts[t], `rows removed from ${t}`);
      }
      assert.equal(erasure.rowCounts.dead_letters, 3, 'her two dead letters and the unnamed one');
      assert.equal(
        await erasePerson(store, W, { personId: person }, { via: 'api' }),
        undefined,
        'nothing left to erase',
      );
      await store.close();

      await withDatabase(dir, async (q) => {
        // no table holds her e-mail, ids, phone or person ids (w2 is another tenant with its own copy)
        assert.deepEqual(await findInDatabase(q, annPatterns(personIds), OTHER), []);
        // everyone else's rows are as they were; data-driven credits may move (a path left the population)
        const after = await snapshot(q, (t) =>
          text(t === 'user_agents' || t === 'dead_letters' ? 'true' : `workspace_id = '${W}'`),
        );
        for (const t of ALL_TABLES) {
          const kept =
            t === 'dead_letters'
              ? before[t]!.filter(
                  (r) => (JSON.parse(r) as { id: string }).id !== DEAD.annUnnamed.id,
                )
              : before[t]!;
          assert.deepEqual(parsed(after[t]!), parsed(kept), `others' ${t}`);
        }
        const otherAfter = await snapshot(q, (t) =>
          text(t === 'dead_letters' || t === 'user_agents' ? 'false' : `workspace_id = '${OTHER}'`),
        );
        assert.deepEqual(otherAfter, otherBefore, 'the other workspace is untouched');
        // the audit record and the tombstones hold counts and keyed hashes only
        const audit = (await tableRows(q, 'erasures')).map(
          (r) => JSON.parse(r) as Record<string, unknown>,
        );
        assert.equal(audit.length, 1);
        assert.deepEqual(Object.keys(audit[0]!).sort(), [
          'id',
          'rederived_at',
          'requested_at',
          'row_counts',
          'via',
          'workspace_id',
        ]);
        const tombs = await q(
          sql`SELECT kind, key_hash FROM ${fn.table('erased_identifiers')} WHERE workspace_id = ${p.text(W)} ORDER BY kind, key_hash`,
        );
        assert.deepEqual(
          tombs.map((t) => t.kind),
          ['anonymous_id', 'anonymous_id', 'email', 'user_id'],
        );
        for (const t of tombs) assert.match(String(t.key_hash), /^[0-9a-f]{64}$/);
        // the key they are hashed with: beside DuckDB's file, in ClickHouse's database
        const key = q.ch
          ? (await q(`SELECT key FROM ${q.ch.database}.${PRIVACY_KEY_TABLE}`))[0]?.key
          : readFileSync(join(dir, PRIVACY_KEY_FILE), 'utf8').trim();
        assert.match(String(key), /^[0-9a-f]{64}$/);
      });

      // re-sent old events do not bring her back; a new event from her old browser starts a new person
      store = await openTestStore(dir);
      const resent: RawEvent[] = [
        annFirst[2]!,
        { ...annFirst[1]!, messageId: 'ann-2-retry' },
        {
          type: 'identify',
          messageId: 'ann-new-device',
          anonymousId: 'anon-fresh-9',
          timestamp: at(5, 0),
          traits: { email: 'Ann.Erased@example.com' },
        },
        {
          type: 'track',
          messageId: 'ann-user',
          userId: ` ${ANN.user}`,
          timestamp: at(5, 1),
          event: 'login',
        },
      ];
      const r = await store.appendEvents(W, resent, { origin: 'api', receivedAt: new Date() });
      assert.equal(r.inserted, 0, 'no re-sent old event is stored');
      const now = new Date().toISOString();
      // received now (an event timed after its receipt + 1 day is re-timed to the receipt: ingestion.md)
      const after = await store.appendEvents(
        W,
        [pageAt('ann-after', ANN.anon1, now, 'https://shop.example/')],
        { origin: 'import', receivedAt: new Date() },
      );
      assert.equal(after.inserted, 1);
      await deriveAffected(store, W, { anonymousIds: [ANN.anon1], userIds: [] });
      const [fresh] = await store.personsByIdentifier(W, 'anonymous_id', ANN.anon1);
      const journey = (await store.personJourney(W, fresh!))!;
      assert.deepEqual(journey.identifiers, [{ kind: 'anonymous_id', value: ANN.anon1 }]);
      assert.equal(journey.timeline.filter((i) => i.kind === 'session').length, 1);
      assert.deepEqual(await store.personsByIdentifier(W, 'email', ANN.email), []);
      // Jo, whose address contains Ann's, keeps everything
      assert.deepEqual(await store.personJourney(W, jo!), joJourney);
      await store.close();
    } finally {
      cleanup();
    }
  },
);

/** Where the engine keeps its privacy key, taken away and put back; how an open without it fails. */
interface KeyPlace {
  take(): Promise<string>;
  restore(key: string): Promise<void>;
  missing: RegExp;
}

/** DuckDB: privacy.key beside the database file (one process owns both). */
const keyFile = (dir: string): KeyPlace => ({
  take: () => {
    const path = join(dir, PRIVACY_KEY_FILE);
    assert.ok(existsSync(path));
    const key = readFileSync(path, 'utf8');
    rmSync(path);
    return Promise.resolve(key);
  },
  restore: (key) => Promise.resolve(writeFileSync(join(dir, PRIVACY_KEY_FILE), key)),
  missing: /privacy\.key is missing/,
});

/** ClickHouse: a one-row table of the store's database, which every process on it reads. */
const keyTable = (dir: string): KeyPlace => ({
  take: () =>
    withDatabase(dir, async (q) => {
      const table = `${q.ch!.database}.${PRIVACY_KEY_TABLE}`;
      const rows = await q(`SELECT key FROM ${table}`);
      assert.equal(rows.length, 1);
      await q.ch!.conn.command(`TRUNCATE TABLE ${table}`);
      return String(rows[0]!.key);
    }),
  restore: (key) =>
    withDatabase(dir, (q) =>
      q.ch!.conn.insert(`${q.ch!.database}.${PRIVACY_KEY_TABLE}`, [{ key }]),
    ),
  missing: new RegExp(`${PRIVACY_KEY_TABLE} is empty, but the store holds tombstones`),
});

test(
  'a store holding tombstones refuses to open without its privacy key',
  { timeout: 60_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      const store = await openTestStore(dir);
      await store.createWorkspace(ws(W));
      await add(store, W, [annFirst[0]!, annFirst[2]!]);
      await rebuild(store, W);
      assert.ok(await erasePerson(store, W, { email: ANN.email }, { via: 'cli' }));
      await store.close();
      const key = testEngine() === 'clickhouse' ? keyTable(dir) : keyFile(dir);
      const taken = await key.take();
      await assert.rejects(openTestStore(dir), key.missing);
      await key.restore(taken);
      const again = await openTestStore(dir);
      // with the key back, the tombstones hold
      assert.equal((await add(again, W, [{ ...annFirst[0]!, messageId: 'again' }])).inserted, 0);
      await again.close();
    } finally {
      cleanup();
    }
  },
);

test('mentions: an e-mail counts as a whole address, not inside a longer one', () => {
  assert.equal(mentionsEmail('{"to":"ann@x.io"}', 'ann@x.io'), true);
  assert.equal(mentionsEmail('ann@x.io', 'ann@x.io'), true);
  assert.equal(mentionsEmail('mail ann@x.io.', 'ann@x.io'), true);
  assert.equal(mentionsEmail('{"to":"joann@x.io"}', 'ann@x.io'), false);
  assert.equal(mentionsEmail('{"to":"ann@x.io.uk"}', 'ann@x.io'), false);
  assert.equal(mentionsEmail('{"to":"ann@x.iox"}', 'ann@x.io'), false);
  assert.equal(mentionsEmail('{"a":"joann@x.io","b":"ann@x.io"}', 'ann@x.io'), true);
});

test('spellings: raw values count when they normalise to one of the person’s identifiers', () => {
  const known = new Set([
    'email\u0000ann@x.io',
    'anonymous_id\u0000a1',
    'user_id\u0000u1',
    'phone\u0000+442079460018',
  ]);
  assert.equal(spells({ column: 'email', kind: 'email', value: ' Ann@X.io ' }, known), true);
  assert.equal(spells({ column: 'email', kind: 'email', value: 'mailto:ann@x.io' }, known), true);
  assert.equal(spells({ column: 'email', kind: 'email', value: 'joann@x.io' }, known), false);
  assert.equal(
    spells({ column: 'anonymous_id', kind: 'anonymous_id', value: ' a1\u00a0' }, known),
    true,
  );
  assert.equal(spells({ column: 'anonymous_id', kind: 'anonymous_id', value: 'A1' }, known), false);
  assert.equal(spells({ column: 'previous_id', kind: 'previous_id', value: 'u1' }, known), true);
  assert.equal(
    spells({ column: 'phone', kind: 'phone', value: '+44 (0)20 7946 0018' }, known),
    true,
  );
  assert.equal(spells({ column: 'identity_link', kind: 'EMAIL', value: 'ANN@x.io' }, known), true);
  assert.equal(
    spells({ column: 'identity_link', kind: 'crm_id', value: 'ann@x.io' }, known),
    false,
  );
});
