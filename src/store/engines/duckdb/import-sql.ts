// The insert of a whole import file. De-duplication is by a window over the input and an anti-join
// with the stored events, not by the primary key (INSERT OR IGNORE, which the live paths use): the
// engine keeps what OR IGNORE checks for the whole statement in memory it cannot spill, so a 1M-event
// file needed over 1 GB and a 10M one would not fit a 2 GB limit; the window and the join spill.
import { EVENT_COLUMNS, normalisedColumns, PARAM_META } from './event-sql.js';
import { NOT_ERASED_SQL } from './erased-identifiers.js';

/**
 * Inserts the valid rows of a source relation (the EVENT_FIELDS columns) whose messageId the workspace
 * does not have yet, one of each messageId repeated in the input. Parameters as PARAM_META.
 */
export function importInsertSql(srcRelation: string): string {
  const cols = EVENT_COLUMNS.join(', ');
  return `INSERT INTO events (${cols})
    SELECT ${cols} FROM (SELECT ${normalisedColumns(PARAM_META)} FROM ${srcRelation}) s
    ${NOT_ERASED_SQL /* events from before an erasure that name an erased id (erased-identifiers.ts) */}
    WHERE err IS NULL
      AND NOT EXISTS (SELECT 1 FROM events e WHERE e.workspace_id = s.workspace_id AND e.message_id = s.message_id)
    QUALIFY row_number() OVER (PARTITION BY s.workspace_id, s.message_id) = 1`;
}
