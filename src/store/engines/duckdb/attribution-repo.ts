// Attribution's reads (conversions, role milestones, touches) and its derived credit table.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listValue } from '@duckdb/node-api';
import type {
  AttributionInputs,
  CreditDimension,
  CreditGroup,
  CreditQuery,
  CreditRow,
  NonConvertingTouches,
} from '../../types.js';
import { sqlString, VARCHAR_LIST, type Db } from './connection.js';
import { spanHolds } from './derive-identity.js';

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

const DIMENSION_SQL: Record<CreditDimension, string> = {
  channel: 'c.channel',
  source: 's.source',
  medium: 's.medium',
  campaign: 's.campaign',
  term: 's.term',
  content: 's.content',
  landing_page: "regexp_replace(s.landing_url, '[?#].*$', '')",
  platform: 's.platform',
  country: 's.country',
};

/** Credits of one model summed by touch dimensions; "(no touchpoint)" rows keep that label in every dimension. */
export async function creditReport(db: Db, ws: string, q: CreditQuery): Promise<CreditGroup[]> {
  const dims = q.groupBy.map(
    (d, i) => `CASE WHEN c.touch_id IS NULL THEN c.channel ELSE ${DIMENSION_SQL[d]} END AS d${i}`,
  );
  const groupCols = q.groupBy.map((_, i) => `d${i}`);
  const rows = await db.query(
    `SELECT ${[...dims, 'sum(c.conversions) AS conversions', 'sum(c.value) AS value', 'count(DISTINCT (c.person_id, c.converted_at)) AS touched'].join(', ')}
     FROM attribution_credits c
     LEFT JOIN sessions s ON s.workspace_id = c.workspace_id AND s.session_id = c.touch_id
     WHERE c.workspace_id = $ws AND c.model = $model AND c.milestone = $m
       ${q.from !== undefined ? 'AND c.converted_at >= to_timestamp($from / 1000)' : ''}
       ${q.to !== undefined ? 'AND c.converted_at < to_timestamp($to / 1000)' : ''}
     ${groupCols.length > 0 ? `GROUP BY ${groupCols.join(', ')}` : ''}
     ORDER BY conversions DESC${groupCols.length > 0 ? ', ' + groupCols.join(', ') : ''}`,
    {
      ws,
      model: q.model,
      m: q.milestone,
      ...(q.from !== undefined ? { from: q.from } : {}),
      ...(q.to !== undefined ? { to: q.to } : {}),
    },
  );
  return rows.map((r) => ({
    key: Object.fromEntries(
      q.groupBy.map((d, i) => [
        d,
        r[`d${i}`] === null || r[`d${i}`] === undefined ? null : String(r[`d${i}`]),
      ]),
    ),
    conversions: Number(r.conversions ?? 0),
    value: Number(r.value ?? 0),
    touchedConversions: Number(r.touched ?? 0),
  }));
}

/** Channel scores (removal effects, Shapley values) of the last full fit. */
export async function attributionFits(
  db: Db,
  ws: string,
  milestone: string,
): Promise<{ model: string; channel: string; score: number }[]> {
  const rows = await db.query(
    'SELECT model, channel, score FROM attribution_fits WHERE workspace_id = $ws AND milestone = $m ORDER BY model, score DESC, channel',
    { ws, m: milestone },
  );
  return rows.map((r) => ({
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
  const rows = await db.query(
    `SELECT model, milestone, person_id, epoch_ms(converted_at) AS conv, touch_id, epoch_ms(touched_at) AS touched, channel, weight, conversions, value
     FROM attribution_credits WHERE workspace_id = $ws AND person_id = $p ORDER BY milestone, model, converted_at, touched_at NULLS FIRST, touch_id`,
    { ws, p: personId },
  );
  return rows.map((r) => ({
    model: String(r.model),
    milestone: String(r.milestone),
    personId: String(r.person_id),
    convertedAt: Number(r.conv),
    touchId: r.touch_id === null ? null : String(r.touch_id),
    touchedAt: r.touched === null ? null : Number(r.touched),
    channel: String(r.channel),
    weight: Number(r.weight),
    conversions: Number(r.conversions),
    value: Number(r.value),
  }));
}

/** Persons holding any credit for a milestone. */
export async function creditsOutOfStep(db: Db, ws: string, milestone: string): Promise<string[]> {
  const rows = await db.query(
    `SELECT coalesce(m.person_id, c.person_id) AS person_id
     FROM (SELECT DISTINCT person_id FROM milestones WHERE workspace_id = $ws AND milestone = $m) m
     FULL OUTER JOIN (SELECT DISTINCT person_id FROM attribution_credits WHERE workspace_id = $ws AND milestone = $m) c
       ON m.person_id = c.person_id
     WHERE m.person_id IS NULL OR c.person_id IS NULL`,
    { ws, m: milestone },
  );
  return rows.map((r) => String(r.person_id));
}
