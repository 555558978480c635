import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { newBatchId } from './batch-id.js';

test('batch ids name their origin and never repeat, in one process or across processes', () => {
  const ids = Array.from({ length: 10_000 }, () => newBatchId('api'));
  assert.equal(new Set(ids).size, ids.length);
  assert.match(ids[0]!, /^api-[0-9a-f]{16}-[0-9a-z]+$/);
  assert.match(newBatchId('collect'), /^collect-/);
  // another process draws another prefix
  const other = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      "import('./src/collect/batch-id.ts').then((m) => console.log(m.newBatchId('api')))",
    ],
    { encoding: 'utf8' },
  ).stdout.trim();
  assert.match(other, /^api-[0-9a-f]{16}-0$/);
  assert.notEqual(other.split('-')[1], ids[0]!.split('-')[1]);
});
