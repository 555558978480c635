// The CRM import's reader on what users hand it: --map over a file's own headers, bad lines reported
// by line and field, re-imports, JSON arrays and NDJSON, sniffed delimiters, and a CSV round trip.

import fc from 'fast-check';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { ColumnMapError, parseColumnMap, type ImportType } from './columns.js';
import { ms } from '../../test-helpers/crm-record-brief.js';
import { resolveCsvMapping } from './mapping.js';
import {
  importCrmFile,
  readCrmImport,
  sniffDelimiter,
  type CrmImportItem,
  type CrmImportOptions,
} from './read.js';
import { type CsvRow } from './row-reader.js';
import { rowRecords } from './rows.js';
import { writeCrmCsv } from './write.js';

test('--map names a file’s own headers; unknown targets, double mappings and missing headers are refused', async () => {
  const csv = 'Email;Stage;Erstellt am;Notizen\nada@example.com;MQL;05.01.2026;"a;b"\n';
  const s = await importCrmFile(csv, {
    type: 'contacts',
    map: 'Erstellt am=created_at, Email=email,Stage=stage',
  });
  assert.deepEqual(s.errors, []);
  assert.deepEqual(s.ignoredColumns, ['Notizen']);
  assert.deepEqual(
    s.changes.map((r) => [r.stage, r.occurredAt]),
    [
      [null, ms('2026-01-05T00:00:00Z')],
      ['MQL', ms('2026-01-05T00:00:00Z')],
    ],
  );
  // a header that is one of our names but another header is mapped onto it: the mapped one wins
  const swapped = await importCrmFile(
    'email,stage,Lifecycle,created_at\na@b.example,old,MQL,2026-01-05\n',
    {
      type: 'contacts',
      map: 'Lifecycle=stage',
    },
  );
  assert.deepEqual(
    swapped.changes.map((r) => r.stage),
    [null, 'MQL'],
  );
  assert.throws(
    () => parseColumnMap('Email=mail'),
    (err: unknown) =>
      err instanceof ColumnMapError &&
      /"mail" is not a column; the columns are record_type, record_id/.test(err.message),
  );
  assert.throws(
    () => parseColumnMap('A=email,B=contact_email'),
    /contact_email is mapped from both "a" and "b"/,
  );
  assert.throws(() => parseColumnMap('Email'), /is not Their=ours/);
  await assert.rejects(
    importCrmFile(csv, { type: 'contacts', map: 'Mail=email' }),
    /--map names "mail", which is not a header/,
  );
  await assert.rejects(
    importCrmFile('email,E-Mail\na@b.c,d@e.f\n', { type: 'contacts' }),
    /"email" and "E-Mail" are both contact_email/,
  );
});

test('bad lines are reported with their line number and field, and the good lines around them still count', async () => {
  const csv = [
    'record_type,record_id,contact_email,created_at,amount,currency,occurred_at', // 1
    'contact,101,ada@example.com,2026-01-05,,,', // 2
    'contact,102,not-an-email,2026-13-01,"two', // 3: a quoted field over two lines
    'lines",,', // 4
    'contact,103,alan@example.net,2026-02-10,,,', // 5
    'deal,,x@y.z,2026-01-01,,,', // 6: no record_id
    'revenue,,ada@example.com,,"12,5",,2026-02-01', // 7: no currency
    'refund,p9,ada@example.com,,"1.000",EUR,2026-02-02', // 8: ambiguous
    'payment,p10,ada@example.com,,10,EUR,2026-02-03,extra', // 9: a field too many
    'meeting,1,,,,,', // 10: unknown type
    '', // 11
    ',,,,,,', // 12: an empty row is skipped
    'contact,104,"bad"quote,2026-01-01,,,', // 13: a broken quote
  ].join('\n');
  const s = await importCrmFile(csv);
  assert.deepEqual(
    s.errors.map((e) => [e.line, e.field, e.reason.replace(/ at line \d+.*$/, '')]),
    [
      [3, 'contact_email', '"not-an-email" is not an e-mail address'],
      [3, 'created_at', '"2026-13-01": no such date or time'],
      [6, 'record_id', 'required for a deal: its id in the CRM'],
      [7, 'amount', '"12,5" has no currency: give a currency column or --currency'],
      [8, 'amount', '"1.000" could be 1000 or 1.000: say which with --decimal'],
      [9, null, '8 fields, but the header has 7'],
      [
        10,
        'record_type',
        '"meeting" is not a record type (contacts, leads, deals, stages, revenue)',
      ],
      [13, null, 'Invalid Closing Quote: got "q"'],
    ],
  );
  assert.equal(s.rows, 2);
  assert.deepEqual(
    s.changes.map((r) => r.objectId),
    ['101', '103'],
  );
  // --currency gives the missing currency; --decimal settles the ambiguous amount
  const fixed = await importCrmFile(csv, { currency: 'eur', decimal: ',' });
  assert.deepEqual(
    fixed.revenue.map((r) => r.amount),
    [
      { minor: 1250, currency: 'eur' },
      { minor: 100000, currency: 'eur' },
    ],
  );
  // a row whose type contradicts --type
  const typed = await importCrmFile(csv, { type: 'contacts' });
  assert.ok(
    typed.errors.some(
      (e) =>
        e.line === 6 && e.field === 'record_type' && /"deal" in a contacts import/.test(e.reason),
    ),
  );
});

test('re-importing the same file gives the same records (and the same keys in another row order)', async () => {
  const csv = [
    'record_type,record_id,contact_email,stage,created_at,stage_changed_at,status,closed_at,amount,currency,occurred_at',
    'lead,,ada@example.com,MQL,2026-01-05,2026-01-12,,,,,',
    'deal,4500,ada@example.com,Proposal,2026-01-25,2026-02-01,won,2026-02-14,12000,EUR,',
    'revenue,,ada@example.com,,,,,,499,EUR,2026-02-15',
  ];
  const once = await importCrmFile(csv.join('\n'));
  const twice = await importCrmFile(Readable.from([Buffer.from(csv.join('\n'))]));
  assert.deepEqual(twice, once);
  const shuffled = await importCrmFile([csv[0], csv[3], csv[1], csv[2]].join('\r\n') + '\r\n');
  const keys = (s: typeof once) =>
    [...s.changes.map((r) => r.key), ...s.revenue.map((r) => r.key)].sort();
  assert.deepEqual(keys(shuffled), keys(once));
  assert.equal(keys(once).length, 2 + 3 + 1);
});

test('JSON arrays and NDJSON read the same columns; progress reports the bytes read', async () => {
  const objects = [
    {
      record_type: 'deal',
      record_id: 4500,
      Email: 'ada@example.com',
      stage: 'Proposal',
      created_at: '2026-01-25',
      amount: 12000.5,
      currency: 'EUR',
    },
    {
      record_type: 'revenue',
      Email: 'ada@example.com',
      amount: 499,
      currency: 'EUR',
      occurred_at: 1771113600,
    },
    { record_type: 'deal', record_id: 4501 },
  ];
  const json = await importCrmFile(JSON.stringify(objects), { map: 'Email=email' });
  const ndjsonText = objects.map((o) => JSON.stringify(o)).join('\n');
  const progress: number[] = [];
  const ndjson = await importCrmFile(
    Readable.from([Buffer.from(ndjsonText.slice(0, 40)), Buffer.from(ndjsonText.slice(40))]),
    { map: 'Email=email', onProgress: (b) => progress.push(b) },
  );
  assert.deepEqual(ndjson.changes, json.changes);
  assert.deepEqual(ndjson.revenue, json.revenue);
  assert.deepEqual(
    json.changes.map((r) => [r.key, r.amount]),
    [
      [
        `csv:deal:4500:stage:proposal:${ms('2026-01-25T00:00:00Z')}`,
        { minor: 1200050, currency: 'eur' },
      ],
    ],
  );
  assert.equal(json.revenue[0]!.occurredAt, ms('2026-02-15T00:00:00Z'));
  assert.deepEqual(json.errors, [
    {
      line: 3,
      field: 'created_at',
      reason: 'required for a deal: created_at, stage_changed_at or closed_at',
    },
  ]);
  assert.deepEqual(progress, [40, Buffer.byteLength(ndjsonText)]);
  // a JSON number's decimal point is a point even in a decimal-comma import
  const comma = await importCrmFile(JSON.stringify([objects[0]]), {
    map: 'Email=email',
    decimal: ',',
  });
  assert.deepEqual(comma.changes[0]!.amount, { minor: 1200050, currency: 'eur' });
});

test('the delimiter is sniffed from the header line', () => {
  assert.equal(sniffDelimiter('a,b,c'), ',');
  assert.equal(sniffDelimiter('a;b;"c,d"'), ';');
  assert.equal(sniffDelimiter('a\tb\tc'), '\t');
  assert.equal(sniffDelimiter('email'), ',');
});

// ---------------------------------------------------------------------------------------------------
// Round trip: rows written as CSV and read back give the records the rows give directly.

const text = fc
  .string({
    unit: fc.constantFrom('a', 'é', ' ', ',', ';', '"', '\n', '\r\n', 'x', "'", '€'),
    minLength: 1,
    maxLength: 12,
  })
  .filter((s) => s.trim() !== '');
const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/);
const day = fc
  .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) })
  .map((t) => new Date(Math.floor(t / 1000) * 1000).toISOString());
const money = fc
  .integer({ min: -1_000_000_00, max: 1_000_000_00 })
  .map((c) => (c / 100).toFixed(2));
const email = fc.tuple(id, id).map(([a, b]) => `${a}@${b}.example`);

const rowArb: fc.Arbitrary<{ type: ImportType; row: CsvRow }> = fc.oneof(
  fc.record({
    type: fc.constant<ImportType>('contacts'),
    row: fc.record(
      {
        record_id: id,
        contact_email: email,
        contact_phone: text,
        created_at: day,
        stage: text,
        stage_changed_at: day,
        utm_campaign: text,
      },
      { requiredKeys: ['contact_email', 'created_at'] },
    ),
  }),
  fc.record({
    type: fc.constant<ImportType>('deals'),
    row: fc.record(
      {
        record_id: id,
        contact_email: email,
        pipeline: text,
        stage: text,
        created_at: day,
        stage_changed_at: day,
        status: fc.constantFrom('open', 'won', 'lost'),
        closed_at: day,
        amount: money,
        currency: fc.constantFrom('EUR', 'usd', 'JPY'),
        lost_reason: text,
      },
      { requiredKeys: ['record_id', 'created_at', 'closed_at'] },
    ),
  }),
  fc.record({
    type: fc.constant<ImportType>('stages'),
    row: fc.record(
      {
        object: fc.constantFrom('deal', 'contact'),
        record_id: id,
        stage: text,
        stage_changed_at: day,
      },
      { requiredKeys: ['object', 'record_id', 'stage', 'stage_changed_at'] },
    ),
  }),
  fc.record({
    type: fc.constant<ImportType>('revenue'),
    row: fc.record(
      {
        record_id: id,
        contact_email: email,
        amount: money,
        currency: fc.constantFrom('EUR', 'GBP'),
        occurred_at: day,
        description: text,
      },
      { requiredKeys: ['contact_email', 'amount', 'currency', 'occurred_at'] },
    ),
  }),
);

test('property: records survive a round trip through CSV writing and parsing', async () => {
  const mapping = resolveCsvMapping();
  const options: CrmImportOptions = { decimal: '.' };
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<ImportType>('contacts', 'deals', 'stages', 'revenue'),
      fc.array(rowArb, { minLength: 1, maxLength: 8 }),
      async (type, generated) => {
        const rows = generated.filter((g) => g.type === type).map((g) => g.row);
        fc.pre(rows.length > 0);
        const direct = rows.map((row) => rowRecords(row, type, mapping, options));
        const csv = writeCrmCsv(rows);
        const items: CrmImportItem[] = [];
        for await (const item of readCrmImport(csv, { ...options, type }))
          if (item.kind !== 'header') items.push(item);
        assert.equal(
          items.length,
          direct.reduce((n, d) => n + (d.ok ? 1 : d.errors.length), 0),
        );
        let i = 0;
        for (const d of direct) {
          if (d.ok) {
            const item = items[i++]!;
            assert.equal(item.kind, 'row');
            if (item.kind === 'row') {
              assert.deepEqual(item.changes, d.changes);
              assert.deepEqual(item.revenue, d.revenue);
            }
          } else {
            for (const e of d.errors) {
              const item = items[i++]!;
              assert.ok(
                item.kind === 'error' && item.field === e.field && item.reason === e.reason,
              );
            }
          }
        }
      },
    ),
    { numRuns: 300 },
  );
});
