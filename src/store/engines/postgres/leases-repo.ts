// Leases in PostgreSQL, for several processes: each change one statement that compares and sets, with
// expiry by the server's clock (now(): the statement's transaction start; callers' clocks never count).
// Two acquirers of a free or expired lease race on the primary key; the loser's ON CONFLICT re-checks
// the winner's committed row, finds it live and someone else's, and writes nothing.
import { checkLeaseRequest } from '../../types.js';
import type { Pool } from './connection.js';

// a whole number of milliseconds (checkLeaseRequest) as an interval
const TTL = "($3::double precision * interval '1 millisecond')";

export async function acquireLease(
  pool: Pool,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  checkLeaseRequest(name, holder, ttlMs);
  const r = await pool.query(
    `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, now() + ${TTL})
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
     WHERE leases.holder = excluded.holder OR leases.expires_at <= now()
     RETURNING holder`,
    [name, holder, ttlMs],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function renewLease(
  pool: Pool,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  checkLeaseRequest(name, holder, ttlMs);
  const r = await pool.query(
    `UPDATE leases SET expires_at = now() + ${TTL}
     WHERE name = $1 AND holder = $2 AND expires_at > now()`,
    [name, holder, ttlMs],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function releaseLease(pool: Pool, name: string, holder: string): Promise<void> {
  checkLeaseRequest(name, holder);
  await pool.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
}
