// The first-touch area on DuckDB: the neutral queries (neutral/first-touch-queries.ts) in one
// transaction, so a reader sees every person's first touch before or after a derive, never half.
import {
  countFirstTouchesSql,
  FIRST_TOUCH_TABLE,
  firstTouchRowsSql,
  insertFirstTouchesSql,
} from '../neutral/first-touch-queries.js';
import { fn, p, sql } from '../neutral/sql.js';
import type { Db } from './connection.js';
import { readNeutral, runNeutral } from './dialect.js';

export function deriveFirstTouches(
  db: Db,
  ws: string,
  persons?: readonly string[],
): Promise<number> {
  if (persons && persons.length === 0) return Promise.resolve(0);
  const only = persons ? sql` AND ${fn.inSet('person_id', p.texts(persons))}` : sql``;
  return db.transaction(async (c) => {
    await runNeutral(
      c,
      sql`DELETE FROM ${fn.table(FIRST_TOUCH_TABLE)} WHERE workspace_id = ${p.text(ws)}${only}`,
    );
    await runNeutral(c, insertFirstTouchesSql(FIRST_TOUCH_TABLE, firstTouchRowsSql(ws, persons)));
    const [n] = await readNeutral(c, countFirstTouchesSql(FIRST_TOUCH_TABLE, ws, persons));
    return Number(n?.n ?? 0);
  });
}
