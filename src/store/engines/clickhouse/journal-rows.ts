// A journal line as a row of the events table, in JavaScript: the journal's lines are canonical (the API
// decided the type's case, the messageId and the event time), so ClickHouse takes rows as JSONEachRow
// instead of re-running DuckDB's SQL normaliser over a staged file. The column projections are those of
// DuckDB's loader (../duckdb/event-sql.ts, DERIVE_COLUMNS); the cross-engine test of events.test.ts
// holds the two to the same stored rows.
import { checkEvent } from '../../../rules/event-rules.js';
import { eventTime, ORIGINAL_TIMESTAMP_KEY } from '../../../rules/event-time.js';
import { linkFieldsOf, textAt } from '../../../rules/identity-links.js';
import { parseIsoParts } from '../../../rules/iso-time.js';

export interface EventRow {
  workspace_id: string;
  message_id: string;
  type: string;
  event: string | null;
  name: string | null;
  anonymous_id: string | null;
  user_id: string | null;
  previous_id: string | null;
  group_id: string | null;
  ts: string;
  received_at: string;
  properties: string | null;
  traits: string | null;
  context: string | null;
  origin: string;
  batch_id: string;
  page_url: string | null;
  page_referrer: string | null;
  campaign: string | null;
  user_agent: string | null;
  country: string | null;
  email: string | null;
  phone: string | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export { textAt };

/** A JSON value at a path as JSON text (DuckDB's ->), NULL when absent. */
function jsonAt(root: unknown, ...path: string[]): string | null {
  let v: unknown = root;
  for (const k of path) {
    if (!isObj(v) || !Object.hasOwn(v, k)) return null;
    v = v[k];
  }
  return v === undefined ? null : JSON.stringify(v);
}

const nonEmpty = (v: unknown): string | null =>
  v === undefined || v === null || v === '' ? null : String(v);
const jsonText = (v: unknown): string | null =>
  v === undefined || v === null ? null : JSON.stringify(v);

/**
 * The row of one parsed journal line, or the rule it breaks as 'field|reason' (a line written to the
 * journal by hand, or by a bug, gets the same verdict as on DuckDB and becomes a dead letter).
 */
export function journalRow(o: Obj): { row: EventRow } | { reason: string } {
  const broken = checkEvent(o);
  if (broken) return { reason: `${broken.field}|${broken.reason}` };
  for (const k of ['_ws', '_recv', '_origin', '_batch'] as const)
    if (typeof o[k] !== 'string' || o[k] === '')
      return { reason: `${k}|is missing: not a line the journal wrote` };
  const recv = parseIsoParts(String(o._recv));
  if (!recv) return { reason: 'line|_recv is not a readable timestamp' };
  // a line from before the API decided the time (no _ts) gets the time rule here, as DuckDB applies it
  let ts = typeof o._ts === 'string' && parseIsoParts(o._ts) ? o._ts : undefined;
  let context = o.context;
  if (ts === undefined) {
    const t = eventTime(o, recv[0] * 1_000_000 + recv[1], o._origin !== 'import');
    if (!t.ok) return { reason: `${t.field}|${t.reason}` };
    ts = t.ts;
    if (t.replaced)
      context = {
        ...(isObj(context) ? context : {}),
        [ORIGINAL_TIMESTAMP_KEY]: t.replaced.original,
      };
  }
  if (typeof o.messageId !== 'string' || o.messageId === '')
    return { reason: 'messageId|is missing: the journal writes one for every event' };
  const type = String(o.type).toLowerCase();
  const { traits, properties } = o;
  const { email, phone } = linkFieldsOf({ type, traits, properties, context });
  return {
    row: {
      workspace_id: String(o._ws),
      message_id: String(o.messageId),
      type,
      event: nonEmpty(o.event),
      name: nonEmpty(o.name),
      anonymous_id: nonEmpty(o.anonymousId),
      user_id: nonEmpty(o.userId),
      previous_id: nonEmpty(o.previousId),
      group_id: nonEmpty(o.groupId),
      ts,
      received_at: String(o._recv),
      properties: jsonText(properties),
      traits: jsonText(traits),
      context: jsonText(context),
      origin: String(o._origin),
      batch_id: String(o._batch),
      page_url: textAt(context, 'page', 'url'),
      page_referrer: textAt(context, 'page', 'referrer'),
      campaign: jsonAt(context, 'campaign'),
      user_agent: textAt(context, 'userAgent'),
      country: textAt(context, 'location', 'country'),
      email,
      phone,
    },
  };
}
