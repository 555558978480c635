// A shared device's timeline, read for the identity model to split its time between its persons: every
// link that touches it (each identify, not only the first one the stored edges keep) and its session starts.
import { listValue } from '@duckdb/node-api';
import type { DeviceTimelines } from '../../types.js';
import { VARCHAR_LIST, type Db, type Row } from './connection.js';
import { DEVICE_LINKS_SQL } from './derive-identity.js';

export async function deviceTimelines(
  db: Db,
  ws: string,
  anonymousIds: readonly string[],
): Promise<DeviceTimelines> {
  if (anonymousIds.length === 0) return { links: [], sessions: [] };
  // on the writer, as the derive that asks has just written the sessions
  return db.write(async (c) => {
    await c.run(
      'CREATE OR REPLACE TEMP TABLE shared_device_ids AS SELECT DISTINCT unnest($ids::VARCHAR[]) AS value',
      { ids: listValue([...anonymousIds]) },
      { ids: VARCHAR_LIST },
    );
    const links = (await c.runAndReadAll(DEVICE_LINKS_SQL, { ws })).getRowObjectsJson() as Row[];
    const sessions = (
      await c.runAndReadAll(
        'SELECT anonymous_id, epoch_ms(started_at) AS at FROM sessions WHERE workspace_id = $ws AND anonymous_id IN (SELECT value FROM shared_device_ids)',
        { ws },
      )
    ).getRowObjectsJson() as Row[];
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
