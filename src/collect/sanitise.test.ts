import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DEPTH, sanitiseEvent, sanitiseString } from './sanitise.js';

test('lone surrogates and NUL become U+FFFD in keys and values at any depth; pairs, emoji and RTL text are kept', () => {
  assert.equal(sanitiseString('a\ud800b\udc00c\u0000d'), 'a\ufffdb\ufffdc\ufffdd');
  assert.equal(sanitiseString('😀 עברית \u202e x'), '😀 עברית \u202e x');
  const e = {
    type: 'track',
    event: 'x\ud800',
    properties: { 'k\u0000': ['ok', { deep: '\udfff' }] },
  };
  const r = sanitiseEvent(e);
  assert.ok(r.ok);
  assert.deepEqual(r.event, {
    type: 'track',
    event: 'x\ufffd',
    properties: { 'k\ufffd': ['ok', { deep: '\ufffd' }] },
  });
  assert.equal(
    JSON.stringify(r.event).includes('\\u'),
    false,
    'nothing left that JSON.stringify must escape as a lone surrogate',
  );
  const clean = { type: 'page', properties: { a: [1, 'b'] } };
  assert.equal(
    (sanitiseEvent(clean) as { event: unknown }).event,
    clean,
    'an event that needs nothing is not copied',
  );
});

test('an own "__proto__" key stays data and never becomes a prototype', () => {
  const e = JSON.parse(
    '{"type":"track","properties":{"__proto__":{"polluted":"\\ud800"}}}',
  ) as Record<string, unknown>;
  const r = sanitiseEvent(e);
  assert.ok(r.ok);
  const props = r.event.properties as Record<string, unknown>;
  assert.deepEqual(Object.keys(props), ['__proto__']);
  assert.equal(Object.getPrototypeOf(props), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('nesting: 32 levels (the event included) pass, 33 are refused naming the path; 100,000 levels do not overflow', () => {
  const nest = (levels: number) => {
    let v: unknown = 'leaf';
    for (let i = 0; i < levels; i++) v = i % 2 ? { a: v } : [v];
    return v;
  };
  assert.equal(sanitiseEvent({ type: 'track', properties: { x: nest(MAX_DEPTH - 2) } }).ok, true);
  const deep = sanitiseEvent(
    { type: 'track', properties: { 'x y': nest(MAX_DEPTH - 1) } },
    'batch[4]',
  );
  assert.equal(deep.ok, false);
  assert.match((deep as { field: string }).field, /^batch\[4\]\.properties\["x y"\](\[0\]|\.a)+$/);
  assert.equal(
    (deep as { field: string }).field.split(/\.|\[/).length - 1,
    MAX_DEPTH + 1,
    'the path ends at the first container past the limit',
  );
  const huge = sanitiseEvent({ type: 'track', properties: { x: nest(100_000) } });
  assert.equal(huge.ok, false);
  assert.match((huge as { reason: string }).reason, /nested too deeply \(at most 32 levels/);
});
