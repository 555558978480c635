// Identity resolution and the lead milestone on ClickHouse against DuckDB: the same events in both engines
// (journal segments loaded by each engine's own loader), resolved by the same domain code, give the same
// persons, quarantine, seen ids, edges, changes and leads, row for row: a whole workspace, then the
// linked components around a second segment's ids (the live path), then a resolution refused because a
// person id would name two persons.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolvePersons, type IdentitySummary } from '../../../derive/resolve-persons.js';
import { deriveSessions } from '../../../derive/sessions.js';
import { DEFAULT_DERIVE_SETTINGS } from '../../../derive/workspace-settings.js';
import { withBothEngines, type BothEngines } from '../../../test-helpers/clickhouse.js';
import { copyDuckRows } from '../../../test-helpers/copy-duck-rows.js';
import { journalMeta, segmentBytes } from '../../../test-helpers/poison.js';
import { simulate } from '../../../sim/index.js';
import type { AffectedEvents, AffectedIds } from '../../types.js';
import type { Store } from '../../store.js';
import { queryNeutral as duckQuery } from '../duckdb/dialect.js';
import { storedLeadsSql } from '../neutral/lead-queries.js';
import { fn, p, sql, type Sql } from '../neutral/sql.js';
import { queryNeutral as chQuery } from './dialect.js';
import { loadEventJournal } from './events.js';
import { importEventsFile } from './import.js';
import { releaseAffectedEvents, stageAffectedEvents } from './derive-scope.js';
import { clickHouseIdentity } from './identity-area.js';

const WS = 'ws_identity';
const SETTINGS = { ...DEFAULT_DERIVE_SETTINGS, maxEmailsPerIdentifier: 2 };
const T0 = Date.parse('2024-05-01T10:00:00Z');

let n = 0;
function line(minute: number, fields: Record<string, unknown>): Buffer {
  const ts = new Date(T0 + minute * 60_000).toISOString();
  const json = JSON.stringify({ messageId: `m${++n}`, timestamp: ts, ...fields }).slice(0, -1);
  return Buffer.from(`${json},${journalMeta(WS, '2024-06-01T00:00:00.000Z')}}`);
}
const page = (minute: number, anonymousId: string) => line(minute, { type: 'page', anonymousId });
const identify = (minute: number, anonymousId: string | null, traits: object, userId?: string) =>
  line(minute, {
    type: 'identify',
    ...(anonymousId ? { anonymousId } : {}),
    ...(userId ? { userId } : {}),
    traits,
  });
const track = (minute: number, anonymousId: string, event: string, properties: object = {}) =>
  line(minute, { type: 'track', anonymousId, event, properties });

const FIRST = [
  // Ann: a page, an identify with a user id and e-mail, then a form within the minute (names the source)
  page(0, 'a1'),
  identify(1, 'a1', { email: 'ann@x.test' }, 'u1'),
  line(1.5, {
    type: 'track',
    anonymousId: 'a1',
    event: 'Form Submitted',
    properties: { email: 'ann@x.test' },
  }),
  // an alias joins an earlier visitor to Ann's user id
  page(-60, 'a2'),
  line(2, { type: 'alias', previousId: 'a2', userId: 'u1' }),
  // a chat with no e-mail: a lone visitor's lead
  track(3, 'b1', 'Chat Started'),
  // a shared device: two persons identify on it, each with pages around
  page(10, 'kiosk'),
  identify(11, 'kiosk', { email: 'cat@x.test' }),
  page(200, 'kiosk'),
  identify(201, 'kiosk', { email: 'dan@x.test' }),
  page(400, 'kiosk'),
  // one login with three e-mails: quarantined (at most two per identifier here)
  identify(20, 'q1', { email: 'e1@x.test' }, 'shared-login'),
  identify(21, 'q2', { email: 'e2@x.test' }, 'shared-login'),
  identify(22, 'q3', { email: 'e3@x.test' }, 'shared-login'),
  // a phone is a lead too
  identify(30, 'p1', { phone: '+44 20 7946 0000' }),
  line(31, { type: 'track', anonymousId: 'p1', event: 'Phone Call' }),
  // ids the engine must trim, refuse or hand to the graph
  page(40, 'undefined'),
  page(41, ' padded\u00a0'),
  page(42, '\u3000wide\u3000'),
  page(43, 'é-visitor'),
  page(44, 'visitor©'),
  page(45, 'x'.repeat(600)),
  identify(46, 'v-null', { email: 'nul@x.test' }, 'NULL'),
  // lone visitors
  ...['v1', 'v2', 'v3'].map((a, i) => page(50 + i, a)),
  track(55, 'v1', 'Clicked'),
];

const SECOND = [
  // a new device of Ann's
  page(300, 'n1'),
  identify(301, 'n1', {}, 'u1'),
  // the chat visitor identifies: their lone person becomes a linked one
  identify(302, 'b1', { email: 'bob@x.test' }),
  // a new visitor's form with an e-mail
  track(303, 'n9', 'form_submitted', { email: 'new@x.test' }),
  // an earlier sighting of a lone visitor (a late event)
  page(-120, 'v2'),
  // a lone visitor logs in as Ann: two persons merge
  identify(304, 'v3', {}, 'u1'),
  // the quarantined login again: its quarantine is replaced, not doubled
  identify(305, 'q4', {}, 'shared-login'),
  // the shared device again, with a third person
  identify(500, 'kiosk', { email: 'eve@x.test' }),
];

const tables = (ws = WS): Record<string, Sql> => {
  const w = p.text(ws);
  return {
    identities: sql`SELECT kind, value, person_id, linked, ${fn.epochMs('from_at')} AS from_ms,
        ${fn.epochMs('until_at')} AS until_ms
      FROM ${fn.table('identities')} WHERE workspace_id = ${w} ORDER BY kind, value, person_id, from_ms`,
    quarantine: sql`SELECT kind, value, distinct_emails, distinct_users, reason, sources
      FROM ${fn.table('identity_quarantine')} WHERE workspace_id = ${w} ORDER BY kind, value`,
    seen: sql`SELECT kind, value, ${fn.epochMs('first_seen')} AS first_ms, clean
      FROM ${fn.table('identity_seen')} WHERE workspace_id = ${w} ORDER BY kind, value`,
    edges: sql`SELECT a_kind, a_value, b_kind, b_value, source, first_at FROM ${fn.table('identity_edges')}
      WHERE workspace_id = ${w} ORDER BY a_kind, a_value, b_kind, b_value, source`,
    built: sql`SELECT ${fn.countAll()} AS n FROM ${fn.table('identity_edges_built')} WHERE workspace_id = ${w}`,
    changes: sql`SELECT change, person_id, others, reason, detail FROM ${fn.table('identity_changes')}
      WHERE workspace_id = ${w} ORDER BY change, person_id, others`,
    leads: storedLeadsSql(ws),
  };
};

// each engine hands values over in its own JSON shape: 64-bit integers as text or numbers, JSON as text or values
const NUMERIC = new Set(['from_ms', 'until_ms', 'first_ms', 'first_at', 'at', 'n']);
const JSON_TEXT = new Set(['sources', 'others']);
function normalise(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [
        k,
        v === null
          ? null
          : NUMERIC.has(k)
            ? Number(v)
            : JSON_TEXT.has(k) && typeof v === 'string'
              ? (JSON.parse(v) as unknown)
              : v,
      ]),
    ),
  );
}

async function assertSameTables(
  e: BothEngines,
  label: string,
  ws = WS,
): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [name, q] of Object.entries(tables(ws))) {
    const fromCh = normalise(await chQuery(e.ch.conn, e.ch.database, q));
    assert.deepEqual(fromCh, normalise(await duckQuery(e.duckDb, q)), `${label}: ${name}`);
    out[name] = fromCh;
  }
  return out;
}

const sortedSummary = (s: IdentitySummary) => ({
  ...s,
  changedPersons: [...s.changedPersons].sort(),
  ...(s.scope
    ? { scope: { identifiers: s.scope.identifiers, persons: [...s.scope.persons].sort() } }
    : {}),
});

/** The sessions DuckDB derived, copied to ClickHouse (the shared device's spans follow session starts). */
async function copySessions(e: BothEngines, ws = WS): Promise<void> {
  await e.ch.conn.command(`ALTER TABLE ${e.ch.database}.sessions DROP PARTITION '${ws}'`);
  await copyDuckRows(e.duck, e.ch, ['sessions']);
}

async function loadBoth(e: BothEngines, name: string, lines: Buffer[]): Promise<AffectedIds> {
  const path = join(e.dir, `${name}.ndjson`);
  writeFileSync(path, segmentBytes(lines));
  const d = await e.duck.loadEventJournal(path);
  const c = await loadEventJournal(e.ch, path);
  assert.equal(c.inserted, d.inserted, `${name}: inserted`);
  assert.equal(d.deadLetters, 0, `${name}: dead letters`);
  const ids = (a: AffectedIds | undefined) => ({
    anonymousIds: [...(a?.anonymousIds ?? [])].sort(),
    userIds: [...(a?.userIds ?? [])].sort(),
  });
  assert.deepEqual(ids(c.affected.get(WS)), ids(d.affected.get(WS)), `${name}: affected ids`);
  return ids(d.affected.get(WS));
}

test(
  'persons, quarantine, edges and leads are the same on ClickHouse as on DuckDB: whole, then scoped',
  { timeout: 300_000 },
  async () => {
    await withBothEngines(
      async (e) => {
        const ch = clickHouseIdentity(e.ch);
        await loadBoth(e, 'first', FIRST);
        const crm = [
          {
            fromKind: 'crm_id',
            fromValue: 'crm-1',
            toKind: 'email',
            toValue: 'ann@x.test',
            source: 'crm',
            at: '2024-05-02T00:00:00.000Z',
          },
        ];
        assert.equal(
          await ch.appendIdentityLinks(WS, crm),
          await e.duck.appendIdentityLinks(WS, crm),
        );
        assert.deepEqual(await ch.identityLinkFacts(WS), await e.duck.identityLinkFacts(WS));
        await deriveSessions(e.duck, WS, SETTINGS.sessions);
        await copySessions(e);

        // a whole workspace
        const whole = await resolvePersons(ch, WS, SETTINGS);
        assert.deepEqual(
          sortedSummary(whole),
          sortedSummary(await resolvePersons(e.duck, WS, SETTINGS)),
        );
        assert.equal(await ch.deriveLeadMilestones(WS), await e.duck.deriveLeadMilestones(WS));
        const after = await assertSameTables(e, 'whole');
        // what the events say happened, so the comparison is not of two empty tables
        assert.equal(whole.quarantined, 1);
        assert.ok((whole.persons ?? 0) > 10);
        const sources = (after.leads as { source: string }[]).map((l) => l.source);
        assert.deepEqual([...new Set(sources)].sort(), ['call', 'chat', 'form', 'identify']);
        assert.ok(
          (after.identities as { from_ms: number | null }[]).some((r) => r.from_ms !== null),
          'the shared device is split by time',
        );
        assert.ok(
          (after.seen as { value: string; clean: boolean }[]).some(
            (r) => r.value === 'padded' && r.clean,
          ),
          'ids are trimmed of Unicode spaces',
        );
        for (const kind of ['anonymous_id', 'email'])
          for (const value of ['kiosk', 'ann@x.test', 'a2'])
            assert.deepEqual(
              await ch.personsByIdentifier(WS, kind, value),
              await e.duck.personsByIdentifier(WS, kind, value),
            );
        assert.deepEqual(
          await ch.personsOfAnonymousIds(WS, ['a1', 'kiosk', 'v1', 'none']),
          (await e.duck.personsOfAnonymousIds(WS, ['a1', 'kiosk', 'v1', 'none'])).sort(),
        );
        assert.deepEqual(
          await ch.identityInputs(WS, { everyIdentifier: true }),
          await e.duck.identityInputs(WS, { everyIdentifier: true }),
        );

        // new events: only the linked components around their ids are resolved again
        const affected = await loadBoth(e, 'second', SECOND);
        const staged = await e.duck.stageAffectedEvents(WS, affected);
        let chStage: AffectedEvents | undefined;
        try {
          await deriveSessions(e.duck, WS, SETTINGS.sessions, staged);
          await copySessions(e);
          // ClickHouse's own stage, as a live derive makes it (derive-scope.ts): the link facts and
          // seen ids are read from it
          const chStaged = await stageAffectedEvents(e.ch, WS, affected);
          chStage = chStaged;
          assert.equal(chStaged.events, staged.events);
          const c = await resolvePersons(ch, WS, SETTINGS, chStaged);
          const d = await resolvePersons(e.duck, WS, SETTINGS, staged);
          assert.ok(c.scope && d.scope, `resolved by scope: ${JSON.stringify([c, d])}`);
          assert.deepEqual(sortedSummary(c), sortedSummary(d));
          assert.ok(c.merges > 0, 'the second segment merged persons');
          const scope = { identifiers: c.scope.identifiers, persons: c.scope.persons };
          // as deriveAffected: DuckDB reads its stage only when the stage holds all of the scope's events
          const anon = new Set(affected.anonymousIds);
          const users = new Set(affected.userIds);
          const allStaged = scope.identifiers.every((i) =>
            i.kind === 'anonymous_id'
              ? anon.has(i.value)
              : i.kind === 'user_id'
                ? users.has(i.value)
                : true,
          );
          assert.equal(allStaged, false);
          assert.equal(
            await ch.deriveLeadMilestones(WS, scope),
            await e.duck.deriveLeadMilestones(WS, scope),
          );
        } finally {
          await e.duck.releaseAffectedEvents(staged);
          if (chStage) await releaseAffectedEvents(e.ch, chStage);
        }
        const scoped = await assertSameTables(e, 'scoped');
        // the new visitor's form made a lead, found through the scope alone
        const [n9] = await ch.personsByIdentifier(WS, 'anonymous_id', 'n9');
        assert.deepEqual(
          (scoped.leads as { person_id: string; source: string }[])
            .filter((l) => l.person_id === n9)
            .map((l) => l.source),
          ['form'],
        );

        // and a whole rebuild over the same facts agrees on both again
        assert.deepEqual(
          sortedSummary(await resolvePersons(ch, WS, SETTINGS)),
          sortedSummary(await resolvePersons(e.duck, WS, SETTINGS)),
        );
        assert.equal(await ch.deriveLeadMilestones(WS), await e.duck.deriveLeadMilestones(WS));
        await assertSameTables(e, 'rebuilt');
      },
      { workspaceId: WS },
    );
  },
);

test(
  'a resolution whose person id would name two persons writes nothing on either engine',
  { timeout: 120_000 },
  async () => {
    await withBothEngines(
      async (e) => {
        const ch = clickHouseIdentity(e.ch);
        await loadBoth(e, 'lone', [page(0, 'solo'), identify(1, 'pair', { email: 'p@x.test' })]);
        for (const store of [ch, e.duck] as const) await resolvePersons(store, WS, SETTINGS);
        const before = await assertSameTables(e, 'before');
        const solo = (before.identities as { value: string; person_id: string }[]).find(
          (r) => r.value === 'solo',
        )!;
        // the graph hands a person the id that the lone visitor 'solo' already has as its own
        const out = {
          kinds: ['anonymous_id', 'email'],
          values: ['pair', 'p@x.test'],
          personIds: [solo.person_id, solo.person_id],
          quarantined: [],
          changes: [],
        };
        const stores: Pick<Store, 'saveIdentities'>[] = [ch, e.duck];
        for (const store of stores) {
          const saved = await store.saveIdentities(WS, out, { full: true });
          assert.equal(saved.collisions, 1);
        }
        const scope = [
          { kind: 'anonymous_id', value: 'pair' },
          { kind: 'email', value: 'p@x.test' },
        ];
        for (const store of stores) {
          const saved = await store.saveIdentities(WS, out, { full: false, scope });
          assert.equal(saved.collisions, 1);
        }
        assert.deepEqual(await assertSameTables(e, 'after'), before);
      },
      { workspaceId: WS },
    );
  },
);

test(
  'a simulated world: the same persons and leads on both engines',
  { timeout: 300_000 },
  async () => {
    const ws = 'ws_world';
    await withBothEngines(
      async (e) => {
        const sim = await simulate(
          { seed: 7, days: 10, visitorsPerDay: 40, end: '2026-03-31' },
          { outDir: join(e.dir, 'sim') },
        );
        const file = join(e.dir, 'sim', 'events.ndjson');
        const d = await e.duck.importEventsFile(ws, file);
        const c = await importEventsFile(e.ch, ws, file);
        assert.equal(c.inserted, d.inserted);
        assert.equal(d.inserted, sim.record.events.total);
        await deriveSessions(e.duck, ws);
        await copySessions(e, ws);
        const ch = clickHouseIdentity(e.ch);
        const whole = await resolvePersons(ch, ws);
        assert.deepEqual(sortedSummary(whole), sortedSummary(await resolvePersons(e.duck, ws)));
        const leads = await ch.deriveLeadMilestones(ws);
        assert.equal(leads, await e.duck.deriveLeadMilestones(ws));
        assert.ok(leads > 0, 'the world has leads');
        await assertSameTables(e, 'world', ws);
      },
      { workspaceId: ws },
    );
  },
);
