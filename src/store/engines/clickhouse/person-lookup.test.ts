// The lookups of a person's export and erasure on ClickHouse against DuckDB. A world is derived on DuckDB
// in two steps (so the identity log records a merge), with a shared laptop, a phone, stated links, raw
// spellings of one e-mail in several cases and a log that loops; its rows are copied into ClickHouse as
// stored, dead letters (one not UTF-8, one naming no workspace) are set aside on both, and every lookup
// must give the same answers on both engines, and the ones the world was built to give.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rebuild } from '../../../derive/derive.js';
import { personIdFor } from '../../../derive/identity/index.js';
import type { RawEvent } from '../../areas/events.js';
import { addWorkspace, copyDuckRows } from '../../../test-helpers/copy-duck-rows.js';
import { withBothEngines, type BothEngines } from '../../../test-helpers/clickhouse.js';
import { deadLetterId } from '../../journal-lines.js';
import { insertDeadLetters as duckInsertDeadLetters } from '../duckdb/dead-letters-repo.js';
import { insertDeadLetters, type RefusedLine } from './events.js';
import { personLookups } from './person-lookup.js';

const W = 'ws_look';
const V = 'ws_look2';
const ANN = 'ann.look@example.com';
const BO = 'bo.look@example.com';
const day = (d: number, h = 10, m = 0) => new Date(Date.UTC(2026, 5, d, h, m)).toISOString();

const page = (id: string, anon: string, at: string): RawEvent => ({
  type: 'page',
  messageId: id,
  anonymousId: anon,
  timestamp: at,
  context: { page: { url: 'https://acme.io/' } },
});
const identify = (
  id: string,
  anon: string,
  at: string,
  traits: Record<string, string>,
  userId?: string,
): RawEvent => ({
  type: 'identify',
  messageId: id,
  anonymousId: anon,
  timestamp: at,
  traits,
  ...(userId ? { userId } : {}),
});
const track = (id: string, anon: string, at: string, properties: object): RawEvent => ({
  type: 'track',
  messageId: id,
  event: 'note',
  anonymousId: anon,
  timestamp: at,
  properties,
});

// first: Ann on her laptop stretch and on the web (by e-mail, spelt raw), her phone by a user id alone
const first: RawEvent[] = [
  page('a-1', 'laptop', day(1)),
  identify('a-2', 'laptop', day(1, 10, 5), { email: ' Ann.Look@Example.COM' }),
  page('a-3', 'ann-web', day(1, 12)),
  identify('a-4', 'ann-web', day(1, 12, 1), { email: ANN, phone: '+1 (415) 555-0134' }),
  identify('a-5', 'ann-phone', day(1, 13), { name: 'A.' }, 'user-ann'),
];
// then: Bo's stretch of the laptop, Ann's again; her user id meets her e-mail (a merge); mentions in JSON
const then: RawEvent[] = [
  page('b-1', 'laptop', day(2)),
  identify('b-2', 'laptop', day(2, 10, 5), { email: BO }),
  page('a-6', 'laptop', day(4)),
  identify('a-7', 'laptop', day(4, 10, 5), { email: ANN }),
  identify('a-8', 'ann-phone', day(5), { email: 'ANN.look@example.com' }, 'user-ann'),
  track('a-9', 'ann-web', day(5, 11), { note: 'Reply to ANN.LOOK@EXAMPLE.COM please' }),
  // a longer address holding hers: SQL finds it, the model tells it apart
  track('j-1', 'jo', day(5, 12), { fields: { email: 'joann.look@example.com' } }),
  track('c-1', 'cy', day(5, 13), { note: 'nothing about her', phone: '415 555 0134' }),
];

// dead letters (workspace, raw line) set aside on both engines
const LETTERS: [string | null, Buffer][] = [
  [W, Buffer.from(`{"type":"identify","traits":{"email":"Ann.Look@EXAMPLE.com"},"ts":"x"}`)],
  [W, Buffer.from('{"type":"page","anonymousId":"user-ann","ts":"x"}')],
  [W, Buffer.from('{"type":"page","anonymousId":"someone-else","ts":"x"}')],
  // not UTF-8 in several ways: a stray byte, a cut sequence, an overlong form, a surrogate
  [W, Buffer.from([0x7b, 0xff, 0x22, 0x61, 0x22, 0x7d])],
  [W, Buffer.from([0x7b, 0x22, 0xe2, 0x82, 0x22, 0x7d])],
  [W, Buffer.from([0x7b, 0xc0, 0xaf, 0x7d])],
  [W, Buffer.from([0x7b, 0xed, 0xa0, 0x80, 0x7d])],
  // UTF-8 beyond ASCII, naming no one
  [W, Buffer.from('{"note":"Ünïcödé ✓ 😀"}')],
  [null, Buffer.from(`{"broken":true,"email":"${ANN}"}`)],
  [null, Buffer.from('{"broken":true}')],
  [V, Buffer.from(`{"email":"${ANN}"}`)],
];

const sorted = <T>(xs: readonly T[]): string[] => xs.map((x) => JSON.stringify(x)).sort();

async function seedWorld(e: BothEngines): Promise<void> {
  const { duck, duckDb } = e;
  await addWorkspace(duck, V);
  const receivedAt = new Date('2026-07-01T00:00:00Z');
  await duck.appendEvents(W, first, { origin: 'import', receivedAt });
  await duck.appendIdentityLinks(W, [
    {
      fromKind: 'crm_id',
      fromValue: 'c-ann',
      toKind: 'email',
      toValue: 'Ann.Look@Example.com',
      source: 'crm',
      at: day(1, 14),
    },
    {
      fromKind: 'crm_id',
      fromValue: 'c-tel',
      toKind: 'phone',
      toValue: '(415) 555-0134',
      source: 'crm',
      at: day(1, 14),
    },
  ]);
  await rebuild(duck, W);
  await duck.appendEvents(W, then, { origin: 'import', receivedAt });
  await duck.appendEvents(V, [identify('v-1', 'v-anon', day(3), { email: ANN })], {
    origin: 'import',
    receivedAt,
  });
  await rebuild(duck, W);
  await rebuild(duck, V);
  // a log that loops (two persons each merged into the other) and a merged person alive again
  await duckDb.write((c) =>
    c.run(`INSERT INTO identity_changes VALUES
      ('${W}', now(), 'merge', 'p_loop1', '["p_loop2"]', 'test', NULL),
      ('${W}', now(), 'merge', 'p_loop2', '["p_loop1","p_gone"]', 'test', NULL)`),
  );
  const copied = await copyDuckRows(duck, e.ch, [
    'events',
    'identity_links',
    'identities',
    'identity_changes',
  ]);
  assert.ok(copied.events! >= first.length + then.length, JSON.stringify(copied));
  assert.ok(copied.identity_changes! >= 3, 'the merge and the looping rows');

  const letter = (ws: string | null, raw: Buffer, i: number): RefusedLine => ({
    line: { lineNo: i + 1, raw, terminated: true },
    reason: 'line|test',
    workspaceId: ws,
    receivedAt: null,
  });
  const refused = LETTERS.map(([ws, raw], i) => letter(ws, raw, i));
  const source = 'events-000000000009.ndjson';
  await duckDb.transaction((c) => duckInsertDeadLetters(c, source, refused));
  // twice on ClickHouse, as a reloaded segment would: its versioned rows are read as one (FINAL)
  await insertDeadLetters(e.ch, source, refused);
  await insertDeadLetters(e.ch, source, refused);
}

const letterId = (i: number, raw: Buffer) => deadLetterId('events-000000000009.ndjson', i + 1, raw);

test(
  "a person's lookups on ClickHouse: the same spellings, mentions, identifiers, device stretches and former ids as on DuckDB",
  { timeout: 180_000 },
  async () => {
    await withBothEngines(
      async (e) => {
        await seedWorld(e);
        const { duck, duckDb, ch } = e;
        const [ann] = await duck.personsByIdentifier(W, 'email', ANN);
        const [bo] = await duck.personsByIdentifier(W, 'email', BO);
        assert.ok(ann && bo && ann !== bo);

        // ---- identifiers: the same on both, in the same order
        const annIds = await personLookups(ch).personIdentifiers(W, [ann]);
        assert.deepEqual(annIds, await duck.personIdentifiers(W, [ann]));
        assert.deepEqual(
          annIds.map((i) => i.kind),
          [...annIds.map((i) => i.kind)].sort(),
        );
        for (const want of [
          { kind: 'email', value: ANN },
          { kind: 'user_id', value: 'user-ann' },
          { kind: 'anonymous_id', value: 'ann-phone' },
          { kind: 'crm_id', value: 'c-ann' },
        ])
          assert.ok(sorted(annIds).includes(JSON.stringify(want)), JSON.stringify(want));
        const phone = annIds.find((i) => i.kind === 'phone');
        assert.ok(phone, 'her phone is an identifier');
        for (const pids of [[ann, bo], [bo], ['p_nobody'], []])
          assert.deepEqual(
            await personLookups(ch).personIdentifiers(W, pids),
            await duck.personIdentifiers(W, pids),
            JSON.stringify(pids),
          );
        assert.deepEqual(await personLookups(ch).personIdentifiers(V, [ann]), []);

        // ---- spellings: raw values in any case, a phone by its digits, link ends
        const digits = phone.value.replace(/\D/g, '').slice(-7);
        const needles = {
          text: [ANN, 'user-ann', 'ann-phone', 'c-ann', 'laptop'],
          digits: [digits],
        };
        const spell = await personLookups(ch).identifierSpellings(W, needles);
        assert.deepEqual(sorted(spell), sorted(await duck.identifierSpellings(W, needles)));
        const has = (column: string, kind: string, value: string) =>
          spell.some((c) => c.column === column && c.kind === kind && c.value === value);
        assert.ok(has('email', 'email', ' Ann.Look@Example.COM'), 'the raw spelling, as stored');
        assert.ok(has('email', 'email', 'ANN.look@example.com'));
        assert.ok(has('email', 'email', ANN));
        assert.ok(has('phone', 'phone', '+1 (415) 555-0134'), 'a phone found by its digits');
        assert.ok(has('identity_link', 'email', 'Ann.Look@Example.com'));
        assert.ok(has('identity_link', 'phone', '(415) 555-0134'));
        assert.ok(has('identity_link', 'crm_id', 'c-ann'));
        assert.ok(has('user_id', 'user_id', 'user-ann'));
        assert.ok(has('anonymous_id', 'anonymous_id', 'laptop'));
        assert.equal(new Set(spell.map((c) => JSON.stringify(c))).size, spell.length, 'distinct');
        assert.ok(!spell.some((c) => c.value === 'v-anon'), 'not the other workspace');
        for (const n of [
          { text: [], digits: [digits] },
          { text: ['ANN.LOOK@'], digits: [] },
          { text: [], digits: [] },
          { text: ['no-such-id'], digits: ['0000000'] },
        ])
          assert.deepEqual(
            sorted(await personLookups(ch).identifierSpellings(W, n)),
            sorted(await duck.identifierSpellings(W, n)),
            JSON.stringify(n),
          );
        assert.deepEqual(
          await personLookups(ch).identifierSpellings(W, { text: [], digits: [] }),
          [],
        );
        assert.ok(
          (await personLookups(ch).identifierSpellings(W, { text: [], digits: [digits] })).every(
            (c) => c.column === 'phone' || c.column === 'identity_link',
          ),
        );

        // ---- mentions: events' JSON in any case, dead letters by their bytes
        const opts = {
          eventNeedles: ['Ann.Look@Example.com'],
          letterNeedles: [ANN, 'user-ann'],
          unnamed: false,
        };
        for (const unnamed of [false, true]) {
          const c = await personLookups(ch).textMentions(W, { ...opts, unnamed });
          const d = await duck.textMentions(W, { ...opts, unnamed });
          assert.deepEqual(
            c.events.map((m) => m.messageId),
            d.events.map((m) => m.messageId),
          );
          // the JSON text as each engine keeps it: what it names is the same
          for (const [i, m] of c.events.entries()) {
            assert.equal(m.text, m.text.toLowerCase());
            assert.ok(m.text.includes(ANN) && d.events[i]!.text.includes(ANN), m.messageId);
          }
          assert.deepEqual(c.deadLetters, d.deadLetters, `unnamed: ${unnamed}`);
          const raws = c.deadLetters.map((l) => l.raw.toString('hex'));
          const want = [0, 1, 3, 4, 5, 6, ...(unnamed ? [8] : [])].map(
            (i) => [i, LETTERS[i]![1]] as const,
          );
          assert.deepEqual(
            c.deadLetters.map((l) => l.id),
            want.map(([i, raw]) => letterId(i, raw)).sort(),
          );
          assert.deepEqual(raws.sort(), want.map(([, raw]) => raw.toString('hex')).sort());
        }
        const events = await personLookups(ch).textMentions(W, opts);
        assert.deepEqual(
          events.events.map((m) => m.messageId),
          ['a-2', 'a-4', 'a-7', 'a-8', 'a-9', 'j-1'],
          'identifies in any case, the note in capitals and the longer address (for the model to tell apart)',
        );
        const none = { eventNeedles: [], letterNeedles: [], unnamed: true };
        const c0 = await personLookups(ch).textMentions(W, none);
        assert.deepEqual(c0, await duck.textMentions(W, none));
        assert.deepEqual(c0.events, []);
        assert.equal(c0.deadLetters.length, 4, 'the letters that are not UTF-8, always');
        assert.deepEqual(
          (await personLookups(ch).textMentions(V, { ...opts, unnamed: false })).deadLetters.map(
            (l) => l.raw.toString(),
          ),
          [`{"email":"${ANN}"}`],
        );

        // ---- shared devices: Ann's two stretches of the laptop, Bo's one
        const annSpans = await personLookups(ch).sharedDeviceSpans(W, [ann]);
        assert.deepEqual(annSpans, await duck.sharedDeviceSpans(W, [ann]));
        assert.deepEqual(
          annSpans.map((s) => s.anonymousId),
          ['laptop', 'laptop'],
        );
        assert.equal(annSpans[0]!.from, null, 'her first stretch starts unbounded');
        assert.ok(annSpans[1]!.from !== null && annSpans[1]!.from > (annSpans[0]!.until ?? ''));
        assert.match(annSpans[1]!.from, /^2026-06-0\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        for (const pids of [[bo], [ann, bo], ['p_nobody'], []])
          assert.deepEqual(
            await personLookups(ch).sharedDeviceSpans(W, pids),
            await duck.sharedDeviceSpans(W, pids),
            JSON.stringify(pids),
          );
        assert.equal((await personLookups(ch).sharedDeviceSpans(W, [bo])).length, 1);
        assert.deepEqual(
          await personLookups(ch).sharedDeviceSpans(W, [ann, bo]),
          [],
          'no third person',
        );

        // ---- former ids: the person merged into Ann's, followed back; live others left out
        const merged = (
          await duckDb.query(
            `SELECT others FROM identity_changes WHERE workspace_id = '${W}' AND change = 'merge' AND person_id = $p`,
            { p: ann },
          )
        ).flatMap((r) => JSON.parse(String(r.others)) as string[]);
        assert.ok(merged.length > 0, 'the log records a merge into Ann');
        const seeds = [ann, ...annIds.map((i) => personIdFor(i.kind, i.value, 0))];
        const former = await personLookups(ch).formerPersonIds(W, seeds, [ann]);
        assert.deepEqual(former, await duck.formerPersonIds(W, seeds, [ann]));
        assert.ok(former.includes(ann));
        for (const m of merged) assert.ok(former.includes(m), m);
        assert.ok(!former.includes(bo));
        for (const [s, cur] of [
          [['p_loop1'], []],
          [['p_loop2', bo], [bo]],
          [['p_loop1', ann, bo], [ann]],
          [['p_unknown'], []],
          [[], [ann]],
        ] as const) {
          const got = await personLookups(ch).formerPersonIds(W, s, cur);
          assert.deepEqual(got, await duck.formerPersonIds(W, s, cur), JSON.stringify(s));
          assert.deepEqual(got, [...got].sort());
        }
        // a log that loops ends; a live other person (Bo, not current) is left out
        assert.deepEqual(await personLookups(ch).formerPersonIds(W, ['p_loop1'], []), [
          'p_gone',
          'p_loop1',
          'p_loop2',
        ]);
        assert.deepEqual(await personLookups(ch).formerPersonIds(W, ['p_loop2', bo], []), [
          'p_gone',
          'p_loop1',
          'p_loop2',
        ]);
        assert.deepEqual(await personLookups(ch).formerPersonIds(W, ['p_unknown'], []), []);
      },
      { workspaceId: W },
    );
  },
);
