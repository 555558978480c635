import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  deadLetterId,
  previewLine,
  screenJournalLine,
  splitJournalLines,
  type JournalLine,
} from './journal-lines.js';

const line = (text: string | Buffer, terminated = true): JournalLine => ({
  lineNo: 1,
  raw: Buffer.isBuffer(text) ? text : Buffer.from(text),
  terminated,
});
const META = '"_ws":"w1","_recv":"2024-05-01T00:00:00.000Z","_origin":"api","_batch":"b"';

test('journal lines: split keeps physical line numbers, skips blank lines, marks an unterminated tail', () => {
  const lines = splitJournalLines(Buffer.from('{"a":1}\n\n  \r\n{"b":2}\n{"c":'));
  assert.deepEqual(
    lines.map((l) => [l.lineNo, l.raw.toString(), l.terminated]),
    [
      [1, '{"a":1}', true],
      [4, '{"b":2}', true],
      [5, '{"c":', false],
    ],
  );
  assert.deepEqual(
    splitJournalLines(Buffer.from('{"a":1}\n')).map((l) => l.terminated),
    [true],
  );
  assert.deepEqual(splitJournalLines(Buffer.alloc(0)), []);
});

test('journal lines: the screen names what no engine can load, and reads the workspace only where it is safe', () => {
  assert.deepEqual(screenJournalLine(line(`{"type":"track",${META}}`)), {
    workspaceId: 'w1',
    receivedAt: '2024-05-01T00:00:00.000Z',
  });
  assert.equal(
    screenJournalLine(
      line('{"type":"track","properties":{"list":["ok","\\ud83d\\ude00","\\udfff"]},"_ws":"w"}'),
    ).reason,
    'properties.list[2]|has an unpaired UTF-16 surrogate (a \\ud800-\\udfff escape without its pair)',
  );
  assert.match(
    screenJournalLine(line('{"type":"track","_ws":"w"')).reason!,
    /^line\|is not valid JSON/,
  );
  assert.equal(screenJournalLine(line('[1]')).reason, 'line|must be a JSON object');
  assert.equal(screenJournalLine(line('"text"')).reason, 'line|must be a JSON object');
  assert.equal(
    screenJournalLine(line('{"type":"track"}')).reason,
    '_ws|is missing: the line names no workspace',
  );

  // not UTF-8: the workspace comes from the metadata the journal appends last, anchored at the end
  const bad = Buffer.concat([
    Buffer.from('{"event":"'),
    Buffer.from([0xc3]),
    Buffer.from(`",${META}}`),
  ]);
  assert.deepEqual(screenJournalLine(line(bad)), {
    reason: 'line|is not valid UTF-8',
    workspaceId: 'w1',
    receivedAt: '2024-05-01T00:00:00.000Z',
  });
  // ... so a value inside the event cannot claim another workspace
  const forged = Buffer.concat([
    Buffer.from('{"event":"'),
    Buffer.from([0xff]),
    Buffer.from(`","properties":{${META.replace('w1', 'victim')}},"x":1}`),
  ]);
  assert.equal(screenJournalLine(line(forged)).workspaceId, null);

  // a last line without its newline was cut short: said so, whatever else is wrong with it
  assert.match(
    screenJournalLine(line('{"type":"tr', false)).reason!,
    /^line\|torn write .*; is not valid JSON/,
  );
  assert.equal(
    screenJournalLine(line(`{"type":"track",${META}}`, false)).reason,
    undefined,
    'a complete last line loads',
  );
});

test('journal lines: a deeply nested value is screened without recursion', () => {
  const deep = `{"properties":${'['.repeat(200_000)}"\\ud800"${']'.repeat(200_000)},"_ws":"w"}`;
  assert.match(screenJournalLine(line(deep)).reason!, /^properties(\[0\])+\|has an unpaired/);
});

test('journal lines: dead-letter ids follow source, line and bytes', () => {
  const raw = Buffer.from('{"x":1}');
  assert.equal(
    deadLetterId('events-000000000001.ndjson', 3, raw),
    deadLetterId('events-000000000001.ndjson', 3, Buffer.from('{"x":1}')),
  );
  assert.notEqual(
    deadLetterId('events-000000000001.ndjson', 3, raw),
    deadLetterId('events-000000000001.ndjson', 4, raw),
  );
  assert.notEqual(
    deadLetterId('events-000000000001.ndjson', 3, raw),
    deadLetterId('events-000000000001.ndjson', 3, Buffer.from('{"x":2}')),
  );
  assert.match(deadLetterId('s', 1, raw), /^dl_[0-9a-f]{24}$/);
});

test('journal lines: a preview is readable and truncated', () => {
  assert.equal(previewLine(Buffer.from('{"a":"b\\u0000"}')), '{"a":"b\\u0000"}');
  assert.equal(
    previewLine(Buffer.concat([Buffer.from('ab'), Buffer.from([0xff, 0x01])])),
    'ab\ufffd\\u0001',
  );
  const long = previewLine(Buffer.from(`{"password":"${'x'.repeat(500)}"}`));
  assert.equal([...long].length, 121);
  assert.ok(long.endsWith('…'));
});
