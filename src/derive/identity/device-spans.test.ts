// How a shared device's time is split: sessions before, between and after the identifies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deviceSpans, sharedDeviceSpans } from './device-spans.js';
import { resolveIdentities } from './graph.js';
import type { DeviceSpan } from './types.js';

const claim = (personId: string, at: number) => ({ personId, at });
/** The person whose span holds t. */
const owner = (spans: readonly DeviceSpan[], t: number): string | undefined =>
  spans.find((s) => (s.from === null || t >= s.from) && (s.until === null || t < s.until))
    ?.personId;

test('sessions up to the first identify are the first person’s, between two identifies the next one’s, after the last the last one’s', () => {
  // A identifies at 10 (in the session that started at 8), B at 20 (in the session of 18)
  const spans = deviceSpans([claim('B', 20), claim('A', 10)], [18, 3, 8, 14, 25]);
  assert.deepEqual(spans, [
    { personId: 'A', from: null, until: 14 },
    { personId: 'B', from: 14, until: null },
  ]);
  assert.deepEqual(
    [3, 8, 14, 18, 25].map((t) => owner(spans, t)),
    ['A', 'A', 'B', 'B', 'B'],
  );
  // an event late in A's converting session (a thank-you page at 11) stays A's
  assert.equal(owner(spans, 11), 'A');
});

test('interleaved identifies give each person each stretch up to their identify; repeated identifies of one person are one run', () => {
  const spans = deviceSpans(
    [claim('A', 10), claim('A', 11), claim('B', 20), claim('A', 30), claim('A', 31)],
    [5, 12, 25, 40],
  );
  assert.deepEqual(spans, [
    { personId: 'A', from: null, until: 12 },
    { personId: 'B', from: 12, until: 25 },
    { personId: 'A', from: 25, until: null },
  ]);
  assert.deepEqual(
    [5, 12, 25, 40].map((t) => owner(spans, t)),
    ['A', 'B', 'A', 'A'],
  );
});

test('two persons identifying in one session: the session is the first one’s, the second identify and what follows the second one’s', () => {
  const spans = deviceSpans([claim('A', 10), claim('B', 12)], [5, 30]);
  assert.deepEqual(spans, [
    { personId: 'A', from: null, until: 12 },
    { personId: 'B', from: 12, until: null },
  ]);
  assert.deepEqual(
    deviceSpans([claim('A', 10), claim('B', 12)], []),
    spans,
    'without sessions the boundary is the next identify',
  );
  assert.deepEqual(deviceSpans([], [1, 2]), []);
});

test('every occurrence of a link counts, spelled any way; links to other persons claim nothing', () => {
  const r = resolveIdentities({
    identifiers: [],
    links: [
      {
        a: { kind: 'anonymous_id', value: 'pc' },
        b: { kind: 'email', value: 'ann@x.io' },
        at: 10,
        source: 'identify',
      },
      {
        a: { kind: 'anonymous_id', value: 'pc' },
        b: { kind: 'email', value: 'bo@x.io' },
        at: 20,
        source: 'identify',
      },
    ],
  });
  const ann = r.personOf({ kind: 'email', value: 'ann@x.io' })!;
  const bo = r.personOf({ kind: 'email', value: 'bo@x.io' })!;
  const facts = [
    // ann's second identify (the stored edge keeps only her first)
    { aKind: 'anonymous_id', aValue: ' pc', bKind: 'email', bValue: 'ANN@x.io', at: 30 },
    // a link to an identifier that is no person of the device
    { aKind: 'email', aValue: 'cy@x.io', bKind: 'anonymous_id', bValue: 'pc', at: 25 },
  ];
  const rows = sharedDeviceSpans(r.sharedDevices, r.personOf, facts, [
    { anonymousId: 'pc', at: 5 },
    { anonymousId: 'pc', at: 22 },
    { anonymousId: 'other', at: 23 },
  ]);
  assert.deepEqual(rows, [
    { value: 'pc', personId: ann, from: null, until: 20 },
    { value: 'pc', personId: bo, from: 20, until: 22 },
    { value: 'pc', personId: ann, from: 22, until: null },
  ]);
});
