// The insert of a whole import file, in two forms. Both skip the messageIds the workspace already has
// with a hash anti-join whose build side is the workspace's stored ids (not a correlated NOT EXISTS, which
// the engine plans as a delim join that first copies every input row).
// - fast: nothing else. A messageId repeated inside the file then breaks the primary key and the whole
//   statement fails, which is rare (a file's own repeats) and cheap to detect; the caller then runs
// - dedup: the same with a window that keeps one row per messageId (it sorts every row with all its
//   columns, a third of the fast form's time, so it runs only for files that need it).
// Not INSERT OR IGNORE: the engine keeps what it checks for the whole statement in memory it cannot
// spill (a 1M-event file needed over 1 GB); the plain insert, the join and the window spill.
import {
  errorExpr,
  EVENT_COLUMNS,
  normalisedColumns,
  PARAM_META,
  parsedSource,
} from './event-sql.js';
import { NOT_ERASED_SQL } from './erased-identifiers.js';

/**
 * Inserts the valid rows of a source relation (the EVENT_FIELDS columns) whose messageId the workspace
 * does not have yet; with `dedup`, one of each messageId repeated in the input, else a repeat fails the
 * statement (isDuplicateKeyError). Parameters as PARAM_META.
 */
export function importInsertSql(srcRelation: string, dedup: boolean): string {
  const cols = EVENT_COLUMNS.join(', ');
  return `INSERT INTO events (${cols})
    SELECT ${cols} FROM (SELECT ${normalisedColumns(PARAM_META)} FROM ${parsedSource(srcRelation)}) s
    ANTI JOIN (SELECT message_id FROM events WHERE workspace_id = $ws) stored ON stored.message_id = s.message_id
    ${NOT_ERASED_SQL /* events from before an erasure that name an erased id (erased-identifiers.ts) */}
    WHERE err IS NULL
    ${dedup ? 'QUALIFY row_number() OVER (PARTITION BY s.message_id) = 1' : ''}`;
}

/** How many rows of a source relation pass the event rules (`valid`). Parameters: $received, $correct. */
export function validCountSql(srcRelation: string): string {
  return `SELECT count(*) AS valid FROM ${parsedSource(srcRelation)} WHERE (${errorExpr(PARAM_META)}) IS NULL`;
}

/** The engine's refusal of a row whose primary key an earlier row of the same statement has. */
export function isDuplicateKeyError(err: unknown): boolean {
  const msg = err instanceof Error ? err.message : String(err);
  return /^Constraint Error/i.test(msg) && /duplicate key/i.test(msg);
}
