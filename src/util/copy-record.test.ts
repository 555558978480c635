import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignRecord, copyRecord } from './copy-record.js';

test('copyRecord copies own enumerable keys in order, skipping the names given', () => {
  const from = JSON.parse('{"b":1,"a":{"x":2},"sentAt":"s","2":"two"}') as Record<string, unknown>;
  const out = copyRecord(from, new Set(['sentAt']));
  assert.deepEqual(Object.keys(out), ['2', 'b', 'a']);
  assert.equal(out.a, from.a); // shallow
  assert.notEqual(out, from);
  assert.equal(JSON.stringify(copyRecord(from)), JSON.stringify({ ...from }));
});

test('a "__proto__" key stays a key and never sets the prototype', () => {
  const from = Object.defineProperty({}, '__proto__', {
    value: { polluted: true },
    enumerable: true,
  }) as Record<string, unknown>;
  const out = copyRecord(from);
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.keys(out), ['__proto__']);
  assert.equal((out as { polluted?: boolean }).polluted, undefined);
});

test('assignRecord merges like a spread: the later value wins, the first position stays', () => {
  const to = { a: 1, b: 2 } as Record<string, unknown>;
  assignRecord(to, { b: 3, c: 4 });
  assert.deepEqual(Object.entries(to), Object.entries({ ...{ a: 1, b: 2 }, ...{ b: 3, c: 4 } }));
});
