import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePathSummary, PathSummaryFileError } from './path-summary-file.js';

describe('path-summary files', () => {
  it('reads the ChannelAttribution layout (; columns, " > " channels)', () => {
    const rows = parsePathSummary(
      'path;total_conversions;total_conversion_value;total_null\neta > iota > alpha;2;4.5;3\nbeta;0;0;7\n',
    );
    assert.deepEqual(rows, [
      { path: ['eta', 'iota', 'alpha'], conversions: 2, value: 4.5, nulls: 3 },
      { path: ['beta'], conversions: 0, value: 0, nulls: 7 },
    ]);
  });

  it('reads the Fractribution layout, with empty revenue cells as 0', () => {
    const rows = parsePathSummary(
      'transformed_path,conversions,non_conversions,revenue\r\nReferral > Direct,0,1,\r\nVideo,1,2,200\r\n',
    );
    assert.deepEqual(rows, [
      { path: ['Referral', 'Direct'], conversions: 0, value: 0, nulls: 1 },
      { path: ['Video'], conversions: 1, value: 200, nulls: 2 },
    ]);
  });

  it('takes tabs, quoted fields, named columns, another channel separator, and an empty path', () => {
    const tsv = 'journey\tconv\trev\nA|B\t1\t2\n\t3\t0\n';
    assert.deepEqual(
      parsePathSummary(tsv, {
        channelSeparator: '|',
        columns: { path: 'journey', conversions: 'conv', value: 'rev' },
      }),
      [
        { path: ['A', 'B'], conversions: 1, value: 2, nulls: 0 },
        { path: [], conversions: 3, value: 0, nulls: 0 },
      ],
    );
    const quoted = 'path,conversions\n"Paid, brand > ""Email""",1\n';
    assert.deepEqual(parsePathSummary(quoted, { delimiter: ',' })[0]!.path, [
      'Paid, brand',
      '"Email"',
    ]);
  });

  it('names the line, the column and the reason when the file is bad', () => {
    const bad = (text: string, pattern: RegExp, options = {}): void => {
      assert.throws(
        () => parsePathSummary(text, options),
        (err: unknown) => err instanceof PathSummaryFileError && pattern.test(err.message),
      );
    };
    bad('', /empty/);
    bad('channels,count\nA,1\n', /no path column/);
    bad('path,conversions\nA,1\nB,x\n', /line 3, column conversions: "x" is not a number/);
    bad('path,conversions\nA,-1\n', /line 2, column conversions: -1 is negative/);
    bad('path,conversions\nA,1,2\n', /line 2: expected 2 fields, found 3/);
    bad('path,conversions\nA > > B,1\n', /line 2, column path: empty channel name at step 2/);
    bad('path,conversions\n"A,1\n', /line 2, field 1: unclosed quote/);
    bad(
      'path,conversions,revenue\nA,0,5\n',
      /line 2, column revenue: value 5 on a path with no conversions/,
    );
    bad('path,conversions\nA,1\n', /column "journey"/, { columns: { path: 'journey' } });
  });
});
