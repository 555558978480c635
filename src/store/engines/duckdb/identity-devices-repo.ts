// A shared device's timeline, read for the identity model to split its time between its persons: every
// link that touches it (each identify, not only the first one the stored edges keep) and its session starts.
import type { DeviceTimelines } from '../../types.js';
import type { Db } from './connection.js';
import { readNeutral } from './dialect.js';
import { deviceLinksSql, deviceSessionsSql } from '../neutral/identity-queries.js';

export async function deviceTimelines(
  db: Db,
  ws: string,
  anonymousIds: readonly string[],
): Promise<DeviceTimelines> {
  if (anonymousIds.length === 0) return { links: [], sessions: [] };
  // on the writer, as the derive that asks has just written the sessions
  return db.write(async (c) => {
    const links = await readNeutral(c, deviceLinksSql(ws, anonymousIds));
    const sessions = await readNeutral(c, deviceSessionsSql(ws, anonymousIds));
    return {
      links: links.map((r) => ({
        aKind: String(r.ak),
        aValue: String(r.av),
        bKind: String(r.bk),
        bValue: String(r.bv),
        at: Number(r.at),
      })),
      sessions: sessions.map((r) => ({ anonymousId: String(r.anonymous_id), at: Number(r.at) })),
    };
  });
}
