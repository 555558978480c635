import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../test-helpers/tmp.js';
import { Db } from './connection.js';
import { diagnoseFile } from './file-diagnosis.js';

test(
  'diagnoseFile: the same line numbers and reasons whatever the slice size',
  { timeout: 60_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const db = await Db.open(join(dir, 'x.duckdb'));
    try {
      const ok = (i: number) =>
        JSON.stringify({
          type: 'page',
          messageId: `m${i}`,
          anonymousId: 'a',
          timestamp: '2026-01-01T00:00:00Z',
        });
      const lines = [
        ok(1),
        '',
        '{"type": "page", not json',
        ok(2),
        '[1,2]',
        JSON.stringify({ type: 'track', anonymousId: 'x', timestamp: '2026-01-01T00:00:00Z' }),
        '  ',
        ok(3),
      ];
      const f = join(dir, 'e.ndjson');
      writeFileSync(f, `${lines.join('\n')}\n`);
      const expected = {
        valid: 3,
        rejectedCount: 3,
        rejected: [
          { line: 3, field: 'line', reason: 'is not valid JSON' },
          { line: 5, field: 'line', reason: 'must be a JSON object' },
          { line: 6, field: 'event', reason: 'is required for track' },
        ],
      };
      for (const size of [1, 2, 3, 50_000])
        assert.deepEqual(await diagnoseFile(db, f, 1000, size), expected, `slices of ${size}`);
      // the list is capped, the count is not
      const capped = await diagnoseFile(db, f, 2, 2);
      assert.equal(capped.rejectedCount, 3);
      assert.deepEqual(
        capped.rejected.map((r) => r.line),
        [3, 5],
      );
    } finally {
      await db.close();
      cleanup();
    }
  },
);
