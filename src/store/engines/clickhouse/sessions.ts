// The sessions area on ClickHouse: the neutral queries (../neutral/sessions-queries.ts) over scratch
// tables of the store's database, the acquisitions inserted as rows. A whole workspace's sessions are
// replaced whole: a stage table (the sessions table's own layout) gets the workspace's new rows, and one
// `ALTER TABLE ... REPLACE PARTITION` swaps them in, which is how an engine without multi-statement
// transactions stays all-or-nothing (schema.ts: derived tables are partitioned by workspace).
//
// A scoped derive (some anonymous ids) reads their events from the live derive's stage when given, else
// from the events table (its sort key leads with workspace and anonymous id, so it reads their granules
// only), and replaces those ids' sessions in place: a delete written as a patch part (delete-rows.ts),
// then an insert, as the identity, lead and credit steps do; a reader may see them missing for that
// moment. Its cost follows the scope, not the workspace. (It used to build the workspace's partition in a
// stage, the current parts hard-linked less the scope's sessions, and swap it in: the delete on the stage
// was a mutation waited for, 0.15-0.6 s of a returning visitor's derive, and a patch part there would
// hold up the swap.)
import { createHash } from 'node:crypto';
import type {
  Acquisition,
  ChannelMove,
  Landing,
  SessionRow,
  SessionTouchGroup,
} from '../../areas/sessions.js';
import { sessionTouchesSql, toSessionTouchGroup } from '../neutral/channel-preview-queries.js';
import { fn, ident, p, raw, sql, type Sql } from '../neutral/sql.js';
import {
  ACQUISITION_COLUMNS,
  acquisitionRows,
  channelMovesSql,
  countSql,
  distinctLandingsSql,
  insertSessionsSql,
  oldChannelsSql,
  stageSessionsSql,
  toLanding,
  type RowColumns,
} from '../neutral/sessions-queries.js';
import {
  listSessionsSql,
  sessionsByChannelSql,
  toChannelSessions,
  toSessionRow,
} from '../neutral/inspection-queries.js';
import { deleteRows } from './delete-rows.js';
import { commandNeutral, queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';
import { swapInStage } from './partition-swap.js';
import { createTableSql, tableSpec } from './schema.js';

export interface DeriveSessionsOptions {
  inactivityMinutes: number;
  clickIdParams: readonly string[];
  anonymousIds?: readonly string[];
  /** The live derive's stage of the affected events (derive-scope.ts), read instead of the events table. */
  stage?: string;
  reportMoves?: boolean;
}

/** A workspace's scratch tables (one derive per workspace at a time: its lock, across processes its lease). */
function scratchNames(database: string, workspaceId: string) {
  const h = createHash('sha1').update(workspaceId).digest('hex').slice(0, 16);
  const name = (what: string) => `derive_${what}_${h}`;
  return {
    staged: name('sessions'),
    scope: name('scope'),
    acquisitions: name('acquisitions'),
    old: name('old'),
    stage: name('sessions_stage'),
    qualified: (n: string) => ident(`${database}.${n}`),
  };
}

export async function deriveSessions(
  s: ChStore,
  workspaceId: string,
  opts: DeriveSessionsOptions,
  classify: (landings: readonly Landing[]) => Acquisition[],
): Promise<{ sessions: number; landings: number; moves?: ChannelMove[] }> {
  const { conn, database } = s;
  const n = scratchNames(database, workspaceId);
  const q = n.qualified;
  const run = (x: Sql) => commandNeutral(conn, database, x);
  const read = (x: Sql) => queryNeutral(conn, database, x);
  const scratch = [n.staged, n.scope, n.acquisitions, n.old, n.stage];
  const dropScratch = async () => {
    for (const t of scratch) await conn.command(`DROP TABLE IF EXISTS ${database}.${t}`);
  };
  // a derive that died midway left its scratch tables: start clean
  await dropScratch();
  try {
    const scope = opts.anonymousIds !== undefined ? q(n.scope) : undefined;
    if (scope)
      await scratchTableOfRows(
        s,
        n.scope,
        { anonymous_id: 'text' },
        [...new Set(opts.anonymousIds)].map((anonymous_id) => ({ anonymous_id })),
      );
    // a scope's few sessions in memory; a workspace's, which may be millions, on disk
    const stagedEngine = scope ? raw('Memory') : raw('MergeTree ORDER BY tuple()');
    await run(
      sql`CREATE TABLE ${q(n.staged)} ENGINE = ${stagedEngine} AS ${stageSessionsSql(
        workspaceId,
        opts.inactivityMinutes,
        opts.clickIdParams,
        {
          // scoped: the derive's stage when given (it holds every event of the affected anonymous
          // ids): the query reads its events three times, from the events table a few granules each
          events: fn.table(scope && opts.stage !== undefined ? opts.stage : 'events'),
          rowId: 'message_id',
          ...(scope ? { scope } : {}),
        },
      )}`,
    );
    const landings = (await read(distinctLandingsSql(q(n.staged)))).map(toLanding);
    await scratchTableOfRows(
      s,
      n.acquisitions,
      ACQUISITION_COLUMNS,
      acquisitionRows(landings, classify(landings)),
    );
    if (opts.reportMoves)
      await run(
        sql`CREATE TABLE ${q(n.old)} ENGINE = Memory AS ${oldChannelsSql(workspaceId, scope)}`,
      );

    const insertInto = (target: string) =>
      run(
        insertSessionsSql(
          workspaceId,
          q(target),
          q(n.staged),
          q(n.acquisitions),
          opts.clickIdParams,
        ),
      );
    if (scope) {
      // the scope's sessions replaced in place
      await deleteRows(
        s,
        fn.table('sessions'),
        sql`workspace_id = ${p.text(workspaceId)} AND anonymous_id IN (SELECT anonymous_id FROM ${scope})`,
      );
      await insertInto('sessions');
    } else {
      // the workspace's sessions after the derive, built aside and swapped in whole
      await conn.command(createTableSql(tableSpec('sessions'), { database }, n.stage));
      await insertInto(n.stage);
      await swapInStage(s, 'sessions', n.stage, workspaceId);
    }

    const moves = opts.reportMoves
      ? (await read(channelMovesSql(workspaceId, q(n.old), scope))).map((r) => ({
          from: r.from_channel === null ? null : String(r.from_channel),
          to: r.to_channel === null ? null : String(r.to_channel),
          sessions: Number(r.sessions),
        }))
      : undefined;
    const count = await read(countSql(q(n.staged)));
    return {
      sessions: Number(count[0]?.n ?? 0),
      landings: landings.length,
      ...(moves ? { moves } : {}),
    };
  } finally {
    await dropScratch();
  }
}

/**
 * Rows into a new scratch table of the store's database (Memory engine: a derive's inputs, dropped when
 * it ends). JSON columns are text in ClickHouse.
 */
export async function scratchTableOfRows(
  s: ChStore,
  name: string,
  columns: RowColumns,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  const spec = Object.keys(columns).map((c) => `${ident(c).text} Nullable(String)`);
  await s.conn.command(
    `CREATE TABLE ${s.database}.${ident(name).text} (${spec.join(', ')}) ENGINE = Memory`,
  );
  const json = Object.keys(columns).filter((c) => columns[c] === 'json');
  await s.conn.insert(
    `${s.database}.${name}`,
    json.length === 0
      ? rows
      : rows.map((r) => {
          const out = { ...r };
          for (const c of json)
            out[c] = r[c] === null || r[c] === undefined ? null : JSON.stringify(r[c]);
          return out;
        }),
  );
}

export async function listSessions(
  s: ChStore,
  workspaceId: string,
  filter: { anonymousIds?: readonly string[]; limit?: number } = {},
): Promise<SessionRow[]> {
  return (await queryNeutral(s.conn, s.database, listSessionsSql(workspaceId, filter))).map(
    toSessionRow,
  );
}

export async function sessionsByChannel(
  s: ChStore,
  workspaceId: string,
): Promise<{ channel: string; sessions: number }[]> {
  return (await queryNeutral(s.conn, s.database, sessionsByChannelSql(workspaceId))).map(
    toChannelSessions,
  );
}

export async function sessionTouches(
  s: ChStore,
  workspaceId: string,
  opts: { limit: number; clickIdParams: readonly string[] },
): Promise<SessionTouchGroup[]> {
  return (
    await queryNeutral(
      s.conn,
      s.database,
      sessionTouchesSql(workspaceId, opts.limit, opts.clickIdParams),
    )
  ).map(toSessionTouchGroup(opts.clickIdParams));
}
