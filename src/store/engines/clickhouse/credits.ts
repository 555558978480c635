// The credits area's reads on ClickHouse: the neutral queries every engine runs.
import type { CreditGroup, CreditQuery, CreditRow } from '../../areas/credits.js';
import {
  attributionFitsSql,
  creditReportSql,
  creditsOutOfStepSql,
  personCreditsSql,
  toCreditGroup,
  toPersonCredit,
} from '../neutral/credits-queries.js';
import { queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';

export async function creditReport(s: ChStore, ws: string, q: CreditQuery): Promise<CreditGroup[]> {
  return (await queryNeutral(s.conn, s.database, creditReportSql(ws, q))).map((r) =>
    toCreditGroup(q, r),
  );
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
