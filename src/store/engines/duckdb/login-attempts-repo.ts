// Sign-in attempts in the DuckDB file (one process holds it): the same contract as PostgreSQL's
// (postgres/login-attempts-repo.ts), by the database's clock. Counting and recording run in one
// transaction on the writer, which takes one write at a time, so concurrent attempts of this process
// are counted one after the other and none takes a subject past its limit.
import { listValue } from '@duckdb/node-api';
import { checkLoginAttempt, type AttemptAdmission, type LoginAttempt } from '../../types.js';
import { VARCHAR_LIST, type Db } from './connection.js';

export async function beginLoginAttempt(db: Db, a: LoginAttempt): Promise<AttemptAdmission> {
  checkLoginAttempt(a);
  const keys = [...new Set(a.subjects.map((s) => s.key))];
  return db.transaction(async (c) => {
    // old rows of every subject go, so the table holds one window's attempts
    await c.run('DELETE FROM login_attempts WHERE attempted_at <= now() - to_milliseconds($w)', {
      w: a.windowMs,
    });
    const found = await c.runAndReadAll(
      `SELECT subject, epoch_ms(now()) - epoch_ms(attempted_at) AS age FROM login_attempts
       WHERE subject IN (SELECT unnest($keys::VARCHAR[]))
       ORDER BY subject, attempted_at DESC`,
      { keys: listValue(keys) },
      { keys: VARCHAR_LIST },
    );
    const rows = found.getRowObjectsJson();
    const recent = a.subjects.map((s) =>
      rows
        .filter((r) => r.subject === s.key)
        .slice(0, s.limit)
        .map((r) => Math.max(0, Number(r.age))),
    );
    if (a.subjects.some((s, i) => recent[i]!.length >= s.limit)) return { admitted: false, recent };
    await c.run(
      `INSERT INTO login_attempts (attempt_id, subject)
       SELECT $id, unnest($keys::VARCHAR[])`,
      { id: a.id, keys: listValue(keys) },
      { keys: VARCHAR_LIST },
    );
    return { admitted: true };
  });
}

export async function clearLoginAttempts(
  db: Db,
  attemptId: string,
  subject: string,
): Promise<void> {
  await db.write((c) =>
    c.run('DELETE FROM login_attempts WHERE attempt_id = $id OR subject = $subject', {
      id: attemptId,
      subject,
    }),
  );
}
