// The bulk-load worker on a tiny file, in child processes as the bench runs it: each engine's own reader
// and the store's import, on DuckDB and on ClickHouse embedded (chdb; its store keeps the control plane in
// the DuckDB file beside it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chdbStoreUrl } from './engines.js';
import { loadInChild } from './load.js';

const EVENTS = 3;

function tinyFile(dir: string): string {
  const file = join(dir, 'events.ndjson');
  const lines = Array.from({ length: EVENTS }, (_, i) =>
    JSON.stringify({
      type: 'page',
      messageId: `m${i}`,
      anonymousId: `a${i}`,
      timestamp: '2026-10-01T00:00:00.000Z',
      properties: { url: 'https://acme.example/' },
    }),
  );
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

for (const engine of ['duckdb', 'clickhouse'] as const) {
  test(
    `bulk-load worker on ${engine}: the native reader and the store import load every event`,
    { timeout: 180_000 },
    () => {
      const root = mkdtempSync(join(tmpdir(), 'closedloop-load-test-'));
      try {
        const file = tinyFile(root);
        for (const mode of ['native', 'store'] as const) {
          const dir = join(root, mode);
          const store = engine === 'clickhouse' ? chdbStoreUrl(dir) : undefined;
          const r = loadInChild(mode, [file, dir], undefined, store);
          assert.equal(r.events, EVENTS, `${mode} on ${engine}`);
          assert.ok(r.seconds > 0 && r.peakRssMiB > 0, `${mode} on ${engine}: timed and measured`);
          // the engine asked for did the load: chdb's data directory, or DuckDB's file
          assert.equal(
            existsSync(join(dir, 'clickhouse')),
            engine === 'clickhouse',
            `${mode} data`,
          );
          const duckFile = mode === 'native' ? 'native.duckdb' : 'closedloop.duckdb';
          assert.equal(existsSync(join(dir, duckFile)), engine === 'duckdb' || mode === 'store');
        }
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  );
}
