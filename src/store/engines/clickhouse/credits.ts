// The credits area's reads on ClickHouse: the neutral queries every engine runs.
import type {
  AttributionInputs,
  CreditGroup,
  CreditQuery,
  CreditsStore,
  CreditRow,
  NonConvertingTouches,
} from '../../areas/credits.js';
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
import { deleteRows } from './delete-rows.js';
import { queryNeutral } from './dialect.js';
import { swapPartition } from './partition-swap.js';
import { fn, p, sql } from '../neutral/sql.js';
import type { ChStore } from './events.js';

export async function creditReport(s: ChStore, ws: string, q: CreditQuery): Promise<CreditGroup[]> {
  return (await queryNeutral(s.conn, s.database, creditReportSql(ws, q))).map((r) =>
    toCreditGroup(q, r),
  );
}

export async function creditReports(
  s: ChStore,
  ws: string,
  q: Parameters<CreditsStore['creditReports']>[1],
): Promise<Record<string, CreditGroup[]>> {
  return toCreditReports(q, await queryNeutral(s.conn, s.database, creditReportsSql(ws, q)));
}

export async function attributionFits(
  s: ChStore,
  ws: string,
  milestone: string,
): Promise<{ model: string; channel: string; score: number }[]> {
  return (await queryNeutral(s.conn, s.database, attributionFitsSql(ws, milestone))).map((r) => ({
    model: String(r.model),
    channel: String(r.channel),
    score: Number(r.score),
  }));
}

export async function personCredits(
  s: ChStore,
  ws: string,
  personId: string,
): Promise<(CreditRow & { milestone: string })[]> {
  return (await queryNeutral(s.conn, s.database, personCreditsSql(ws, personId))).map(
    toPersonCredit,
  );
}

export async function creditsOutOfStep(
  s: ChStore,
  ws: string,
  milestone: string,
): Promise<string[]> {
  return (await queryNeutral(s.conn, s.database, creditsOutOfStepSql(ws, milestone))).map((r) =>
    String(r.person_id),
  );
}

export async function attributionInputs(
  s: ChStore,
  ws: string,
  milestone: string,
  personIds?: readonly string[],
  opts: { convertingOnly?: boolean } = {},
): Promise<AttributionInputs> {
  const q = (x: Parameters<typeof queryNeutral>[2]) => queryNeutral(s.conn, s.database, x);
  const conversions = await q(conversionsSql(ws, milestone, personIds));
  const roles = await q(rolesSql(ws, personIds));
  const scope = personIds
    ? {
        personIds,
        anonymousIds: (await q(personAnonymousIdsSql(ws, personIds))).map((r) => String(r.value)),
      }
    : undefined;
  const touches = await q(touchesSql(ws, milestone, scope, opts.convertingOnly ?? false));
  return toAttributionInputs(conversions, roles, touches);
}

export async function nonConvertingTouches(
  s: ChStore,
  ws: string,
  milestone: string,
): Promise<NonConvertingTouches> {
  const channels = (
    await queryNeutral(s.conn, s.database, nonConvertingChannelsSql(ws, milestone))
  ).map((r) => String(r.channel));
  const rows = await queryNeutral<{ p: number; c: number; t: number }>(
    s.conn,
    s.database,
    nonConvertingTouchesSql(ws, milestone, channels),
  );
  return toNonConvertingTouches(
    channels,
    rows.map((r) => r.p),
    rows.map((r) => r.c),
    rows.map((r) => r.t),
  );
}

/**
 * Replaces the credits of `models` for one milestone. A whole workspace: the partition is rebuilt in a
 * stage table (the other models' and milestones' rows copied, the new ones added) and swapped in one
 * step, so a report never sees half a run. Some persons: their rows are deleted, then the new ones
 * inserted (a report may see those persons without credits for that moment).
 */
export async function replaceCredits(
  s: ChStore,
  ws: string,
  scope: { milestone: string; models: readonly string[]; personIds?: readonly string[] },
  rows: readonly CreditRow[],
  fits: readonly { model: string; channel: string; score: number }[] = [],
): Promise<void> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const creditRows = rows.map((r) => ({
    workspace_id: ws,
    model: r.model,
    milestone: scope.milestone,
    person_id: r.personId,
    converted_at: iso(r.convertedAt),
    touch_id: r.touchId,
    touched_at: iso(r.touchedAt),
    channel: r.channel,
    weight: r.weight,
    conversions: r.conversions,
    value: r.value,
  }));
  const keep = sql`workspace_id = ${p.text(ws)} AND NOT (milestone = ${p.text(scope.milestone)} AND ${fn.inList('model', p.texts(scope.models))})`;
  if (scope.personIds !== undefined) {
    await deleteRows(
      s,
      fn.table('attribution_credits'),
      sql`workspace_id = ${p.text(ws)}
        AND milestone = ${p.text(scope.milestone)} AND ${fn.inList('model', p.texts(scope.models))}
        AND ${fn.inList('person_id', p.texts(scope.personIds))}`,
    );
    await s.conn.insert(`${s.database}.attribution_credits`, creditRows);
    return;
  }
  const fitRows = fits.map((f) => ({
    workspace_id: ws,
    model: f.model,
    milestone: scope.milestone,
    channel: f.channel,
    score: f.score,
  }));
  await swapPartition(s, 'attribution_credits', ws, keep, creditRows);
  await swapPartition(s, 'attribution_fits', ws, keep, fitRows);
}
