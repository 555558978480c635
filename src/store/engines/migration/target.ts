// The migration's target: a ClickHouse store named by its URL, its database created if missing and its
// schema migrated. (The engine's own opening, clickhouse-store.ts, gives a whole DataStore; a copy needs
// only the connection and the database.)
import type { ChdbLocation, ClickHouseLocation } from '../../store-url.js';
import { ClickHouseError, type ClickHouseConnection } from '../clickhouse/connection.js';
import type { ChStore } from '../clickhouse/events.js';
import { migrateClickHouse } from '../clickhouse/migrate.js';

/** The target could not be opened; the message names its URL without the password. */
export class TargetUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetUnavailable';
  }
}

const UNKNOWN_DATABASE = 81;

/** Opens the target, creating its database if missing, and applies the schema's migrations. */
export async function openTarget(location: ClickHouseLocation | ChdbLocation): Promise<ChStore> {
  let conn: ClickHouseConnection;
  try {
    conn = await connect(location);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new TargetUnavailable(
      location.engine === 'chdb' ? `cannot open ${location.display}: ${message}` : message,
    );
  }
  try {
    await migrateClickHouse(conn, { database: location.database });
  } catch (e) {
    await conn.close();
    throw e;
  }
  return { conn, database: location.database };
}

async function connect(location: ClickHouseLocation | ChdbLocation): Promise<ClickHouseConnection> {
  if (location.engine === 'chdb') {
    const { openChdbConnection } = await import('../clickhouse/chdb-connection.js');
    return openChdbConnection(location.path);
  }
  const { openHttpConnection } = await import('../clickhouse/http-connection.js');
  const options = { username: location.username, password: location.password };
  try {
    return await openHttpConnection(location.url, { ...options, database: location.database });
  } catch (e) {
    // a database not made yet: connect to the server's default one and let the migration create it
    // (every statement names its database)
    if (!(e instanceof ClickHouseError) || e.code !== UNKNOWN_DATABASE) throw e;
    return openHttpConnection(location.url, { ...options, database: 'default' });
  }
}
