// A Google Ads searchStream answer of any size saved to a file, as a backfill keeps one (batches of
// 10,000 keyword-level result rows, the API's JSON: int64 as strings), for the tests of the streamed
// JSON import: each row's spend and clicks are known, so what an import stores is checked by total.
import { closeSync, openSync, writeSync } from 'node:fs';

export interface GeneratedAnswer {
  rows: number;
  days: number;
  costMicros: number;
  clicks: number;
  bytes: number;
}

const dayAfter = (from: string, n: number) =>
  new Date(Date.parse(`${from}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Writes the answer to `file` a batch at a time (the test's own memory stays small too). */
export function writeSearchStreamAnswer(
  file: string,
  o: { from: string; days: number; perDay: number; batch?: number },
): GeneratedAnswer {
  const fd = openSync(file, 'w');
  const total = { rows: 0, days: o.days, costMicros: 0, clicks: 0, bytes: 0 };
  const batchSize = o.batch ?? 10_000;
  let batch: string[] = [];
  let batches = 0;
  const put = (s: string) => (total.bytes += writeSync(fd, s));
  const flush = () => {
    put(
      `${batches++ === 0 ? '' : ','}\n{"results":[${batch.join(',')}],"fieldMask":"segments.date,metrics.costMicros","requestId":"r${batches}"}`,
    );
    batch = [];
  };
  try {
    put('[');
    for (let d = 0; d < o.days; d++) {
      const date = dayAfter(o.from, d);
      for (let i = 0; i < o.perDay; i++) {
        const costMicros = (1 + ((i * 7919 + d * 104_729) % 150_000)) * 10_000;
        const clicks = (i * 31 + d) % 97;
        total.rows++;
        total.costMicros += costMicros;
        total.clicks += clicks;
        const c = Math.floor(i / 100);
        const g = Math.floor(i / 10);
        batch.push(
          JSON.stringify({
            customer: { resourceName: 'customers/1234567890', currencyCode: 'USD' },
            campaign: {
              resourceName: `customers/1234567890/campaigns/${1000 + c}`,
              id: String(1000 + c),
              name: `Campaign ${c}`,
            },
            adGroup: { id: String(50_000 + g), name: `Ad group ${g}` },
            adGroupCriterion: {
              criterionId: String(900_000 + i),
              keyword: { text: `keyword ${i} ünïcode`, matchType: i % 2 ? 'PHRASE' : 'EXACT' },
            },
            segments: { date },
            metrics: {
              impressions: String(clicks * 40),
              clicks: String(clicks),
              costMicros: String(costMicros),
              conversions: (i % 5) / 2,
              conversionsValue: i % 7,
            },
          }),
        );
        if (batch.length === batchSize) flush();
      }
    }
    if (batch.length > 0) flush();
    put('\n]\n');
  } finally {
    closeSync(fd);
  }
  return total;
}
