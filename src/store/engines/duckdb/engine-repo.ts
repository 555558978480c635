// What the engine reports about itself.
import type { Db } from './connection.js';

export async function engineLimits(
  db: Db,
): Promise<{ memoryLimit: string; threads: number; tempDirectory: string }> {
  const [r] = await db.query(
    "SELECT current_setting('memory_limit') AS m, current_setting('threads') AS t, current_setting('temp_directory') AS d",
  );
  return { memoryLimit: String(r?.m), threads: Number(r?.t), tempDirectory: String(r?.d) };
}

export async function schemaVersion(db: Db): Promise<number> {
  const rows = await db.query('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
  return Number(rows[0]?.v ?? 0);
}
