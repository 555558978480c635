import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listValue } from '@duckdb/node-api';
import type { Acquisition, ChannelMove, Landing, SessionRow } from '../../types.js';
import { sqlString, VARCHAR_LIST, type Db, type Row } from './connection.js';
import {
  channelMovesSql,
  clearSessionsSql,
  DISTINCT_LANDINGS_SQL,
  insertSessionsSql,
  oldChannelsSql,
  stageSessionsSql,
} from './derive-sessions.js';
import { str } from './rows.js';
import { queryNeutral } from './dialect.js';
import {
  listSessionsSql,
  sessionsByChannelSql,
  toChannelSessions,
  toSessionRow,
} from '../neutral/inspection-queries.js';

export async function deriveSessions(
  db: Db,
  workspaceId: string,
  opts: {
    inactivityMinutes: number;
    clickIdParams: readonly string[];
    anonymousIds?: readonly string[];
    stage?: string;
    reportMoves?: boolean;
  },
  classify: (landings: readonly Landing[]) => Acquisition[],
): Promise<{ sessions: number; landings: number; moves?: ChannelMove[] }> {
  const scoped = opts.anonymousIds !== undefined;
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-derive-'));
  try {
    return await db.write(async (conn) => {
      if (scoped) {
        await conn.run(
          'CREATE OR REPLACE TEMP TABLE derive_scope AS SELECT unnest($ids::VARCHAR[]) AS anonymous_id',
          {
            ids: listValue([...opts.anonymousIds!]),
          },
          { ids: VARCHAR_LIST },
        );
      }
      await conn.run(
        stageSessionsSql(scoped, opts.clickIdParams, scoped ? opts.stage : undefined),
        { ws: workspaceId, gap: opts.inactivityMinutes },
      );
      const rows = (await conn.runAndReadAll(DISTINCT_LANDINGS_SQL)).getRowObjectsJson() as Row[];
      const landings: Landing[] = rows.map((r) => ({
        landingUrl: (r.landing_url as string | null) ?? null,
        referrer: (r.referrer as string | null) ?? null,
        campaignContext: (r.campaign_ctx as string | null) ?? null,
      }));
      const acquisitions = classify(landings);
      // back into the engine through its bulk reader (one file, however many landings); not the click
      // ids: they were classified blinded, and each session's are read from its own URL
      const file = join(dir, 'acquisitions.ndjson');
      writeFileSync(
        file,
        acquisitions
          .map((a, i) => {
            const l = landings[i]!;
            return JSON.stringify({
              landing_url: l.landingUrl,
              referrer: l.referrer,
              campaign_ctx: l.campaignContext,
              source: a.source,
              medium: a.medium,
              campaign: a.campaign,
              term: a.term,
              content: a.content,
              campaign_id: a.campaignId,
              ad_ids: a.adIds,
              channel: a.channel,
              platform: a.platform,
              channel_rule: a.channelRule,
              decided_by: a.decidedBy,
            });
          })
          .join('\n'),
      );
      if (opts.reportMoves) await conn.run(oldChannelsSql(scoped), { ws: workspaceId });
      await conn.run('BEGIN TRANSACTION');
      try {
        await conn.run(clearSessionsSql(scoped), { ws: workspaceId });
        await conn.run(insertSessionsSql(sqlString(file), opts.clickIdParams), { ws: workspaceId });
        await conn.run('COMMIT');
      } catch (err) {
        await conn.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
      const moves = opts.reportMoves
        ? (
            (
              await conn.runAndReadAll(channelMovesSql(scoped), { ws: workspaceId })
            ).getRowObjectsJson() as Row[]
          ).map((r) => ({
            from: str(r.from_channel),
            to: str(r.to_channel),
            sessions: Number(r.sessions),
          }))
        : undefined;
      const n = await conn.runAndReadAll('SELECT count(*) AS n FROM derive_sessions');
      return {
        sessions: Number(n.getRowObjectsJson()[0]?.n ?? 0),
        landings: landings.length,
        ...(moves ? { moves } : {}),
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function listSessions(
  db: Db,
  workspaceId: string,
  filter: { anonymousIds?: readonly string[]; limit?: number } = {},
): Promise<SessionRow[]> {
  return (await queryNeutral(db, listSessionsSql(workspaceId, filter))).map(toSessionRow);
}

export async function sessionsByChannel(
  db: Db,
  workspaceId: string,
): Promise<{ channel: string; sessions: number }[]> {
  return (await queryNeutral(db, sessionsByChannelSql(workspaceId))).map(toChannelSessions);
}
