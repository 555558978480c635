import type { Pool, PoolClient } from './connection.js';
import { MIGRATIONS } from './migrations.js';

/**
 * Applies pending migrations in one transaction (PostgreSQL's DDL is transactional), under an advisory
 * lock per schema so that processes starting together apply each migration once. Safe on every start.
 */
export async function migrate(client: PoolClient): Promise<{ applied: number[]; version: number }> {
  await client.query('BEGIN');
  try {
    await client.query(
      "SELECT pg_advisory_xact_lock(hashtext('closedloop control migrations ' || coalesce(current_schema(), '')))",
    );
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        m.version,
        m.name,
      ]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return { applied, version: Math.max(0, ...done, ...applied) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

export async function schemaVersion(pool: Pool): Promise<number> {
  const r = await pool.query<{ v: number | null }>(
    'SELECT max(version) AS v FROM schema_migrations',
  );
  return r.rows[0]?.v ?? 0;
}
