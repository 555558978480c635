import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../test-helpers/tmp.js';
import { Db } from './connection.js';
import { diagnoseFile, lineSlices } from './file-diagnosis.js';

async function slices(path: string, maxLines: number, maxChars?: number) {
  const out: { first: number; lines: string[] }[] = [];
  for await (const s of lineSlices(path, maxLines, maxChars))
    out.push({ first: s.first, lines: [...s.lines] });
  return out;
}

test('lineSlices: split at \\n only, numbered from 1, a last line without \\n kept, multi-byte characters intact', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const f = join(dir, 'a.ndjson');
    // a line far longer than a read chunk (1 MiB), with a 4-byte character straddling chunk borders
    const long = `{"x":"${'é𝄞'.repeat(400_000)}"}`;
    writeFileSync(f, ['a', '', 'b\r', long, 'c\rd', 'last'].join('\n'));
    const got = await slices(f, 2);
    assert.deepEqual(
      got.map((s) => s.first),
      [1, 3, 5],
    );
    assert.deepEqual(
      got.flatMap((s) => s.lines),
      ['a', '', 'b\r', long, 'c\rd', 'last'],
    );
    writeFileSync(f, 'a\nb\n');
    assert.deepEqual(await slices(f, 10), [{ first: 1, lines: ['a', 'b'] }]);
    // the character budget ends a slice too
    assert.deepEqual(
      (await slices(f, 10, 1)).map((s) => s.lines),
      [['a'], ['b']],
    );
  } finally {
    cleanup();
  }
});

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
