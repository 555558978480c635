// Attribution's reads (conversions, role milestones, touches) and its derived credit table.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listValue } from '@duckdb/node-api';
import type {
  AttributionInputs,
  CreditGroup,
  CreditQuery,
  CreditsStore,
  CreditRow,
  NonConvertingTouches,
} from '../../types.js';
import { sqlString, VARCHAR_LIST, type Db } from './connection.js';
import { duckSql, queryNeutral } from './dialect.js';
import {
  conversionsSql,
  nonConvertingChannelsSql,
  nonConvertingTouchesSql,
  personAnonymousIdsSql,
  rolesSql,
  touchesSql,
} from '../neutral/attribution-queries.js';
import { toAttributionInputs, toNonConvertingTouches } from '../neutral/attribution-rows.js';
import {
  attributionFitsSql,
  creditReportSql,
  creditReportsSql,
  toCreditReports,
  creditsOutOfStepSql,
  personCreditsSql,
  toCreditGroup,
  toPersonCredit,
} from '../neutral/credits-queries.js';

export async function attributionInputs(
  db: Db,
  ws: string,
  milestone: string,
  personIds?: readonly string[],
  opts: { convertingOnly?: boolean } = {},
): Promise<AttributionInputs> {
  const conversions = await queryNeutral(db, conversionsSql(ws, milestone, personIds));
  const roles = await queryNeutral(db, rolesSql(ws, personIds));
  const scope = personIds
    ? {
        personIds,
        anonymousIds: (await queryNeutral(db, personAnonymousIdsSql(ws, personIds))).map((r) =>
          String(r.value),
        ),
      }
    : undefined;
  const touches = await queryNeutral(
    db,
    touchesSql(ws, milestone, scope, opts.convertingOnly ?? false),
  );
  return toAttributionInputs(conversions, roles, touches);
}

export async function nonConvertingTouches(
  db: Db,
  ws: string,
  milestone: string,
): Promise<NonConvertingTouches> {
  const channels = (await queryNeutral(db, nonConvertingChannelsSql(ws, milestone))).map((r) =>
    String(r.channel),
  );
  const { text, params, types } = duckSql(nonConvertingTouchesSql(ws, milestone, channels));
  const [p = [], c = [], t = []] = await db.queryColumns(text, params, types);
  return toNonConvertingTouches(channels, p, c, t);
}

/** Persons limited to a list, or every person when `personIds` is undefined. */
function personFilter(column: string, personIds: readonly string[] | undefined): string {
  return personIds === undefined ? '' : `AND ${column} IN (SELECT unnest($persons::VARCHAR[]))`;
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

export async function creditReports(
  db: Db,
  ws: string,
  q: Parameters<CreditsStore['creditReports']>[1],
): Promise<Record<string, CreditGroup[]>> {
  return toCreditReports(q, await queryNeutral(db, creditReportsSql(ws, q)));
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
