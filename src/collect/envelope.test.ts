import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BatchBody, isSingleEventBody, prepareBatch, SingleEventBody } from './envelope.js';

test('isSingleEventBody gives the zod schema verdict on every value JSON.parse can make', () => {
  const fixed = [
    '{}',
    '[]',
    'null',
    '1',
    '"x"',
    'true',
    '{"constructor":"x"}',
    '{"constructor":{}}',
  ];
  for (const text of fixed) {
    const v: unknown = JSON.parse(text);
    assert.equal(isSingleEventBody(v), SingleEventBody.safeParse(v).success, text);
  }
  fc.assert(
    fc.property(fc.json(), (text) => {
      const v: unknown = JSON.parse(text);
      assert.equal(isSingleEventBody(v), SingleEventBody.safeParse(v).success);
    }),
  );
});

test('prepareBatch merges batch-level context and integrations under each item (the item wins)', () => {
  const body = BatchBody.parse({
    batch: [
      { type: 'track', event: 'A', anonymousId: 'a', context: { locale: 'de', app: { v: 2 } } },
      { type: 'track', event: 'B', anonymousId: 'b' },
    ],
    context: { app: { v: 1 }, library: { name: 'x' } },
    integrations: { All: true },
  });
  const { events } = prepareBatch(body);
  assert.deepEqual(events[0]!.event.context, {
    app: { v: 2 },
    library: { name: 'x' },
    locale: 'de',
  });
  assert.deepEqual(Object.keys(events[0]!.event.context as object), ['app', 'library', 'locale']);
  assert.deepEqual(events[1]!.event.context, { app: { v: 1 }, library: { name: 'x' } });
  assert.deepEqual(events[1]!.event.integrations, { All: true });
});
