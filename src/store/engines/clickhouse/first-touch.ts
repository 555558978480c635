// The first-touch area on ClickHouse (neutral/first-touch-queries.ts): a whole workspace's rows are
// built in a stage and swapped in (partition-swap.ts); some persons' rows are deleted as a patch part,
// then written again (a reader may see them without a first touch for that moment, as with the leads).
import {
  countFirstTouchesSql,
  FIRST_TOUCH_TABLE,
  firstTouchRowsSql,
  insertFirstTouchesSql,
} from '../neutral/first-touch-queries.js';
import { fn, p, sql, type Sql } from '../neutral/sql.js';
import { deleteRows } from './delete-rows.js';
import { commandNeutral, queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';
import { rebuildPartition } from './partition-swap.js';

export async function deriveFirstTouches(
  s: ChStore,
  ws: string,
  persons?: readonly string[],
): Promise<number> {
  const run = (q: Sql) => commandNeutral(s.conn, s.database, q);
  const count = async (table: string) =>
    Number(
      (await queryNeutral(s.conn, s.database, countFirstTouchesSql(table, ws, persons)))[0]?.n ?? 0,
    );
  if (!persons) {
    let n = 0;
    await rebuildPartition(s, FIRST_TOUCH_TABLE, ws, async (stage) => {
      await run(insertFirstTouchesSql(stage, firstTouchRowsSql(ws)));
      n = await count(stage);
    });
    return n;
  }
  if (persons.length === 0) return 0;
  await deleteRows(
    s,
    fn.table(FIRST_TOUCH_TABLE),
    sql`workspace_id = ${p.text(ws)} AND ${fn.inSet('person_id', p.texts(persons))}`,
  );
  await run(insertFirstTouchesSql(FIRST_TOUCH_TABLE, firstTouchRowsSql(ws, persons)));
  return count(FIRST_TOUCH_TABLE);
}
