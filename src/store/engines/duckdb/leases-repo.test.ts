// Leases in the DuckDB file belong to the one process holding it: a lease a process left behind (killed
// while it held one) does not outlive it into the next process's start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../open.js';
import { tempDir } from '../../../test-helpers/tmp.js';

test('a lease left in the file by the last process is free when the file opens again; a live one still excludes others', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const first = await openStore(dir, { store: 'duckdb' });
    assert.equal(await first.acquireLease('derive:w', 'killed-process', 60_000), true);
    assert.equal(await first.acquireLease('derive:w', 'other', 60_000), false);
    // closed without a release, as a killed process leaves it (the lease row is committed)
    await first.close();
    const next = await openStore(dir, { store: 'duckdb' });
    try {
      assert.equal(await next.acquireLease('derive:w', 'next-process', 60_000), true);
      assert.equal(await next.acquireLease('derive:w', 'other', 60_000), false);
    } finally {
      await next.close();
    }
  } finally {
    cleanup();
  }
});
