// Scratch rows of one derive step. ClickHouse over HTTP has no temp table that outlives a request, so
// they go into a real table of a unique name, in memory, dropped when the step is done. (On a cluster the
// table is on the node the connection reaches: one server, or chdb.)
import { randomBytes } from 'node:crypto';
import type { Sql } from '../neutral/sql.js';
import { chSql } from './dialect.js';
import type { ChStore } from './events.js';

/**
 * Runs `use` with a scratch table named `<prefix>_<random>`: of these columns (`name Type, ...`), or
 * filled by a neutral select. The name is what a neutral query's fn.table takes.
 */
export async function withScratch<T>(
  s: ChStore,
  prefix: string,
  shape: { columns: string } | { as: Sql },
  use: (name: string) => Promise<T>,
): Promise<T> {
  if (!/^[a-z_]+$/.test(prefix)) throw new Error(`not a scratch prefix: ${prefix}`);
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const table = `${s.database}.${name}`;
  try {
    if ('columns' in shape)
      await s.conn.command(`CREATE TABLE ${table} (${shape.columns}) ENGINE = Memory`);
    else {
      const { text, params } = chSql(s.database, shape.as);
      await s.conn.command(`CREATE TABLE ${table} ENGINE = Memory AS ${text}`, params);
    }
    return await use(name);
  } finally {
    await s.conn.command(`DROP TABLE IF EXISTS ${table}`);
  }
}
