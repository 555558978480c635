// A saved API answer streamed (streamAdFile, row by row) gives what the same file read whole
// (readAdFile, JSON.parse) gives: the same rows, period and accounts refused, and the same error where
// a file is refused, whatever the pieces it arrives in (cut inside strings, numbers, UTF-8 characters).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { platformExports } from '../../sim/ad-writers/index.js';
import type { AdCostRow } from '../../sim/types.js';
import { zipOf } from '../../test-helpers/zip-writer.js';
import {
  AdImportError,
  readAdFile,
  streamAdFile,
  type AdFileOptions,
  type AdFilePlatform,
} from './read-file.js';

const fixture = (platform: string, name: string) =>
  readFileSync(new URL(`../${platform}-ads/fixtures/${name}`, import.meta.url));
const json = (platform: string, name: string) =>
  JSON.parse(fixture(platform, name).toString()) as unknown;

type Outcome =
  | { rows: unknown[]; from: string; to: string }
  | { where: string; reason: string }
  | { error: unknown };
const outcomeOf = (e: unknown): Outcome =>
  e instanceof AdImportError
    ? // a parser's own wording of bad JSON differs from JSON.parse's: both say it is not JSON
      { where: e.where, reason: e.reason.startsWith('not JSON') ? 'not JSON' : e.reason }
    : { error: e };

function whole(platform: AdFilePlatform, bytes: Buffer, o: AdFileOptions): Outcome {
  try {
    const f = readAdFile(platform, bytes, o);
    assert.equal(f.format, 'api-json');
    return { rows: f.rows, from: f.from, to: f.to };
  } catch (e) {
    return outcomeOf(e);
  }
}

async function streamed(
  platform: AdFilePlatform,
  bytes: Buffer,
  o: AdFileOptions,
  piece: number,
): Promise<Outcome> {
  const pieces = (async function* () {
    for (let i = 0; i < bytes.length; i += piece) yield bytes.subarray(i, i + piece);
  })();
  try {
    const f = await streamAdFile(platform, pieces, o);
    assert.equal(f.format, 'api-json');
    const rows: unknown[] = [];
    for await (const r of f.rows) rows.push(r);
    return { rows, ...f.period() };
  } catch (e) {
    return outcomeOf(e);
  }
}

/** The file streamed in pieces of 1, 7 and 64 KiB bytes is read as the whole file is. */
async function same(platform: AdFilePlatform, doc: unknown, o: AdFileOptions = {}) {
  const bytes = Buffer.from(typeof doc === 'string' ? doc : JSON.stringify(doc, null, 1));
  const expected = whole(platform, bytes, o);
  for (const piece of [1, 7, 65_536])
    assert.deepEqual(await streamed(platform, bytes, o, piece), expected, `pieces of ${piece}`);
  return expected;
}

const rowsOf = (o: Outcome) => ('rows' in o ? o.rows.length : o);

test('every saved answer the importer takes: the same rows and period streamed', async () => {
  const google = json('google', 'search-stream-campaign.json');
  assert.equal(rowsOf(await same('google', google)), 2);
  assert.equal(rowsOf(await same('google', google, { account: '123-456-7890' })), 2);
  const [p1, p2] = [json('meta', 'insights-ad-page1.json'), json('meta', 'insights-ad-page2.json')];
  assert.equal(rowsOf(await same('meta', p1)), 2);
  assert.equal(rowsOf(await same('meta', [p1, p2], { account: 'act_1234567890' })), 3);
  assert.deepEqual(await same('meta', p2, { from: '2024-05-01', to: '2024-05-03' }), {
    ...(whole('meta', Buffer.from(JSON.stringify(p2)), {}) as object),
    from: '2024-05-01',
    to: '2024-05-03',
  });
  const linkedin = json('linkedin', 'ad-analytics-campaign-daily.json');
  assert.ok((rowsOf(await same('linkedin', linkedin, { currency: 'usd' })) as number) > 0);
  assert.ok(
    (rowsOf(await same('linkedin', [linkedin, linkedin], { currency: 'USD' })) as number) > 0,
  );
  // the simulator's answers: Google batches, Meta pages with cursors, LinkedIn elements
  const sim: AdCostRow[] = [];
  for (let d = 1; d <= 9; d++)
    for (const platform of ['google_ads', 'meta_ads', 'linkedin_ads'] as const)
      sim.push({
        date: `2026-03-0${d}`,
        platform,
        account_currency: 'EUR',
        campaign_id: String(10 + (d % 3)),
        campaign_name: `Cämpaign "${d % 3}" \u{1F680}`,
        ad_group_id: String(20 + d),
        ad_group_name: `Grüppe ${d}`,
        keyword: null,
        match_type: null,
        impressions: 1000 * d,
        clicks: 10 * d,
        cost: 12.34 * d,
      });
  const x = platformExports(sim, { metaPageSize: 4 });
  assert.equal(rowsOf(await same('google', x.api.google.searchStream)), 9);
  assert.equal(rowsOf(await same('meta', x.api.meta.pages)), 9);
  assert.equal(
    rowsOf(await same('linkedin', { elements: x.api.linkedin.elements }, { currency: 'EUR' })),
    9,
  );
  // zipped, UTF-16
  const text = JSON.stringify(x.api.meta.pages);
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  for (const bytes of [zipOf('insights.json', Buffer.from(text)), utf16])
    for (const piece of [3, 65_536])
      assert.deepEqual(await streamed('meta', bytes, {}, piece), whole('meta', bytes, {}));
});

test('a refused answer: the same where and why streamed', async () => {
  const google = json('google', 'search-stream-campaign.json') as { results: object[] }[];
  const p1 = json('meta', 'insights-ad-page1.json') as { data: object[]; paging: object };
  const linkedin = json('linkedin', 'ad-analytics-campaign-daily.json');
  const refused = async (platform: AdFilePlatform, doc: unknown, where: string, o = {}) => {
    const got = await same(platform, doc, o);
    assert.equal('where' in got && got.where, where, JSON.stringify(got));
  };
  const badRow = { ...google[0]!.results[1]!, metrics: { costMicros: '-5' } };
  await refused(
    'google',
    [{ results: [google[0]!.results[0], badRow] }],
    'batch 0, result 1, metrics.costMicros',
  );
  await refused(
    'google',
    [{ results: [] }, { results: [badRow] }],
    'batch 1, result 0, metrics.costMicros',
  );
  await refused('google', { results: google[0]!.results }, 'answer');
  await refused('google', [{ results: null }], 'answer');
  await refused('google', [google[0], 5], 'answer');
  await refused('google', google, 'account', { account: '111-222-3333' });
  await refused(
    'google',
    json('google', 'search-stream-click-view.json'),
    'batch 0, result 0, customer.currencyCode',
  );
  await refused('meta', { ...p1, data: { 0: p1.data[0] } }, '(answer)');
  await refused('meta', [p1, { paging: {} }], '[1]');
  await refused('meta', [p1, { data: [], paging: { next: 5 } }], '[1]');
  await refused('meta', [p1, { data: [{ ...p1.data[0], spend: '1.2.3' }] }], '[1].data[0].spend');
  await refused('meta', p1, 'account', { account: 'act_99' });
  await refused('meta', p1, 'to', { from: '2024-05-03', to: '2024-05-04' });
  await refused('meta', [], 'file');
  await refused('linkedin', linkedin, 'currency');
  await refused('linkedin', [linkedin, { elements: 3 }], '[1]', { currency: 'USD' });
  await refused('linkedin', { elements: [{ pivotValues: [] }] }, 'elements[0].dateRange', {
    currency: 'USD',
  });
  await refused('microsoft', [], 'file');
  // not JSON: cut short, more after it, bad JSON inside a member of no interest
  const text = JSON.stringify([p1]);
  for (const bad of [
    text.slice(0, -2),
    `${text} x`,
    `${text}]`,
    text.replace('"paging":{', '"paging":{,'),
    `[{"summary": [1 2], ${text.slice(2)}`,
  ])
    await refused('meta', bad, 'file');
});

test('a key twice: a member kept is the last one, as JSON.parse keeps it', async () => {
  const p1 = JSON.stringify(json('meta', 'insights-ad-page1.json'));
  const twice = `{"data": 7, "paging": {"next": 5}, ${p1.slice(1)}`;
  assert.equal(rowsOf(await same('meta', twice)), 2);
  // rows of an array already streamed cannot be taken back: a second array of rows is refused
  const rows = `{"data": [], ${p1.slice(1)}`;
  const got = await streamed('meta', Buffer.from(rows), {}, 64);
  assert.deepEqual(got, {
    where: 'file',
    reason: 'an answer has "data" twice (near byte 20): keep one array of its rows',
  });
});
