// Attribution's reads (conversions, role milestones, touches) and its derived credit table.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listValue } from '@duckdb/node-api';
import type {
  AttributionInputs,
  CreditGroup,
  CreditQuery,
  CreditRow,
  NonConvertingTouches,
} from '../../types.js';
import { sqlString, VARCHAR_LIST, type Db } from './connection.js';
import { spanHolds } from './derive-identity.js';
import { queryNeutral } from './dialect.js';
import {
  attributionFitsSql,
  creditReportSql,
  creditsOutOfStepSql,
  personCreditsSql,
  toCreditGroup,
  toPersonCredit,
} from '../neutral/credits-queries.js';

const ROLE_MILESTONES = ['lead', 'opportunity', 'customer'];

/** Persons limited to a list, or every person when `personIds` is undefined. */
function personFilter(column: string, personIds: readonly string[] | undefined): string {
  return personIds === undefined ? '' : `AND ${column} IN (SELECT unnest($persons::VARCHAR[]))`;
}

export async function attributionInputs(
  db: Db,
  ws: string,
  milestone: string,
  personIds?: readonly string[],
  opts: { convertingOnly?: boolean } = {},
): Promise<AttributionInputs> {
  const base = { ws, ...(personIds ? { persons: listValue([...personIds]) } : {}) };
  const types = personIds ? { persons: VARCHAR_LIST } : undefined;
  const conversions = await db.query(
    `SELECT person_id, epoch_ms(reached_at) AS at, coalesce(value, 0) AS value FROM milestones
     WHERE workspace_id = $ws AND milestone = $m ${personFilter('person_id', personIds)}
     ORDER BY person_id, reached_at`,
    { ...base, m: milestone },
    types,
  );
  const roles = await db.query(
    `SELECT person_id, milestone, epoch_ms(min(reached_at)) AS at FROM milestones
     WHERE workspace_id = $ws AND milestone IN (${ROLE_MILESTONES.map(sqlString).join(', ')}) ${personFilter('person_id', personIds)}
     GROUP BY person_id, milestone`,
    base,
    types,
  );
  // some persons: their anonymous ids first (a few), then only their sessions; a join would probe
  // every session of the workspace
  const ids = personIds
    ? (
        await db.query(
          "SELECT DISTINCT value FROM identities WHERE workspace_id = $ws AND kind = 'anonymous_id' AND person_id IN (SELECT unnest($persons::VARCHAR[]))",
          base,
          types,
        )
      ).map((r) => String(r.value))
    : [];
  const touches = await db.query(
    `WITH i AS (SELECT person_id, value, from_at, until_at FROM identities WHERE workspace_id = $ws AND kind = 'anonymous_id' ${personFilter('person_id', personIds)})
     SELECT i.person_id, s.session_id, s.channel, epoch_ms(s.started_at) AS at
     -- a shared device's session is a touch of the person whose span holds its start
     FROM sessions s JOIN i ON i.value = s.anonymous_id AND ${spanHolds('i', 's.started_at')}
     -- a touch is a visit: sessions made only of server-side events (a CRM identify, an API track) are not
     WHERE s.workspace_id = $ws AND s.page_views > 0 ${personIds ? 'AND s.anonymous_id IN (SELECT unnest($anon::VARCHAR[]))' : ''}
       ${opts.convertingOnly ? `AND i.person_id IN (SELECT person_id FROM milestones WHERE workspace_id = $ws AND milestone = $m)` : ''}
     ORDER BY i.person_id, s.started_at, s.session_id`,
    {
      ...base,
      ...(opts.convertingOnly ? { m: milestone } : {}),
      ...(personIds ? { anon: listValue(ids) } : {}),
    },
    personIds ? { ...types, anon: VARCHAR_LIST } : undefined,
  );
  return {
    conversions: conversions.map((r) => ({
      personId: String(r.person_id),
      at: Number(r.at),
      value: Number(r.value),
    })),
    roles: roles.map((r) => ({
      personId: String(r.person_id),
      milestone: String(r.milestone),
      at: Number(r.at),
    })),
    touches: touches.map((r) => ({
      personId: String(r.person_id),
      touchId: String(r.session_id),
      channel: String(r.channel),
      at: Number(r.at),
    })),
  };
}

export async function nonConvertingTouches(
  db: Db,
  ws: string,
  milestone: string,
): Promise<NonConvertingTouches> {
  const from = `FROM sessions s JOIN identities i
       ON i.workspace_id = s.workspace_id AND i.kind = 'anonymous_id' AND i.value = s.anonymous_id AND ${spanHolds('i', 's.started_at')}
     WHERE s.workspace_id = $ws AND s.page_views > 0
       AND i.person_id NOT IN (SELECT person_id FROM milestones WHERE workspace_id = $ws AND milestone = $m)`;
  const params = { ws, m: milestone };
  const channels = (await db.query(`SELECT DISTINCT s.channel ${from} ORDER BY 1`, params)).map(
    (r) => String(r.channel),
  );
  // numbers only cross into JavaScript: a person ordinal, a channel index and a time per touch
  const cols = await db.queryColumns(
    `SELECT (dense_rank() OVER (ORDER BY i.person_id) - 1)::INTEGER AS p, (list_position($channels::VARCHAR[], s.channel) - 1)::INTEGER AS c,
       epoch_ms(s.started_at)::DOUBLE AS t
     ${from} ORDER BY i.person_id, s.started_at, s.session_id`,
    { ...params, channels: listValue(channels) },
    { channels: VARCHAR_LIST },
  );
  const [p = [], c = [], t = []] = cols;
  const n = p.length;
  const persons = n === 0 ? 0 : Number(p[n - 1]) + 1;
  const offsets = new Int32Array(persons + 1);
  const channel = new Int32Array(n);
  const at = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    channel[k] = Number(c[k]);
    at[k] = Number(t[k]);
    offsets[Number(p[k]) + 1] = k + 1;
  }
  return { channels, channel, at, offsets };
}

/**
 * Replaces the credits of the given models for one milestone: for the listed persons only, or for the
 * whole workspace when `personIds` is undefined. One transaction, so a report never sees half a run.
 */
export async function replaceCredits(
  db: Db,
  ws: string,
  scope: { milestone: string; models: readonly string[]; personIds?: readonly string[] },
  rows: readonly CreditRow[],
  fits: readonly { model: string; channel: string; score: number }[] = [],
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-credits-'));
  try {
    const file = join(dir, 'credits.ndjson');
    const lines: string[] = [];
    for (const r of rows) {
      lines.push(
        JSON.stringify({
          m: r.model,
          p: r.personId,
          c: r.convertedAt,
          t: r.touchId,
          ta: r.touchedAt,
          ch: r.channel,
          w: r.weight,
          n: r.conversions,
          v: r.value,
        }),
      );
    }
    writeFileSync(file, lines.join('\n'));
    const params = {
      ws,
      m: scope.milestone,
      models: listValue([...scope.models]),
      ...(scope.personIds ? { persons: listValue([...scope.personIds]) } : {}),
    };
    const types = { models: VARCHAR_LIST, ...(scope.personIds ? { persons: VARCHAR_LIST } : {}) };
    await db.transaction(async (c) => {
      await c.run(
        `DELETE FROM attribution_credits WHERE workspace_id = $ws AND milestone = $m
         AND list_contains($models::VARCHAR[], model) ${personFilter('person_id', scope.personIds)}`,
        params,
        types,
      );
      if (lines.length > 0) {
        await c.run(
          `INSERT INTO attribution_credits
           SELECT $ws, m, $m, p, make_timestamptz(c * 1000), t, make_timestamptz(ta * 1000), ch, w, n, v
           FROM read_ndjson(${sqlString(file)}, columns = {m: 'VARCHAR', p: 'VARCHAR', c: 'BIGINT', t: 'VARCHAR', ta: 'BIGINT', ch: 'VARCHAR', w: 'DOUBLE', n: 'DOUBLE', v: 'DOUBLE'})`,
          { ws, m: scope.milestone },
        );
      }
      if (scope.personIds === undefined) {
        await c.run(
          'DELETE FROM attribution_fits WHERE workspace_id = $ws AND milestone = $m AND list_contains($models::VARCHAR[], model)',
          { ws, m: scope.milestone, models: listValue([...scope.models]) },
          { models: VARCHAR_LIST },
        );
      }
      for (const f of fits) {
        await c.run('INSERT INTO attribution_fits VALUES ($ws, $model, $m, $ch, $s)', {
          ws,
          model: f.model,
          m: scope.milestone,
          ch: f.channel,
          s: f.score,
        });
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Credits of one model summed by touch dimensions (the neutral query). */
export async function creditReport(db: Db, ws: string, q: CreditQuery): Promise<CreditGroup[]> {
  return (await queryNeutral(db, creditReportSql(ws, q))).map((r) => toCreditGroup(q, r));
}

/** Channel scores (removal effects, Shapley values) of the last full fit. */
export async function attributionFits(
  db: Db,
  ws: string,
  milestone: string,
): Promise<{ model: string; channel: string; score: number }[]> {
  return (await queryNeutral(db, attributionFitsSql(ws, milestone))).map((r) => ({
    model: String(r.model),
    channel: String(r.channel),
    score: Number(r.score),
  }));
}

/** Per-conversion credits of one person (for the journey view and tests). */
export async function personCredits(
  db: Db,
  ws: string,
  personId: string,
): Promise<(CreditRow & { milestone: string })[]> {
  return (await queryNeutral(db, personCreditsSql(ws, personId))).map(toPersonCredit);
}

/** Persons holding any credit for a milestone, or the milestone without credits. */
export async function creditsOutOfStep(db: Db, ws: string, milestone: string): Promise<string[]> {
  return (await queryNeutral(db, creditsOutOfStepSql(ws, milestone))).map((r) =>
    String(r.person_id),
  );
}
