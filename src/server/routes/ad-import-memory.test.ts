// The file import's memory does not grow with the file (issue 16's bench: before, a 44 MiB Google Ads
// export peaked at 4.5 GiB, as the whole file and all its rows were held). A Google keyword report of
// 15,000 and one of 60,000 rows are each imported in a process of its own (src/test-helpers/
// ad-import-rss.ts, what `closedloop import ads` runs, on the engine under test) and their peak RSS
// compared. Measured on DuckDB before the import streamed (commit 9f27462): 229 MiB for 5,000 rows,
// 818 MiB for 60,000 (some 10 KiB a row); streamed: 218 and 314 MiB, the rest of the growth being the
// engine's own cache of the table, which its memory limit bounds.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { googleKeywordCsv } from '../../test-helpers/google-ads-csv.js';
import { testEngine } from '../../test-helpers/store.js';
import { tempDir } from '../../test-helpers/tmp.js';

const CHILD = fileURLToPath(new URL('../../test-helpers/ad-import-rss.ts', import.meta.url));

function importAlone(
  dir: string,
  name: string,
  days: number,
): { rows: number; peakRssMiB: number } {
  const file = join(dir, `${name}.csv`);
  writeFileSync(file, googleKeywordCsv({ from: '2026-01-01', days, perDay: 1000 }).text);
  const data = join(dir, name);
  mkdirSync(data);
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, file, data], {
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { rows: number; peakRssMiB: number };
}

test('a file 4 times as long is imported in about the same memory', { timeout: 120_000 }, () => {
  const { dir, cleanup } = tempDir();
  try {
    const small = importAlone(dir, 'small', 15);
    const large = importAlone(dir, 'large', 60);
    assert.deepEqual([small.rows, large.rows], [15_000, 60_000]);
    // held whole, the 45,000 more rows would take some 440 MiB more (10 KiB a row)
    assert.ok(
      large.peakRssMiB - small.peakRssMiB < 150,
      `peak RSS ${small.peakRssMiB.toFixed(0)} MiB for 15,000 rows, ${large.peakRssMiB.toFixed(0)} MiB for 60,000`,
    );
    // a ceiling too: DuckDB's import peaks near 350 MiB; the embedded ClickHouse (chdb) alone takes some
    // 500 MiB in the process before a row is read (measured: 503-516 MiB for 15,000 rows)
    const ceiling = testEngine() === 'clickhouse' ? 750 : 600;
    assert.ok(large.peakRssMiB < ceiling, `peak RSS ${large.peakRssMiB.toFixed(0)} MiB`);
  } finally {
    cleanup();
  }
});
