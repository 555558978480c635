// Sign-in attempts in PostgreSQL, shared by every API process (areas/login-attempts.ts), by the server's
// clock. Counting and recording are one step under a transaction-scoped advisory lock per subject: a
// plain INSERT ... WHERE (SELECT count(*)) < limit is not enough under READ COMMITTED, where concurrent
// statements do not see each other's uncommitted rows and all pass, so a burst of N parallel guesses
// (over every pool connection of every process) would get N tries. Under the lock the next attempt on a
// subject waits for the previous one's commit and counts it, so no subject ever passes its limit, not
// even by one racing request per process; the lock is held for three short statements, and the slow
// password check runs after the commit.
import { createHash } from 'node:crypto';
import { checkLoginAttempt, type AttemptAdmission, type LoginAttempt } from '../../types.js';
import { transaction, type Pool } from './connection.js';

// the two-key advisory locks live apart from the one-key ones (migrate.ts); this first key is ours
const LOCK_SPACE = 0x5369676e; // 'Sign'
// 32 bits of the subject's hash: two subjects that share one merely wait for each other
const lockOf = (subject: string) => createHash('sha256').update(subject).digest().readInt32BE(0);
const windowOf = (n: number) => `($${n}::double precision * interval '1 millisecond')`;

export async function beginLoginAttempt(pool: Pool, a: LoginAttempt): Promise<AttemptAdmission> {
  checkLoginAttempt(a);
  const keys = [...new Set(a.subjects.map((s) => s.key))];
  // before the lock: old rows of every subject go, so the table holds one window's attempts
  await pool.query(
    `DELETE FROM login_attempts WHERE attempted_at <= statement_timestamp() - ${windowOf(1)}`,
    [a.windowMs],
  );
  return transaction(pool, async (client) => {
    // always in the same order, so two attempts that share subjects cannot deadlock
    for (const lock of [...new Set(keys.map(lockOf))].sort((x, y) => x - y))
      await client.query('SELECT pg_advisory_xact_lock($1::integer, $2::integer)', [
        LOCK_SPACE,
        lock,
      ]);
    const found = await client.query<{ subject: string; age: number }>(
      `SELECT subject, age FROM (
         SELECT subject,
           (extract(epoch FROM statement_timestamp() - attempted_at) * 1000)::double precision AS age,
           row_number() OVER (PARTITION BY subject ORDER BY attempted_at DESC) AS n
         FROM login_attempts
         WHERE subject = ANY($1::text[]) AND attempted_at > statement_timestamp() - ${windowOf(2)}
       ) t WHERE n <= $3 ORDER BY subject, n`,
      [keys, a.windowMs, Math.max(...a.subjects.map((s) => s.limit))],
    );
    const recent = a.subjects.map((s) =>
      found.rows
        .filter((r) => r.subject === s.key)
        .slice(0, s.limit)
        .map((r) => Math.max(0, Number(r.age))),
    );
    if (a.subjects.some((s, i) => recent[i]!.length >= s.limit)) return { admitted: false, recent };
    await client.query(
      `INSERT INTO login_attempts (attempt_id, subject, attempted_at)
       SELECT $1, unnest($2::text[]), statement_timestamp()`,
      [a.id, keys],
    );
    return { admitted: true };
  });
}

export async function clearLoginAttempts(
  pool: Pool,
  attemptId: string,
  subject: string,
): Promise<void> {
  await pool.query('DELETE FROM login_attempts WHERE attempt_id = $1 OR subject = $2', [
    attemptId,
    subject,
  ]);
}
