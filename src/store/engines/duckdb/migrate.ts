import type { Db } from './connection.js';
import { MIGRATIONS } from './migrations.js';

/** Applies pending migrations in order, each in its own transaction. Safe to run on every start. */
export async function migrate(db: Db): Promise<{ applied: number[]; version: number }> {
  await db.write((c) =>
    c.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`),
  );
  const done = new Set(
    (await db.query('SELECT version FROM schema_migrations')).map((r) => Number(r.version)),
  );
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    await db.transaction(async (c) => {
      await c.run(m.sql);
      await m.backfill?.(c);
      await c.run('INSERT INTO schema_migrations (version, name) VALUES ($v, $n)', {
        v: m.version,
        n: m.name,
      });
    });
    applied.push(m.version);
  }
  const rows = await db.query('SELECT max(version) AS v FROM schema_migrations');
  return { applied, version: Number(rows[0]?.v ?? 0) };
}
