// A saved API answer of any size is imported in bounded memory (issue 12, issue 16's "ad costs"): a
// Google Ads searchStream answer of 100,000 keyword rows (some 47 MB) is imported by what `closedloop
// import ads` runs, in a process whose JavaScript heap is capped at 64 MiB, on the engine under test,
// and what the store then holds is checked by total. Read whole (JSON.parse, before the answer
// streamed: commit a4affef), the same import died "JavaScript heap out of memory".
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeSearchStreamAnswer } from '../../test-helpers/google-ads-answer.js';
import { tempDir } from '../../test-helpers/tmp.js';
import { microsText } from './ad-costs.js';

const CHILD = fileURLToPath(new URL('../../test-helpers/ad-import-rss.ts', import.meta.url));
// the import's own heap (modules, a batch of 5,000 rows) is some 40 MiB: 64 leaves the collector room
const HEAP_MIB = 64;

test(
  `a saved answer of 100,000 rows imports exactly with a ${HEAP_MIB} MiB heap`,
  { timeout: 120_000 },
  () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'search-stream.json');
      const answer = writeSearchStreamAnswer(file, { from: '2026-01-01', days: 100, perDay: 1000 });
      // read whole, the text and the objects JSON.parse makes of it (several times its size) are held
      assert.ok(answer.bytes > (HEAP_MIB / 2) * 2 ** 20, `${answer.bytes} bytes`);
      const data = join(dir, 'data');
      mkdirSync(data);
      const r = spawnSync(
        process.execPath,
        [`--max-old-space-size=${HEAP_MIB}`, '--import', 'tsx', CHILD, file, data],
        { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'warn' } },
      );
      assert.equal(r.status, 0, r.stderr.slice(-3000));
      const got = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
      // every row read and stored, to the cent: what the store holds of the period, read back
      assert.deepEqual(got, {
        ...got,
        rows: answer.rows,
        format: 'api-json',
        spend: [{ currency: 'USD', amount: microsText(answer.costMicros) }],
        stored: {
          rows: answer.rows,
          from: '2026-01-01',
          to: '2026-04-10',
          clicks: [answer.clicks],
          cents: [answer.costMicros / 10_000],
        },
      });
    } finally {
      cleanup();
    }
  },
);
