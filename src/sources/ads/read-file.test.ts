// One platform file, its format sniffed: JSON answers and CSV exports, zipped or not, UTF-16 or not;
// the period stated or given; a file of another account than the one named is refused (importing it
// would replace that account's days); errors say where.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { zipOf } from '../../test-helpers/zip-writer.js';
import { AdImportError, readAdFile } from './read-file.js';

const fixture = (platform: string, name: string) =>
  readFileSync(new URL(`../${platform}-ads/fixtures/${name}`, import.meta.url));

test('formats sniffed: JSON answer, CSV, zip, UTF-16; --from/--to state the period', () => {
  const meta = readAdFile('meta', fixture('meta', 'insights-ad-page2.json'), {
    account: 'act_1234567890',
  });
  assert.deepEqual(
    [meta.format, meta.from, meta.to, meta.rows.length],
    ['api-json', '2024-05-02', '2024-05-02', 1],
  );
  const wider = readAdFile('meta', fixture('meta', 'insights-ad-page2.json'), {
    from: '2024-05-01',
    to: '2024-05-03',
  });
  assert.deepEqual([wider.from, wider.to], ['2024-05-01', '2024-05-03']);
  const csv = fixture('microsoft', 'campaign-performance-report.csv');
  const zipped = readAdFile('microsoft', zipOf('r.csv', csv), { account: '180001' });
  assert.deepEqual([zipped.format, zipped.rows.length], ['csv', 3]);
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv.toString(), 'utf16le')]);
  assert.equal(readAdFile('microsoft', utf16).rows.length, 3);
});

test('a file of another account is refused; errors name where', () => {
  const refuse = (f: () => unknown, where: string, reason: RegExp) =>
    assert.throws(
      f,
      (e: unknown) => e instanceof AdImportError && e.where === where && reason.test(e.reason),
    );
  refuse(
    () => readAdFile('meta', fixture('meta', 'insights-ad-page2.json'), { account: 'act_99' }),
    'account',
    /1234567890, not act_99/,
  );
  refuse(
    () =>
      readAdFile('microsoft', fixture('microsoft', 'campaign-performance-report.csv'), {
        account: '5',
      }),
    'account',
    /180001/,
  );
  refuse(
    () =>
      readAdFile('google', fixture('google', 'search-stream-campaign.json'), {
        account: '111-222-3333',
      }),
    'account',
    /1234567890/,
  );
  assert.equal(
    readAdFile('google', fixture('google', 'search-stream-campaign.json'), {
      account: '123-456-7890',
    }).rows.length,
    2,
  );
  refuse(() => readAdFile('meta', Buffer.from('{"data": [')), 'file', /not JSON/);
  refuse(() => readAdFile('meta', Buffer.from('')), 'file', /empty/);
  refuse(() => readAdFile('microsoft', Buffer.from('[]')), 'file', /CSV/);
  refuse(
    () => readAdFile('linkedin', fixture('linkedin', 'ad-analytics-campaign-daily.json')),
    'currency',
    /currency/,
  );
  refuse(
    () =>
      readAdFile('meta', fixture('meta', 'insights-ad-page2.json'), {
        from: '2024-05-03',
        to: '2024-05-04',
      }),
    'to',
    /2024-05-02, outside 2024-05-03\.\.2024-05-04/,
  );
  const bad = fixture('meta', 'ads-manager-by-day.csv').toString().replace('420.50', '420.5.0');
  refuse(
    () => readAdFile('meta', Buffer.from(bad)),
    'line 2, column Purchases conversion value',
    /not a number/,
  );
});
