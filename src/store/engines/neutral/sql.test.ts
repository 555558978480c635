// The neutral SQL layer: each query is written once and must give the same rows on every engine.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Db } from '../duckdb/connection.js';
import { queryNeutral as onDuck } from '../duckdb/dialect.js';
import { queryNeutral as onCh } from '../clickhouse/dialect.js';
import { openTestChdb } from '../../../test-helpers/clickhouse.js';
import type { ClickHouseConnection } from '../clickhouse/connection.js';
import { fn, ident, join, p, raw, render, sql, type Sql } from './sql.js';
import { duckDbDialect } from '../duckdb/dialect.js';

const ROWS = [
  { id: 'a', grp: 'x', n: 3, seen: '2024-01-01T10:00:00.123Z', doc: '{"page":{"url":"u1"},"n":5}' },
  { id: 'b', grp: 'x', n: 1, seen: '2024-01-01T09:59:00.000Z', doc: '{"page":{"url":null}}' },
  { id: 'c', grp: 'y', n: 2, seen: '2024-02-29T23:30:00.000Z', doc: '{"flag":true,"s":"it\'s"}' },
  { id: 'd', grp: 'y', n: 7, seen: '2024-03-01T00:00:00.000Z', doc: null },
];

describe('neutral SQL on DuckDB and ClickHouse', { timeout: 60_000 }, () => {
  let duck: Db;
  let ch: { conn: ClickHouseConnection; database: string; close(): Promise<void> };
  let table: string;

  before(async () => {
    duck = await Db.open(':memory:');
    await duck.write((c) =>
      c.run(
        `CREATE TABLE t (id VARCHAR, grp VARCHAR, n BIGINT, seen TIMESTAMPTZ, doc JSON);
         INSERT INTO t VALUES ${ROWS.map((r) => `('${r.id}', '${r.grp}', ${r.n}, '${r.seen}', ${r.doc === null ? 'NULL' : `'${r.doc.replaceAll("'", "''")}'`})`).join(', ')}`,
      ),
    );
    ch = await openTestChdb();
    table = `${ch.database}.t`;
    await ch.conn.command(
      `CREATE TABLE ${table} (id String, grp String, n Int64, seen DateTime64(3, 'UTC'), doc Nullable(String))
       ENGINE = MergeTree ORDER BY id`,
    );
    await ch.conn.insert(table, ROWS);
  });
  after(async () => {
    await duck?.close();
    await ch?.close();
  });

  /** Runs the query (written against table name T) on both engines; returns both results. */
  async function both(make: (t: ReturnType<typeof ident>) => Sql) {
    const d = await onDuck(duck, make(ident('t')));
    const c = await onCh(ch.conn, ch.database, make(ident(table)));
    return { d, c };
  }

  test('typed parameters, list membership and conditions joined', async () => {
    const { d, c } = await both(
      (t) =>
        sql`SELECT id FROM ${t} WHERE ${join(
          [
            sql`${fn.inList('id', p.texts(['a', 'c', 'd', "it's"]))}`,
            sql`n >= ${p.int(2)}`,
            sql`seen < ${p.time('2024-03-01T00:00:00Z')}`,
          ],
          ' AND ',
        )} ORDER BY id`,
    );
    assert.deepEqual(d, [{ id: 'a' }, { id: 'c' }]);
    assert.deepEqual(c, d);
  });

  test('an empty list matches nothing', async () => {
    const { d, c } = await both(
      (t) => sql`SELECT ${fn.countAll()} AS n FROM ${t} WHERE ${fn.inList('id', p.texts([]))}`,
    );
    assert.deepEqual(
      d.map((r) => Number(r.n)),
      [0],
    );
    assert.deepEqual(
      c.map((r) => Number(r.n)),
      [0],
    );
  });

  test('argMin, argMax, countIf and count per group', async () => {
    const { d, c } = await both(
      (t) =>
        sql`SELECT grp, ${fn.argMin('id', 'seen')} AS first, ${fn.argMax('id', 'n')} AS biggest,
              ${fn.countIf('n > 1')} AS over1, ${fn.countAll()} AS total
            FROM ${t} GROUP BY grp ORDER BY grp`,
    );
    const norm = (rows: Record<string, unknown>[]) =>
      rows.map((r) => ({ ...r, over1: Number(r.over1), total: Number(r.total) }));
    assert.deepEqual(norm(d), [
      { grp: 'x', first: 'b', biggest: 'a', over1: 1, total: 2 },
      { grp: 'y', first: 'c', biggest: 'd', over1: 2, total: 2 },
    ]);
    assert.deepEqual(norm(c), norm(d));
  });

  test('JSON text at a path: strings unquoted, null and absence NULL, other values as JSON', async () => {
    const { d, c } = await both(
      (t) =>
        sql`SELECT id, ${fn.jsonText('doc', 'page', 'url')} AS url, ${fn.jsonText('doc', 'n')} AS n,
              ${fn.jsonText('doc', 'flag')} AS flag, ${fn.jsonText('doc', 's')} AS s FROM ${t} ORDER BY id`,
    );
    assert.deepEqual(d, [
      { id: 'a', url: 'u1', n: '5', flag: null, s: null },
      { id: 'b', url: null, n: null, flag: null, s: null },
      { id: 'c', url: null, n: null, flag: 'true', s: "it's" },
      { id: 'd', url: null, n: null, flag: null, s: null },
    ]);
    assert.deepEqual(c, d);
  });

  test('times: ISO text out, ISO text in, minutes added, md5 of text', async () => {
    const { d, c } = await both(
      (t) =>
        sql`SELECT id, ${fn.isoTime('seen')} AS at, ${fn.isoTime(fn.addMinutes('seen', p.int(90)))} AS later,
              ${fn.md5Hex(sql`${p.text('ws')} || '|' || id`)} AS h
            FROM ${t} WHERE seen >= ${fn.toTime(p.text('2024-01-01 10:00:00'))} ORDER BY id`,
    );
    const h = (id: string) => createHash('md5').update(`ws|${id}`).digest('hex');
    assert.deepEqual(d, [
      { id: 'a', at: '2024-01-01T10:00:00.123Z', later: '2024-01-01T11:30:00.123Z', h: h('a') },
      { id: 'c', at: '2024-02-29T23:30:00.000Z', later: '2024-03-01T01:00:00.000Z', h: h('c') },
      { id: 'd', at: '2024-03-01T00:00:00.000Z', later: '2024-03-01T01:30:00.000Z', h: h('d') },
    ]);
    assert.deepEqual(c, d);
  });

  test('byte strings (head, length, base64) and a versioned table read as its current rows', async () => {
    const raw = Buffer.concat([Buffer.from('ab'), Buffer.from([0xff, 0xc3]), Buffer.from('é')]);
    await duck.write((c) =>
      c.run(`CREATE TABLE bytes (id VARCHAR, raw BLOB, seen TIMESTAMPTZ);
        INSERT INTO bytes VALUES ('x', from_base64('${raw.toString('base64')}'), '2024-01-01T00:00:00.250Z'),
          ('y', from_base64(''), NULL)`),
    );
    // two versions of x on ClickHouse: FINAL keeps the higher one only
    await ch.conn.command(
      `CREATE TABLE ${ch.database}.bytes (id String, raw String, seen Nullable(DateTime64(3, 'UTC')), v UInt64)
       ENGINE = ReplacingMergeTree(v) ORDER BY id`,
    );
    for (const [v, b64] of [
      [1, Buffer.from('old').toString('base64')],
      [2, raw.toString('base64')],
    ] as const)
      await ch.conn.command(
        `INSERT INTO ${ch.database}.bytes SELECT 'x', base64Decode({b:String}), '2024-01-01 00:00:00.250', {v:UInt64}`,
        { b: b64, v },
      );
    await ch.conn.command(`INSERT INTO ${ch.database}.bytes VALUES ('y', '', NULL, 1)`);
    const q = sql`SELECT id, ${fn.base64(fn.bytesHead('raw', 3))} AS head, ${fn.byteLength('raw')} AS n,
        ${fn.base64('raw')} AS whole, ${fn.epochMs('seen')} AS ms
      FROM ${fn.tableFinal('bytes')} ORDER BY id`;
    const d = await onDuck(duck, q);
    const c = await onCh(ch.conn, ch.database, q);
    const rows = [
      {
        id: 'x',
        head: raw.subarray(0, 3).toString('base64'),
        n: raw.length,
        whole: raw.toString('base64'),
        ms: 1704067200250,
      },
      { id: 'y', head: '', n: 0, whole: '', ms: null },
    ];
    const numbers = (r: Record<string, unknown>) => ({
      ...r,
      n: Number(r.n),
      ms: r.ms === null ? null : Number(r.ms),
    });
    assert.deepEqual(d.map(numbers), rows);
    assert.deepEqual(c.map(numbers), rows);
    assert.throws(() => fn.bytesHead('raw', 0), /byte count/);
    assert.throws(() => fn.tableFinal('bytes; DROP'), /identifier/);
  });

  test('identity functions: trim by code point, a regular expression, sha256, a long list as a set', async () => {
    const chars = ' \u00a0\u3000';
    const values = [' a\u00a0', '\u3000b©\u3000', 'c\u00a0d', '\u00a0é '];
    const { d, c } = await both(
      (t) =>
        sql`SELECT v, ${fn.trimChars('v', chars)} AS trimmed, ${fn.regexpMatches(fn.trimChars('v', chars), '^[ -~]+$')} AS ascii,
              ${fn.sha256Hex('v')} AS h, ${fn.inSet('v', p.texts(['', ' a\u00a0', ...Array.from({ length: 5000 }, (_, i) => `x${i}`)]))} AS listed
            FROM (SELECT id, CASE id WHEN 'a' THEN ${p.text(values[0]!)} WHEN 'b' THEN ${p.text(values[1]!)}
              WHEN 'c' THEN ${p.text(values[2]!)} ELSE ${p.text(values[3]!)} END AS v FROM ${t}) x ORDER BY id`,
    );
    const trim = (v: string) => v.replace(/^[ \u00a0\u3000]+|[ \u00a0\u3000]+$/gu, '');
    const want = values.map((v) => ({
      v,
      trimmed: trim(v),
      ascii: /^[ -~]+$/.test(trim(v)),
      h: createHash('sha256').update(v).digest('hex'),
      listed: v === ' a\u00a0',
    }));
    // booleans come back as true/false from DuckDB and 1/0 from ClickHouse's conditions
    const norm = (rows: Record<string, unknown>[]) =>
      rows.map((r) => ({ ...r, ascii: Boolean(r.ascii), listed: Boolean(r.listed) }));
    assert.deepEqual(norm(d), want);
    assert.deepEqual(norm(c), want);
    assert.deepEqual(
      want.map((w) => w.trimmed),
      ['a', 'b©', 'c\u00a0d', 'é'],
    );
    assert.throws(() => render(duckDbDialect, sql`${fn.regexpMatches('v', '\\d')}`), /backslash/);
  });

  test('text: literals, Unicode lower case, search, substrings, split parts', async () => {
    const { d, c } = await both(
      (t) =>
        sql`SELECT id, ${fn.lit("it's \\ ok")} AS l, ${fn.lower(sql`${p.text('ÄbÇ')} || id`)} AS low,
              ${fn.contains(sql`${p.text('x=1=2')} || id`, '=')} AS has,
              ${fn.position(sql`${p.text('xy=1=2')} || id`, '=')} AS pos,
              ${fn.substrFrom(sql`${p.text('ab=cd')} || id`, '4')} AS rest,
              ${fn.splitPart(sql`${p.text('a?b?')} || id`, '?', 3)} AS third,
              ${fn.splitPart(sql`${p.text('a?b')} || id`, '?', 5)} AS none,
              ${fn.split(sql`${p.text('p&q&')} || id`, '&')} AS parts, ${fn.split("''", '&')} AS empty
            FROM ${t} WHERE ${fn.inTexts('id', ['a', "it's"])} ORDER BY id`,
    );
    assert.deepEqual(
      d.map((r) => ({ ...r, has: Boolean(r.has), pos: Number(r.pos) })),
      [
        {
          id: 'a',
          l: "it's \\ ok",
          low: 'äbça',
          has: true,
          pos: 3,
          rest: 'cda',
          third: 'a',
          none: '',
          parts: ['p', 'q', 'a'],
          empty: [''],
        },
      ],
    );
    assert.deepEqual(
      c.map((r) => ({ ...r, has: Boolean(r.has), pos: Number(r.pos) })),
      d.map((r) => ({ ...r, has: Boolean(r.has), pos: Number(r.pos) })),
    );
  });

  test('regular expressions and form values', async () => {
    const url = 'https://a.example/?GCLID=1&x=a+b%20c%zz%&gclid=3#gclid=4';
    const { d, c } = await both(
      (t) =>
        sql`SELECT ${fn.regexpReplaceAll(p.text(url), '(?i)([?&]gclid=)[^&#]+', '\\1~')} AS blind,
              ${fn.regexpExtractAll(p.text(url), '(?i)[?&]((?:gclid|x)=[^&#]+)')} AS found,
              ${fn.formDecode(fn.substrFrom(p.text(url), '30'))} AS decoded
            FROM ${t} WHERE id = 'a'`,
    );
    assert.deepEqual(d, [
      {
        blind: 'https://a.example/?GCLID=~&x=a+b%20c%zz%&gclid=~#gclid=4',
        found: ['GCLID=1', 'x=a+b%20c%zz%', 'gclid=3'],
        decoded: 'a b c%zz%&gclid=3#gclid=4',
      },
    ]);
    assert.deepEqual(c, d);
  });

  test('lists: filter, map, indexes, concatenation, positions, a multiset hash, a JSON object', async () => {
    const yes = (cond: Sql) => sql`CASE WHEN ${cond} THEN 'yes' ELSE 'no' END`;
    const { d, c } = await both(
      (t) =>
        sql`SELECT ${fn.listFilter("['a', 'bb', 'c']", 'x', "x <> 'bb'")} AS f,
              ${fn.listMap("['a', 'b']", 'x', "x || '!'")} AS m,
              ${fn.listFilterIndexed("['a', 'b', 'a', 'c']", 'x', 'i', sql`${fn.listPosition("['a', 'b', 'a', 'c']", 'x')} = i`)} AS firsts,
              ${fn.listConcat("['a']", "['b', 'c']")} AS cat,
              ${yes(sql`${fn.textHashSum("['a', 'b']")} = ${fn.textHashSum("['b', 'a']")}`)} AS same,
              ${yes(sql`${fn.textHashSum("['a', 'b']")} = ${fn.textHashSum("['a', 'a']")}`)} AS differs,
              ${yes(sql`${fn.textHashSum(fn.listFilter("['a']", 'x', "x = 'z'"))} IS NULL`)} AS empty_null,
              ${fn.jsonObject("['gclid', 'x']", sql`[${p.text('a/b "é')}, '']`)} AS obj,
              ${fn.jsonAsText('doc')} AS doc
            FROM ${t} WHERE id = 'c'`,
    );
    const norm = (rows: Record<string, unknown>[]) =>
      rows.map((r) => ({
        ...r,
        obj: JSON.parse(String(r.obj)) as unknown,
        doc: JSON.parse(String(r.doc)) as unknown,
      }));
    assert.deepEqual(norm(d), [
      {
        f: ['a', 'c'],
        m: ['a!', 'b!'],
        firsts: ['a', 'b', 'c'],
        cat: ['a', 'b', 'c'],
        same: 'yes',
        differs: 'no',
        empty_null: 'yes',
        obj: { gclid: 'a/b "é', x: '' },
        doc: { flag: true, s: "it's" },
      },
    ]);
    assert.deepEqual(norm(c), norm(d));
    assert.deepEqual(Object.keys(norm(c)[0]!.obj as object), ['gclid', 'x']);
  });

  test('a regular expression bound as a parameter: backslashes, inline flags, quotes', async () => {
    // a backslash-u escape, an encoded `@` in any case, a dot that is only a dot, a quote
    const pattern = "\\\\u00|(?i:%40)|^a\\.b$|it's";
    const values = ['x\\u0041', 'ann%40X', 'a.b', 'axb'];
    const { d, c } = await both(
      (t) =>
        sql`SELECT id, ${fn.regexpMatchesBound('v', pattern)} AS hit
            FROM (SELECT id, CASE id WHEN 'a' THEN ${p.text(values[0]!)} WHEN 'b' THEN ${p.text(values[1]!)}
              WHEN 'c' THEN ${p.text(values[2]!)} ELSE ${p.text(values[3]!)} END AS v FROM ${t}) x ORDER BY id`,
    );
    const want = [
      { id: 'a', hit: true },
      { id: 'b', hit: true },
      { id: 'c', hit: true },
      { id: 'd', hit: false },
    ];
    const norm = (rows: Record<string, unknown>[]) =>
      rows.map((r) => ({ id: r.id, hit: Boolean(r.hit) }));
    assert.deepEqual(norm(d), want);
    assert.deepEqual(norm(c), want);
  });

  test('argMin over some rows (and skipping NULLs), last value skipping NULLs', async () => {
    const { d, c } = await both(
      (t) =>
        sql`SELECT grp, ${fn.argMinIf('id', 'n', "id <> 'b'")} AS first_not_b,
              ${fn.argMin('CASE WHEN n = 7 THEN NULL ELSE id END', '-n')} AS skipped
            FROM ${t} GROUP BY grp ORDER BY grp`,
    );
    assert.deepEqual(d, [
      { grp: 'x', first_not_b: 'a', skipped: 'a' },
      { grp: 'y', first_not_b: 'c', skipped: 'c' },
    ]);
    assert.deepEqual(c, d);
    const w = await both(
      (t) =>
        sql`SELECT id, ${fn.lastValueIgnoreNulls('CASE WHEN n > 2 THEN id END')} OVER (ORDER BY n
              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before FROM ${t} ORDER BY n`,
    );
    assert.deepEqual(w.d, [
      { id: 'b', before: null },
      { id: 'c', before: null },
      { id: 'a', before: null },
      { id: 'd', before: 'a' },
    ]);
    assert.deepEqual(w.c, w.d);
  });

  test('bytes as text only when UTF-8, and a search for any of several bound texts', async () => {
    const lines: [string, Buffer][] = [
      ['ascii', Buffer.from('{"Email":"Ann@X.io"}')],
      ['wide', Buffer.from('Ünïcödé ✓ 😀 ann@x.io')],
      ['stray', Buffer.from([0x61, 0xff, 0x62])],
      ['cut', Buffer.from([0x61, 0xe2, 0x82])],
      ['overlong', Buffer.from([0xc0, 0xaf])],
      ['surrogate', Buffer.from([0xed, 0xa0, 0x80])],
      ['empty', Buffer.alloc(0)],
    ];
    await duck.write((c) =>
      c.run(`CREATE TABLE lines (id VARCHAR, raw BLOB);
        INSERT INTO lines VALUES ${lines.map(([id, b]) => `('${id}', from_base64('${b.toString('base64')}'))`).join(', ')}`),
    );
    await ch.conn.command(
      `CREATE TABLE ${ch.database}.lines (id String, raw String) ENGINE = MergeTree ORDER BY id`,
    );
    await ch.conn.command(
      `INSERT INTO ${ch.database}.lines SELECT id, base64Decode(b) FROM
       (SELECT arrayJoin(arrayZip({ids:Array(String)}, {bs:Array(String)})) AS x, x.1 AS id, x.2 AS b)`,
      { ids: lines.map(([id]) => id), bs: lines.map(([, b]) => b.toString('base64')) },
    );
    const q = (needles: string[]) =>
      sql`SELECT id, ${fn.utf8Text('raw')} AS line,
          ${fn.containsAny(fn.lower(fn.utf8Text('raw')), needles)} AS found
        FROM ${fn.table('lines')} ORDER BY id`;
    const flag = (r: Record<string, unknown>): Record<string, unknown> => ({
      ...r,
      found: r.found === null ? null : Boolean(r.found),
    });
    for (const needles of [['ann@x.io', "it's"], ['"email"'], []]) {
      const d = (await onDuck(duck, q(needles))).map(flag);
      const c = (await onCh(ch.conn, ch.database, q(needles))).map(flag);
      assert.deepEqual(c, d, JSON.stringify(needles));
      const text = (id: string) => lines.find(([i]) => i === id)![1].toString();
      const valid = new Set(['ascii', 'wide', 'empty']);
      assert.deepEqual(
        d.map((r) => [r.id, r.line]),
        [...lines]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([id]) => [id, valid.has(id) ? text(id) : null]),
      );
      const want = (id: string) =>
        !valid.has(id)
          ? needles.length === 0
            ? false
            : null
          : needles.some((n) => text(id).toLowerCase().includes(n));
      assert.deepEqual(
        d.map((r) => [r.id, r.found]),
        d.map((r) => [r.id, want(String(r.id))]),
        JSON.stringify(needles),
      );
    }
  });

  test('a JSON array of texts as a list, and whether a list holds a value', async () => {
    const texts = ['a', "it's", 'é "q" \\', 'd'];
    const { d, c } = await both(
      (t) =>
        sql`SELECT id, ${fn.jsonTexts(p.text(JSON.stringify(texts)))} AS list,
              ${fn.listHas(fn.jsonTexts(p.text(JSON.stringify(texts))), 'id')} AS held,
              ${fn.listHas(fn.jsonTexts(p.text('[]')), 'id')} AS none
            FROM ${t} ORDER BY id`,
    );
    const norm = (rows: Record<string, unknown>[]) =>
      rows.map((r) => ({ ...r, held: Boolean(r.held), none: Boolean(r.none) }));
    const want = ['a', 'b', 'c', 'd'].map((id) => ({
      id,
      list: texts,
      held: texts.includes(id),
      none: false,
    }));
    assert.deepEqual(norm(d), want);
    assert.deepEqual(norm(c), want);
  });

  test('a JSON column of texts as a list, and whether two lists share an item', async () => {
    // DuckDB keeps such a column as JSON, ClickHouse as its text (identity_changes.others)
    const tagged = [
      { id: 'a', tags: '["p_1", "p_2"]' },
      { id: 'b', tags: '["p_3"]' },
      { id: 'c', tags: '[]' },
      { id: 'd', tags: '["it\'s", "é"]' },
    ];
    await duck.write((c) =>
      c.run(
        `CREATE TABLE tagged (id VARCHAR, tags JSON);
         INSERT INTO tagged VALUES ${tagged.map((r) => `('${r.id}', '${r.tags.replaceAll("'", "''")}')`).join(', ')}`,
      ),
    );
    await ch.conn.command(
      `CREATE TABLE ${ch.database}.tagged (id String, tags String) ENGINE = MergeTree ORDER BY id`,
    );
    await ch.conn.insert(`${ch.database}.tagged`, tagged);
    const q = (t: string) =>
      sql`SELECT id, ${fn.jsonTexts('tags')} AS list,
            CASE WHEN ${fn.listHasAny(fn.jsonTexts('tags'), p.texts(['p_2', 'p_3', "it's"]))} THEN 'yes' ELSE 'no' END AS shares,
            CASE WHEN ${fn.listHasAny(fn.jsonTexts('tags'), p.texts([]))} THEN 'yes' ELSE 'no' END AS shares_none
          FROM ${ident(t)} ORDER BY id`;
    const d = await onDuck(duck, q('tagged'));
    const c = await onCh(ch.conn, ch.database, q(`${ch.database}.tagged`));
    assert.deepEqual(d, [
      { id: 'a', list: ['p_1', 'p_2'], shares: 'yes', shares_none: 'no' },
      { id: 'b', list: ['p_3'], shares: 'yes', shares_none: 'no' },
      { id: 'c', list: [], shares: 'no', shares_none: 'no' },
      { id: 'd', list: ["it's", 'é'], shares: 'yes', shares_none: 'no' },
    ]);
    assert.deepEqual(c, d);
  });

  test('a row repeated once per item of a list, and dropped by an empty one', async () => {
    const { d, c } = await both(
      (t) =>
        sql`SELECT id, ${fn.unnestList(sql`CASE grp WHEN 'x' THEN [1, 2] WHEN 'y' THEN [3] ELSE [] END`)} AS i
          FROM (SELECT id, CASE WHEN id = 'd' THEN 'z' ELSE grp END AS grp FROM ${t}) s
          ORDER BY id, i`,
    );
    const want = [
      { id: 'a', i: 1 },
      { id: 'a', i: 2 },
      { id: 'b', i: 1 },
      { id: 'b', i: 2 },
      { id: 'c', i: 3 },
    ];
    const norm = (rows: Record<string, unknown>[]) =>
      rows.map((r) => ({ id: r.id, i: Number(r.i) }));
    assert.deepEqual(norm(d), want);
    assert.deepEqual(norm(c), want);
  });

  test('a list of texts joined into one', async () => {
    const { d, c } = await both(
      (t) =>
        sql`SELECT id, ${fn.listJoin(fn.split(sql`${p.text('a&é&')} || id`, '&'), '|')} AS joined,
              ${fn.listJoin(fn.split("''", '&'), '')} AS empty
            FROM ${t} WHERE ${fn.inTexts('id', ['a', 'b'])} ORDER BY id`,
    );
    assert.deepEqual(d, [
      { id: 'a', joined: 'a|é|a', empty: '' },
      { id: 'b', joined: 'a|é|b', empty: '' },
    ]);
    assert.deepEqual(c, d);
  });

  test('the UTC week (from Monday) and month of a time, and months apart as signed numbers', async () => {
    const jan = fn.monthNumber(fn.utcMonth(p.time('2024-01-15T00:00:00Z')));
    const mar = fn.monthNumber(fn.utcMonth(p.time('2024-03-15T00:00:00Z')));
    const { d, c } = await both(
      (t) =>
        sql`SELECT id, CAST(${fn.utcWeek('seen')} AS VARCHAR) AS week,
              CAST(${fn.utcMonth('seen')} AS VARCHAR) AS month,
              ${fn.monthNumber(fn.utcMonth('seen'))} - ${jan} AS since_jan,
              ${fn.monthNumber(fn.utcMonth('seen'))} - ${mar} AS since_mar
            FROM ${t} ORDER BY id`,
    );
    const out = (rows: Record<string, unknown>[]) =>
      rows.map((r) => [r.id, r.week, r.month, Number(r.since_jan), Number(r.since_mar)]);
    // 2024-01-01 is a Monday; 2024-02-29 a Thursday and 2024-03-01 a Friday of the same week
    assert.deepEqual(out(d), [
      ['a', '2024-01-01', '2024-01-01', 0, -2],
      ['b', '2024-01-01', '2024-01-01', 0, -2],
      ['c', '2024-02-26', '2024-02-01', 1, -1],
      ['d', '2024-02-26', '2024-03-01', 2, 0],
    ]);
    assert.deepEqual(out(c), out(d));
  });

  test('the day of a time in a time zone', async () => {
    const { d, c } = await both(
      (t) =>
        sql`SELECT id, CAST(${fn.localDay('seen', 'UTC')} AS VARCHAR) AS utc,
              CAST(${fn.localDay('seen', 'America/New_York')} AS VARCHAR) AS ny,
              CAST(${fn.localDay('seen', 'Asia/Kolkata')} AS VARCHAR) AS kolkata
            FROM ${t} ORDER BY id`,
    );
    // New York is UTC-5 in winter; Kolkata UTC+5:30 (c: 23:30 UTC on Feb 29th is 05:00 on March 1st)
    assert.deepEqual(d, [
      { id: 'a', utc: '2024-01-01', ny: '2024-01-01', kolkata: '2024-01-01' },
      { id: 'b', utc: '2024-01-01', ny: '2024-01-01', kolkata: '2024-01-01' },
      { id: 'c', utc: '2024-02-29', ny: '2024-02-29', kolkata: '2024-03-01' },
      { id: 'd', utc: '2024-03-01', ny: '2024-02-29', kolkata: '2024-03-01' },
    ]);
    assert.deepEqual(c, d);
  });

  test('the week and month of a time in a time zone', async () => {
    const { d, c } = await both(
      (t) =>
        sql`SELECT id, CAST(${fn.localWeek('seen', 'America/New_York')} AS VARCHAR) AS ny_week,
              CAST(${fn.localMonth('seen', 'America/New_York')} AS VARCHAR) AS ny_month,
              CAST(${fn.localMonth('seen', 'Asia/Kolkata')} AS VARCHAR) AS kolkata_month
            FROM ${t} ORDER BY id`,
    );
    // d is March 1st in UTC, still February 29th (a Thursday) in New York
    assert.deepEqual(d.at(-1), {
      id: 'd',
      ny_week: '2024-02-26',
      ny_month: '2024-02-01',
      kolkata_month: '2024-03-01',
    });
    assert.deepEqual(d[2], {
      id: 'c',
      ny_week: '2024-02-26',
      ny_month: '2024-02-01',
      kolkata_month: '2024-03-01',
    });
    assert.deepEqual(c, d);
  });

  test('quantiles interpolated linearly between the nearest values (type 7), per group', async () => {
    const { d, c } = await both(
      (t) =>
        sql`SELECT grp, ${fn.quantile('n', 0.25)} AS q1, ${fn.quantile('n', 0.5)} AS med,
              ${fn.quantile('n', 0.9)} AS p90, ${fn.quantile('n', 0)} AS lo, ${fn.quantile('n', 1)} AS hi
            FROM ${t} GROUP BY grp ORDER BY grp`,
    );
    // x: 1, 3; y: 2, 7
    const want = [
      { grp: 'x', q1: 1.5, med: 2, p90: 2.8, lo: 1, hi: 3 },
      { grp: 'y', q1: 3.25, med: 4.5, p90: 6.5, lo: 2, hi: 7 },
    ];
    const num = (rows: Record<string, unknown>[]) =>
      rows.map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [
            k,
            k === 'grp' ? v : Math.round(Number(v) * 1e9) / 1e9,
          ]),
        ),
      );
    assert.deepEqual(num(d), want);
    assert.deepEqual(num(c), want);
    assert.throws(() => fn.quantile('n', 1.5), /not a quantile/);
  });
});

test('render numbers parameters in order and never puts a value into the text', () => {
  const r = render(
    duckDbDialect,
    sql`SELECT 1 WHERE a = ${p.text("x'; DROP TABLE t; --")} AND b IN (${raw('1')}) AND ${fn.inList('c', p.texts(['y']))}`,
  );
  assert.equal(
    r.text,
    'SELECT 1 WHERE a = CAST($p0 AS VARCHAR) AND b IN (1) AND list_contains(CAST($p1 AS VARCHAR[]), c)',
  );
  assert.equal(r.params.p0, "x'; DROP TABLE t; --");
  assert.throws(() => ident('t; DROP'), /not an identifier/);
  assert.throws(() => fn.jsonText('doc', "a'b"), /not a JSON key/);
  assert.throws(() => p.int(1.5), /not an integer/);
});
