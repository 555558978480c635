// The inspection area on ClickHouse: derived rows as stored, through the neutral queries every engine runs
// (a person's credits, also an inspection read, are the credits area's: credits.ts).
import type { IdentityLink, IdentityRow, QuarantineRow } from '../../areas/identity.js';
import type { SessionRow } from '../../areas/sessions.js';
import {
  currentIdentitiesSql,
  leadsByFirstTouchChannelSql,
  listIdentityLinksSql,
  listSessionsSql,
  quarantinedIdentifiersSql,
  sessionsByChannelSql,
  toChannelLeads,
  toChannelSessions,
  toIdentityLink,
  toIdentityRow,
  toQuarantineRow,
  toSessionRow,
} from '../neutral/inspection-queries.js';
import type { Sql } from '../neutral/sql.js';
import { queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';

const read = (s: ChStore, q: Sql) => queryNeutral(s.conn, s.database, q);

export async function listSessions(
  s: ChStore,
  workspaceId: string,
  filter: { anonymousIds?: readonly string[]; limit?: number } = {},
): Promise<SessionRow[]> {
  return (await read(s, listSessionsSql(workspaceId, filter))).map(toSessionRow);
}

export async function sessionsByChannel(
  s: ChStore,
  workspaceId: string,
): Promise<{ channel: string; sessions: number }[]> {
  return (await read(s, sessionsByChannelSql(workspaceId))).map(toChannelSessions);
}

export async function currentIdentities(s: ChStore, workspaceId: string): Promise<IdentityRow[]> {
  return (await read(s, currentIdentitiesSql(workspaceId))).map(toIdentityRow);
}

export async function quarantinedIdentifiers(
  s: ChStore,
  workspaceId: string,
): Promise<QuarantineRow[]> {
  return (await read(s, quarantinedIdentifiersSql(workspaceId))).map(toQuarantineRow);
}

export async function listIdentityLinks(s: ChStore, workspaceId: string): Promise<IdentityLink[]> {
  return (await read(s, listIdentityLinksSql(workspaceId))).map(toIdentityLink);
}

export async function leadsByFirstTouchChannel(
  s: ChStore,
  workspaceId: string,
): Promise<{ channel: string; leads: number }[]> {
  return (await read(s, leadsByFirstTouchChannelSql(workspaceId))).map(toChannelLeads);
}
