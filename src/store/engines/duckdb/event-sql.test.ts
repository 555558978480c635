import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { listValue } from '@duckdb/node-api';
import { checkEvent } from '../../../rules/event-rules.js';
import { eventTime, ORIGINAL_TIMESTAMP_KEY } from '../../../rules/event-time.js';
import { parseIsoMicros } from '../../../rules/iso-time.js';
import { Db, sqlString } from './connection.js';
import { jsonTransformSpec, normalisedColumns, parsedSource } from './event-sql.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Date-time texts near and on both sides of the grammar's edges (valid ones most of the time). */
const timeText = fc
  .record({
    year: fc.oneof(
      { arbitrary: fc.integer({ min: 1995, max: 2030 }), weight: 6 },
      { arbitrary: fc.integer({ min: 0, max: 9999 }), weight: 2 },
    ),
    month: fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 12 }), weight: 9 },
      { arbitrary: fc.constantFrom(0, 13), weight: 1 },
    ),
    day: fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 28 }), weight: 6 },
      { arbitrary: fc.integer({ min: 0, max: 32 }), weight: 3 },
    ),
    hh: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 23 }), weight: 9 },
      { arbitrary: fc.constant(24), weight: 1 },
    ),
    mm: fc.integer({ min: 0, max: 59 }),
    ss: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 59 }), weight: 9 },
      { arbitrary: fc.constant(60), weight: 1 },
    ),
    sep: fc.constantFrom('T', 'T', 'T', ' ', 't'),
    frac: fc.oneof(fc.constant(''), fc.stringMatching(/^\.[0-9]{1,10}$/), fc.constant('.')),
    zone: fc.oneof(
      fc.constantFrom('', 'Z', 'Z', 'z', '+00:00', '-00:00'),
      fc
        .tuple(
          fc.constantFrom('+', '-'),
          fc.integer({ min: 0, max: 25 }),
          fc.integer({ min: 0, max: 61 }),
          fc.constantFrom('', ':', 'none'),
        )
        .map(
          ([sign, h, m, sepm]) => `${sign}${pad(h)}${sepm === 'none' ? '' : `${sepm}${pad(m)}`}`,
        ),
    ),
  })
  .map(
    (t) =>
      `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}${t.sep}${pad(t.hh)}:${pad(t.mm)}:${pad(t.ss)}${t.frac}${t.zone}`,
  );

const timeValue = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 4 },
  { arbitrary: timeText, weight: 8 },
  {
    arbitrary: fc.constantFrom(
      '2024-01-01',
      '2024-01-01+05',
      '2024-01-01T10:00Z',
      'yesterday',
      '',
      null,
      1700000000,
      '2026-12-06T10:00:00Z',
    ),
    weight: 1,
  },
);

test(
  'property: the SQL time rule reads every text to the same instant and verdict as the JavaScript one',
  { timeout: 120_000 },
  async () => {
    const db = await Db.open(':memory:');
    try {
      const now = Number(parseIsoMicros('2026-12-06T10:00:00Z')!);
      const event = fc.record({
        timestamp: timeValue,
        originalTimestamp: fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 3 },
          { arbitrary: timeValue, weight: 1 },
        ),
        sentAt: timeValue,
        receivedAt: fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 2 },
          { arbitrary: timeValue, weight: 1 },
        ),
        context: fc.constantFrom(undefined, { ip: '1.2.3.0' }, { originalTimestamp: 'client-set' }),
        correct: fc.boolean(),
      });
      // the edges, to the microsecond: 2000-01-01, receive time + 1 day, and a correction landing on either
      const edges = [
        { timestamp: '1999-12-31T23:59:59.999999Z', correct: false },
        { timestamp: '2000-01-01T00:00:00Z', correct: false },
        { timestamp: '2026-12-07T10:00:00Z', correct: true },
        { timestamp: '2026-12-07T11:00:00.000001+01:00', correct: true },
        { timestamp: '1999-01-01T00:00:00Z', sentAt: '2025-12-06T10:00:00Z', correct: true },
        { timestamp: '1999-01-01T00:00:00Z', sentAt: '2025-12-06T10:00:00.000001Z', correct: true },
        { timestamp: '2026-12-08T10:00:00Z', sentAt: '2026-12-07T10:00:00Z', correct: true },
        { timestamp: '2026-12-08T10:00:00.000001Z', sentAt: '2026-12-07T10:00:00Z', correct: true },
        { timestamp: '2026-12-07T10:00:00Z', receivedAt: '2026-12-07T10:00:00Z', correct: false },
        {
          timestamp: '2026-12-07T10:00:00Z',
          receivedAt: '2026-12-07T10:00:00.000001Z',
          correct: false,
        },
        {
          timestamp: '2026-01-01T00:00:00Z',
          receivedAt: '1999-12-31T23:59:59.999999Z',
          correct: false,
        },
      ];
      const samples = [...edges, ...fc.sample(event, { numRuns: 3000, seed: 20261206 })];
      const events = samples.map(
        ({ correct: _c, ...e }) =>
          JSON.parse(JSON.stringify({ type: 'page', anonymousId: 'a', ...e })) as Record<
            string,
            unknown
          >,
      );
      const meta = {
        ws: "'w'",
        received: 'CAST(_recv AS TIMESTAMPTZ)',
        correct: '_corr',
        origin: "'api'",
        batch: "'b'",
      };
      const rows = await db.write(async (conn) =>
        (
          await conn.runAndReadAll(
            `SELECT line_no, err, epoch_us(ts)::VARCHAR AS ts, epoch_us(received_at)::VARCHAR AS recv, context::VARCHAR AS context FROM (
             SELECT ${normalisedColumns(meta)}, line_no FROM ${parsedSource(`(
               SELECT line_no, _recv, _corr, unnest(json_transform(line, ${sqlString(jsonTransformSpec())}))
               FROM (SELECT generate_subscripts($lines::VARCHAR[], 1) AS line_no, unnest($lines::VARCHAR[]) AS line,
                 unnest($corr::BOOLEAN[]) AS _corr, '2026-12-06T10:00:00Z' AS _recv))`)})
           ORDER BY line_no`,
            {
              lines: listValue(events.map((e) => JSON.stringify(e))),
              corr: listValue(samples.map((s) => s.correct)),
            },
          )
        ).getRowObjectsJson(),
      );
      assert.equal(rows.length, events.length);
      const mismatches: string[] = [];
      let accepted = 0;
      let replaced = 0;
      events.forEach((e, i) => {
        const row = rows[i]!;
        const bad = checkEvent(e);
        const time = bad ? undefined : eventTime(e, now, samples[i]!.correct);
        const jsErr = bad
          ? `${bad.field}|${bad.reason}`
          : time && !time.ok
            ? `${time.field}|${time.reason}`
            : null;
        let expected = jsErr === null ? 'ok' : jsErr;
        let got = row.err === null ? 'ok' : String(row.err);
        if (time?.ok) {
          accepted++;
          if (time.replaced) replaced++;
          const context = time.replaced
            ? {
                ...((e.context as object | undefined) ?? {}),
                [ORIGINAL_TIMESTAMP_KEY]: time.replaced.original,
              }
            : (e.context ?? null);
          expected += ` ts=${parseIsoMicros(time.ts)} recv=${parseIsoMicros(time.receivedAt)} ctx=${JSON.stringify(context)}`;
          got += ` ts=${String(row.ts)} recv=${String(row.recv)} ctx=${JSON.stringify(row.context === null ? null : JSON.parse(String(row.context)))}`;
          // key order may differ between the two JSON writers: compare as values
          if (row.context !== null) assert.deepEqual(JSON.parse(String(row.context)), context);
          got = got.replace(/ ctx=.*$/, ` ctx=${JSON.stringify(context)}`);
        }
        if (expected !== got)
          mismatches.push(
            `${JSON.stringify(e)} correct=${samples[i]!.correct}\n  js:  ${expected}\n  sql: ${got}`,
          );
      });
      assert.deepEqual(mismatches.slice(0, 5), []);
      assert.ok(
        accepted > 500 && accepted < events.length - 300,
        `both verdicts occur (${accepted} accepted)`,
      );
      assert.ok(replaced > 10, `future times are replaced in the sample (${replaced})`);
    } finally {
      await db.close();
    }
  },
);
