// Leases in the DuckDB file (one process holds it, so its holders are that process's tasks): the same
// compare-and-set statements as PostgreSQL's, expiry by the database's clock (now(): the statement's
// transaction start, and each runs alone).
import { checkLeaseRequest } from '../../types.js';
import type { Db } from './connection.js';

export async function acquireLease(
  db: Db,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  checkLeaseRequest(name, holder, ttlMs);
  // the row is written only when free, expired or ours; RETURNING says whether it was
  return db.write(async (c) => {
    const r = await c.runAndReadAll(
      `INSERT INTO leases (name, holder, expires_at) VALUES ($name, $holder, now() + to_milliseconds($ttl))
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at <= now()
       RETURNING holder`,
      { name, holder, ttl: ttlMs },
    );
    return r.currentRowCount > 0;
  });
}

export async function renewLease(
  db: Db,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  checkLeaseRequest(name, holder, ttlMs);
  return db.write(async (c) => {
    const r = await c.run(
      `UPDATE leases SET expires_at = now() + to_milliseconds($ttl)
       WHERE name = $name AND holder = $holder AND expires_at > now()`,
      { name, holder, ttl: ttlMs },
    );
    return r.rowsChanged > 0;
  });
}

export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  checkLeaseRequest(name, holder);
  await db.write((c) =>
    c.run('DELETE FROM leases WHERE name = $name AND holder = $holder', { name, holder }),
  );
}

/**
 * Drops every lease in the file, when it is opened: they were taken by a process that held the file before
 * this one (one process at a time), so none of them lives on. Without this, a process killed mid-derive
 * left its lease to block the next start's derives (and its graceful shutdown) until the lease expired.
 */
export async function clearLeases(db: Db): Promise<void> {
  await db.write((c) => c.run('DELETE FROM leases'));
}
