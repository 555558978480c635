import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { journalLine, jsonText, metaMembers } from './journal-line.js';
import { screenJournalLine } from '../store/journal-lines.js';

const members = metaMembers({
  workspaceId: 'ws_1',
  receivedAt: '2026-01-01T00:00:00.000Z',
  origin: 'api',
  batchId: 'api-b"1',
});
const TS = '2026-01-01T00:00:00.123456Z';

test('a journal line is the event with the metadata last, and parses to both', () => {
  const { line, eventJson } = journalLine(
    { type: 'track', event: 'x', properties: { a: [1, '\u2028'] } },
    members,
    TS,
  );
  assert.deepEqual(JSON.parse(line), {
    type: 'track',
    event: 'x',
    properties: { a: [1, '\u2028'] },
    _ws: 'ws_1',
    _recv: '2026-01-01T00:00:00.000Z',
    _origin: 'api',
    _batch: 'api-b"1',
    _ts: TS,
  });
  assert.deepEqual(Object.keys(JSON.parse(line)).slice(-5), [
    '_ws',
    '_recv',
    '_origin',
    '_batch',
    '_ts',
  ]);
  assert.deepEqual(JSON.parse(eventJson), {
    type: 'track',
    event: 'x',
    properties: { a: [1, '\u2028'] },
  });
  assert.deepEqual(JSON.parse(journalLine({}, members, TS).line), {
    _ws: 'ws_1',
    _recv: '2026-01-01T00:00:00.000Z',
    _origin: 'api',
    _batch: 'api-b"1',
    _ts: TS,
  });
});

test('a client cannot set the metadata: its own keys of those names are dropped, no key appears twice', () => {
  const { line, eventJson } = journalLine(
    {
      _ws: 'victim',
      type: 'page',
      _ts: '1999-01-01T00:00:00Z',
      _batch: 1,
      properties: { _ws: 'kept inside' },
    },
    members,
    TS,
  );
  const parsed = JSON.parse(line) as Record<string, unknown>;
  assert.equal(parsed._ws, 'ws_1');
  assert.equal(parsed._ts, TS);
  assert.equal(parsed._batch, 'api-b"1');
  assert.deepEqual(parsed.properties, { _ws: 'kept inside' });
  assert.equal(line.split('"_ws"').length, 3, 'once at the top level, once inside properties');
  assert.equal(eventJson.includes('victim'), false);
});

test("the loader's slow path finds the workspace in a real line's tail, even when the line is not UTF-8", () => {
  const { line } = journalLine(
    { type: 'track', event: 'x' },
    metaMembers({
      workspaceId: 'ws_1',
      receivedAt: '2026-01-01T00:00:00.000Z',
      origin: 'api',
      batchId: 'b',
    }),
    TS,
  );
  const raw = Buffer.from(line.replace('"x"', '"\u0001"'));
  raw[raw.indexOf(1)] = 0xff; // a byte that is not UTF-8
  assert.deepEqual(screenJournalLine({ lineNo: 1, raw, terminated: true }), {
    reason: 'line|is not valid UTF-8',
    workspaceId: 'ws_1',
    receivedAt: '2026-01-01T00:00:00.000Z',
  });
});

test('jsonText is JSON.stringify of a string: escapes, control characters, lone and paired surrogates', () => {
  for (const s of [
    '',
    'ws_01J8ZQ3K5M6N7P8Q9R0S1T2U3V',
    '2026-01-01T00:00:00.123456Z',
    'a"b',
    'a\\b',
    'line\nbreak',
    '\u0000\u001f\u007f',
    '\u2028\u2029',
    '\ud83d\ude00',
    '\ud83d',
    '\ude00x',
    'é中',
  ])
    assert.equal(jsonText(s), JSON.stringify(s), JSON.stringify(s));
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      assert.equal(jsonText(s), JSON.stringify(s));
    }),
    { numRuns: 2000, seed: 5 },
  );
});
