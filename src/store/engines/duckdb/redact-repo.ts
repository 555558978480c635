// The stored-facts redaction: the one sanctioned rewrite of facts. A narrow pre-filter in SQL finds the
// events that may hold a redactable URL (a superset: the redaction function itself decides), they are
// handed to it chunk by chunk, and the changed ones are written back with their projected URL columns
// and an audit row, in one transaction.
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RedactableEvent, RedactionHint, RedactionRun } from '../../types.js';
import { sqlString, type Db, type Row } from './connection.js';
import { isoSql, parseJson } from './rows.js';
import { queryNeutral } from './dialect.js';
import { redactionRunsSql, toRedactionRun } from '../neutral/audit-queries.js';

const CHUNK = 2000;

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

const START = '["?&#;]'; // what a parameter name follows in a JSON text: a string's quote, `?`, `&`, `#`, `;`
const NAME = '[^"?&#;=]*'; // the rest of a name, up to its `=`
const NON_ALNUM = '[^a-zA-Z0-9"?&#;=]';

/**
 * A JSON text (as stored, not lower-cased) may hold a redactable URL when it has an `@` (plain or
 * encoded), a `\u` escape (which could spell any letter of a name), or a parameter whose name holds a
 * `%`, a hint's `anywhere` string, or one of its `words` at word bounds: after a non-alphanumeric or an
 * upper-case first letter after an alphanumeric (camelCase), and before a non-alphanumeric, an upper-case
 * letter or the `=`. Bounds are looser than the redaction's own split (a superset): `utm_term&keyword=`
 * holds `key` but not as a word, and such common names made most events candidates.
 */
export function candidatePattern(hint: RedactionHint): string {
  const list = (xs: readonly string[]) =>
    [...new Set(xs.map((w) => w.toLowerCase()).filter(Boolean))].sort();
  const anywhere = list(hint.anywhere).map(escapeRegex);
  const words = list(hint.words);
  const alts = [
    '@',
    '(?i:%40|%2540)',
    '\\\\u',
    `${START}${NAME}(?:%${anywhere.map((w) => `|(?i:${w})`).join('')})${NAME}=`,
  ];
  if (words.length > 0) {
    const end = `(?:${NON_ALNUM}${NAME}|[A-Z]${NAME})?=`;
    alts.push(`${START}(?:${NAME}${NON_ALNUM})?(?i:${words.map(escapeRegex).join('|')})${end}`);
    const capitalised = words
      .filter((w) => /^[a-z]/.test(w))
      .map((w) => `${w[0]!.toUpperCase()}(?i:${escapeRegex(w.slice(1))})`);
    if (capitalised.length > 0)
      alts.push(`${START}${NAME}[a-zA-Z0-9](?:${capitalised.join('|')})${end}`);
  }
  return alts.join('|');
}

const obj = (v: unknown): Record<string, unknown> | null => {
  const p = parseJson(v);
  return p !== null && typeof p === 'object' && !Array.isArray(p)
    ? (p as Record<string, unknown>)
    : null;
};

export async function redactStoredEvents(
  db: Db,
  ws: string,
  opts: { batchId?: string; hint: RedactionHint; extraNames: readonly string[] },
  redact: (
    e: RedactableEvent,
  ) => { properties: unknown; context: unknown; names: readonly string[] } | undefined,
): Promise<RedactionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-redact-'));
  const file = join(dir, 'changed.ndjson');
  const run: RedactionRun = {
    id: randomUUID(),
    workspaceId: ws,
    ranAt: new Date().toISOString(),
    scope: opts.batchId ? `import:${opts.batchId}` : 'workspace',
    extraNames: [...opts.extraNames],
    redactedNames: [],
    rowsExamined: 0,
    rowsChanged: 0,
  };
  const names = new Set<string>();
  try {
    await db.transaction(async (c) => {
      const params: Record<string, string> = { ws, re: candidatePattern(opts.hint) };
      if (opts.batchId) params.batch = opts.batchId;
      await c.run(
        `CREATE OR REPLACE TEMP TABLE redact_candidates AS
         SELECT message_id, type, anonymous_id, user_id, ${isoSql('ts')} AS ts, properties, context FROM events
         WHERE workspace_id = $ws ${opts.batchId ? 'AND batch_id = $batch' : ''}
           AND (regexp_matches(CAST(context AS VARCHAR), $re) OR regexp_matches(CAST(properties AS VARCHAR), $re))`,
        params,
      );
      const [count, first, last] =
        (
          await c.runAndReadAll('SELECT count(*), min(rowid), max(rowid) FROM redact_candidates')
        ).getRows()[0] ?? [];
      run.rowsExamined = Number(count ?? 0);
      // rows written inside a transaction get row ids from a high base: chunk by range from the first
      const lo = BigInt((first as bigint | null) ?? 0);
      const hi = BigInt((last as bigint | null) ?? -1);
      for (let from = lo; from <= hi; from += BigInt(CHUNK)) {
        const chunk = `SELECT * FROM redact_candidates WHERE rowid >= ${from} AND rowid < ${from + BigInt(CHUNK)}`;
        const rows = (await c.runAndReadAll(chunk)).getRowObjectsJson() as Row[];
        const lines: string[] = [];
        for (const r of rows) {
          const out = redact({
            messageId: String(r.message_id),
            type: String(r.type),
            anonymousId: (r.anonymous_id as string | null) ?? null,
            userId: (r.user_id as string | null) ?? null,
            timestamp: String(r.ts),
            properties: obj(r.properties),
            context: obj(r.context),
          });
          if (!out) continue;
          for (const n of out.names) names.add(n);
          lines.push(
            JSON.stringify({ m: r.message_id, p: out.properties ?? null, c: out.context ?? null }),
          );
        }
        if (lines.length > 0) appendFileSync(file, `${lines.join('\n')}\n`);
        run.rowsChanged += lines.length;
      }
      await c.run('DROP TABLE redact_candidates');
      if (run.rowsChanged > 0) {
        await c.run(
          `UPDATE events SET properties = u.p, context = u.c, page_url = u.c->>'$.page.url', page_referrer = u.c->>'$.page.referrer'
           FROM read_ndjson(${sqlString(file)}, columns = {m: 'VARCHAR', p: 'JSON', c: 'JSON'}, format = 'newline_delimited') u
           WHERE events.workspace_id = $ws AND events.message_id = u.m`,
          { ws },
        );
      }
      run.redactedNames = [...names].sort();
      await c.run(
        `INSERT INTO redaction_log VALUES ($id, $ws, CAST($at AS TIMESTAMPTZ), $scope, $extra, $found, $examined, $changed)`,
        {
          id: run.id,
          ws,
          at: run.ranAt,
          scope: run.scope,
          extra: JSON.stringify(run.extraNames),
          found: JSON.stringify(run.redactedNames),
          examined: run.rowsExamined,
          changed: run.rowsChanged,
        },
      );
    });
    return run;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function redactionRuns(db: Db, ws: string): Promise<RedactionRun[]> {
  return (await queryNeutral(db, redactionRunsSql(ws))).map(toRedactionRun);
}
