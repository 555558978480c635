import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  canonicalJson,
  canonicalRow,
  canonicalValue,
  Checksum,
  kindOfDuckType,
  type ColumnKind,
} from './checksum.js';

const KINDS: ColumnKind[] = ['text', 'time', 'json', 'int', 'float', 'bool', 'bytes'];

test('canonical values: each engine’s spelling of one value is one text', () => {
  // a time at the millisecond, as DuckDB's ISO form and ClickHouse's own text
  assert.equal(
    canonicalValue('time', '2026-03-01T10:00:00.123Z'),
    canonicalValue('time', '2026-03-01 10:00:00.123'),
  );
  assert.notEqual(
    canonicalValue('time', '2026-03-01T10:00:00.123Z'),
    canonicalValue('time', '2026-03-01T10:00:00.124Z'),
  );
  // JSON: key order and spacing do not matter, values do
  assert.equal(
    canonicalValue('json', '{"b": 1, "a": {"y": [1, 2], "x": null}}'),
    '{"a":{"x":null,"y":[1,2]},"b":1}',
  );
  assert.equal(canonicalValue('json', { b: 1, a: 2 }), canonicalValue('json', '{"a":2,"b":1}'));
  assert.notEqual(canonicalValue('json', '{"a":[1,2]}'), canonicalValue('json', '{"a":[2,1]}'));
  assert.equal(canonicalValue('json', 'not json'), 'not json');
  // 64-bit integers as DuckDB's text and ClickHouse's number
  assert.equal(canonicalValue('int', '9007199254740993'), '9007199254740993');
  assert.equal(canonicalValue('int', '42'), canonicalValue('int', 42));
  assert.equal(canonicalValue('float', 0.1), canonicalValue('float', '0.1'));
  assert.equal(canonicalValue('float', 'inf'), canonicalValue('float', Infinity));
  assert.equal(canonicalValue('bool', true), canonicalValue('bool', 'true'));
  assert.notEqual(canonicalValue('bool', true), canonicalValue('bool', false));
  // null is not the empty text
  assert.equal(canonicalValue('text', null), null);
  assert.notEqual(canonicalRow(['text'], [null]), canonicalRow(['text'], ['']));
  assert.equal(canonicalJson([{ b: 1, a: 2 }]), '[{"a":2,"b":1}]');
});

test('DuckDB types map to kinds; an unknown one is not guessed', () => {
  assert.equal(kindOfDuckType('TIMESTAMP WITH TIME ZONE'), 'time');
  assert.equal(kindOfDuckType('JSON'), 'json');
  assert.equal(kindOfDuckType('BLOB'), 'bytes');
  assert.equal(kindOfDuckType('BIGINT'), 'int');
  assert.equal(kindOfDuckType('DOUBLE'), 'float');
  assert.equal(kindOfDuckType('BOOLEAN'), 'bool');
  assert.equal(kindOfDuckType('DATE'), 'date');
  assert.equal(canonicalValue('date', '2026-01-02'), canonicalValue('date', '2026-01-02T00:00:00'));
  assert.equal(kindOfDuckType('VARCHAR'), 'text');
  assert.equal(kindOfDuckType('DECIMAL(18,3)'), undefined);
});

test('checksums: a multiset of rows, whatever the order or the slicing; any change shows', () => {
  const rows: unknown[][] = [];
  for (let i = 0; i < 200; i++)
    rows.push([
      `r${i}`,
      `2026-03-01T10:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(3, '0')}Z`,
      `{"i":${i},"k":"v"}`,
      String(i * 1000),
      i / 7,
      i % 2 === 0,
      Buffer.from([i, 255, 0]).toString('base64'),
    ]);
  const whole = new Checksum();
  for (const r of rows) whole.add(KINDS, r);

  // the other engine's spelling, reversed, in three slices merged
  const other = rows
    .map((r) => [
      r[0],
      String(r[1]).replace('T', ' ').replace('Z', ''),
      JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(String(r[2]))).reverse())),
      Number(r[3]),
      r[4],
      r[5],
      r[6],
    ])
    .reverse();
  const merged = new Checksum();
  for (const slice of [other.slice(0, 50), other.slice(50, 120), other.slice(120)]) {
    const part = new Checksum();
    for (const r of slice) part.add(KINDS, r);
    merged.merge(part);
  }
  assert.ok(merged.equals(whole));
  assert.equal(merged.hex, whole.hex);
  assert.match(whole.hex, /^[0-9a-f]{16}$/);

  // a row stored twice, a row missing, one value changed: each differs
  const doubled = new Checksum();
  for (const r of [...rows, rows[7]!]) doubled.add(KINDS, r);
  assert.ok(!doubled.equals(whole));
  const missing = new Checksum();
  for (const r of rows.slice(1)) missing.add(KINDS, r);
  assert.ok(!missing.equals(whole));
  const changed = new Checksum();
  for (const r of rows)
    changed.add(KINDS, r === rows[3] ? [...r.slice(0, 4), 0.5, ...r.slice(5)] : r);
  assert.equal(changed.rows, whole.rows);
  assert.notEqual(changed.hex, whole.hex);
});
