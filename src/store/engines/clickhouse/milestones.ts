// The milestones area on ClickHouse: the lead milestone derived by the neutral query every engine runs
// (../neutral/lead-queries.ts). A whole workspace: its milestones partition is rebuilt in a stage (the
// other milestones copied, the leads derived into it) and swapped in. Some persons: their leads are
// deleted, then derived again (a reader may see them without a lead for that moment).
import type { DeriveStage } from '../../areas/derive-scope.js';
import type { IdentifierKey } from '../../areas/identity.js';
import { insertLeadsSql, leadMilestonesSql } from '../neutral/lead-queries.js';
import { fn, p, sql } from '../neutral/sql.js';
import { deleteRows } from './delete-rows.js';
import { commandNeutral, queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';
import { rebuildPartition } from './partition-swap.js';

const leadsIn = async (s: ChStore, table: string, ws: string, persons?: readonly string[]) =>
  Number(
    (
      await queryNeutral(
        s.conn,
        s.database,
        sql`SELECT ${fn.countAll()} AS n FROM ${fn.table(table)}
          WHERE workspace_id = ${p.text(ws)} AND milestone = 'lead'${
            persons ? sql` AND ${fn.inSet('person_id', p.texts(persons))}` : sql``
          }`,
      )
    )[0]?.n ?? 0,
  );

/**
 * Recomputes the lead milestones: of every person, or (scoped) of these persons, all of whose ids are
 * in `identifiers` (their events read from `stage` when it holds them all). How many leads were written.
 */
export async function deriveLeadMilestones(
  s: ChStore,
  ws: string,
  scope?: {
    identifiers: readonly IdentifierKey[];
    persons: readonly string[];
    stage?: DeriveStage;
  },
): Promise<number> {
  const run = (q: Parameters<typeof commandNeutral>[2]) => commandNeutral(s.conn, s.database, q);
  if (!scope) {
    let leads = 0;
    await rebuildPartition(s, 'milestones', ws, async (stage) => {
      await run(
        sql`INSERT INTO ${fn.table(stage)} SELECT * FROM ${fn.table('milestones')}
          WHERE workspace_id = ${p.text(ws)} AND milestone <> 'lead'`,
      );
      await run(insertLeadsSql(stage, leadMilestonesSql(ws)));
      leads = await leadsIn(s, stage, ws);
    });
    return leads;
  }
  if (scope.persons.length === 0) return 0;
  await deleteRows(
    s,
    fn.table('milestones'),
    sql`workspace_id = ${p.text(ws)} AND milestone = 'lead'
      AND ${fn.inSet('person_id', p.texts(scope.persons))}`,
  );
  const of = (kind: string) => scope.identifiers.filter((i) => i.kind === kind).map((i) => i.value);
  await run(
    insertLeadsSql(
      'milestones',
      leadMilestonesSql(ws, {
        anonymousIds: of('anonymous_id'),
        userIds: of('user_id'),
        persons: scope.persons,
        // the derive's stage when it holds all of their events: the candidates are read twice, and
        // from the events table the OR of anonymous and user ids scans the workspace each time
        ...(scope.stage ? { source: scope.stage } : {}),
      }),
    ),
  );
  return leadsIn(s, 'milestones', ws, scope.persons);
}
