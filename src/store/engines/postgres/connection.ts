// The PostgreSQL connection: one pool per store, statements with $n parameters only (never a value
// spliced into SQL), and transactions on one pooled client.
import { Pool, type PoolClient } from 'pg';

export type { Pool, PoolClient };

/** How long a connection attempt may take before the pool gives up (a server that never answers). */
export const CONNECT_TIMEOUT_MS = 10_000;

/** A pool on the URL (search_path and the like as libpq `options=-c ...` in the URL). */
export function openPool(url: string): Pool {
  const pool = new Pool({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // an idle client that loses its server emits 'error' on the pool; unheard, it would end the process.
  // The next query gets a fresh client, or fails and reports it to its caller.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `task` in one transaction on one client: all or nothing. */
export async function transaction<T>(
  pool: Pool,
  task: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      const out = await task(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  } finally {
    client.release();
  }
}
