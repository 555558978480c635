// Which rows are a person's, per table: one list of (table, filter) serves both export and erasure, so
// what is exported is what is erased; and the parameters a person's selection binds to those filters.
import { listValue, type DuckDBType } from '@duckdb/node-api';
import type { IdentifierKey, PersonSelection } from '../../types.js';
import { VARCHAR_LIST, type Params } from './connection.js';
import { spanHolds } from './derive-identity.js';

/** `(SELECT unnest($param))`: the values of a list parameter, for `x IN ...`. */
export const inList = (param: string) => `(SELECT unnest($${param}::VARCHAR[]))`;
const IDS =
  '(SELECT (k, v) FROM (SELECT unnest($ik::VARCHAR[]) AS k, unnest($iv::VARCHAR[]) AS v))';
const LINKS =
  '(SELECT (k, v) FROM (SELECT unnest($lk::VARCHAR[]) AS k, unnest($lv::VARCHAR[]) AS v))';
/** The person's stretches of shared devices (raw spellings), as rows `sp(value, from_at, until_at)`. */
const SPANS = `(SELECT value, CAST(f AS TIMESTAMPTZ) AS from_at, CAST(u AS TIMESTAMPTZ) AS until_at
  FROM (SELECT unnest($sv::VARCHAR[]) AS value, unnest($sf::VARCHAR[]) AS f, unnest($su::VARCHAR[]) AS u)) sp`;
/** Whether the row's anonymous id column `col` is a shared device and `ts` in one of the person's stretches of it. */
const inSpans = (col: string, ts: string) =>
  `EXISTS (SELECT 1 FROM ${SPANS} WHERE sp.value = ${col} AND ${spanHolds('sp', ts)})`;

/**
 * Each table's rows about the person ($ws and the selection's lists). Facts first: erasure deletes in this
 * order. identity_changes is a log a rebuild cannot reproduce, so its rows naming the person go too.
 * A shared device is the person's only for their stretches of its time: its events by their time and its
 * sessions by their start (as the derive maps them, spanHolds), its identities rows by person id; the
 * identifier lists ($ik/$iv) leave it out, so its rows of other persons, and its edges to them, stay.
 */
export const PERSON_TABLES: readonly {
  table: string;
  kind: 'fact' | 'derived' | 'log';
  where: string;
}[] = [
  {
    table: 'events',
    kind: 'fact',
    where: `workspace_id = $ws AND (anonymous_id IN ${inList('anon')} OR user_id IN ${inList('users')} OR previous_id IN ${inList('prev')}
      OR email IN ${inList('emails')} OR phone IN ${inList('phones')} OR message_id IN ${inList('mids')}
      OR ${inSpans('anonymous_id', 'ts')} OR ${inSpans('previous_id', 'ts')})`,
  },
  {
    table: 'identity_links',
    kind: 'fact',
    where: `workspace_id = $ws AND ((from_kind, from_value) IN ${LINKS} OR (to_kind, to_value) IN ${LINKS})`,
  },
  // the selection names dead letters of this workspace (and, for an erasure, lines too broken to name one)
  { table: 'dead_letters', kind: 'fact', where: `id IN ${inList('dl')}` },
  {
    table: 'sessions',
    kind: 'derived',
    where: `workspace_id = $ws AND (anonymous_id IN ${inList('anon')} OR ${inSpans('anonymous_id', 'started_at')})`,
  },
  {
    table: 'identities',
    kind: 'derived',
    where: `workspace_id = $ws AND ((kind, value) IN ${IDS} OR person_id IN ${inList('pids')})`,
  },
  {
    table: 'identity_seen',
    kind: 'derived',
    where: `workspace_id = $ws AND (kind, value) IN ${IDS}`,
  },
  {
    table: 'identity_edges',
    kind: 'derived',
    where: `workspace_id = $ws AND ((a_kind, a_value) IN ${IDS} OR (b_kind, b_value) IN ${IDS})`,
  },
  {
    table: 'identity_quarantine',
    kind: 'derived',
    where: `workspace_id = $ws AND (kind, value) IN ${IDS}`,
  },
  {
    table: 'identity_changes',
    kind: 'log',
    where: `workspace_id = $ws AND (person_id IN ${inList('pids')} OR list_has_any(CAST(others AS VARCHAR[]), $pids::VARCHAR[]))`,
  },
  {
    table: 'milestones',
    kind: 'derived',
    where: `workspace_id = $ws AND person_id IN ${inList('pids')}`,
  },
  {
    table: 'attribution_credits',
    kind: 'derived',
    where: `workspace_id = $ws AND person_id IN ${inList('pids')}`,
  },
];

const LIST_PARAMS = [
  'anon',
  'users',
  'prev',
  'emails',
  'phones',
  'mids',
  'sv',
  'sf',
  'su',
  'lk',
  'lv',
  'dl',
  'ik',
  'iv',
  'pids',
] as const;
const LIST_TYPES: Record<string, DuckDBType> = Object.fromEntries(
  LIST_PARAMS.map((p) => [p, VARCHAR_LIST]),
);

/** The parameters a selection binds: its ids, spellings and stretches, as the filters above name them. */
export function selectionParams(ws: string, sel: PersonSelection): Params {
  const kinds = (ids: readonly IdentifierKey[]) => listValue(ids.map((i) => i.kind));
  const values = (ids: readonly IdentifierKey[]) => listValue(ids.map((i) => i.value));
  const shared = new Set(sel.sharedDevices.map((d) => d.anonymousId));
  const owned = sel.identifiers.filter((i) => !(i.kind === 'anonymous_id' && shared.has(i.value)));
  const spans = sel.events.deviceSpans;
  return {
    ws,
    anon: listValue(sel.events.anonymousIds),
    users: listValue(sel.events.userIds),
    prev: listValue(sel.events.previousIds),
    emails: listValue(sel.events.emails),
    phones: listValue(sel.events.phones),
    mids: listValue(sel.events.messageIds),
    sv: listValue(spans.map((d) => d.anonymousId)),
    sf: listValue(spans.map((d) => d.from)),
    su: listValue(spans.map((d) => d.until)),
    lk: kinds(sel.links),
    lv: values(sel.links),
    dl: listValue(sel.deadLetters),
    ik: kinds(owned),
    iv: values(owned),
    pids: listValue(sel.personIds),
  };
}

/** The parameters (and their types) a statement names: DuckDB refuses values for parameters it does not have. */
export function paramsUsedBy(
  sql: string,
  params: Params,
): { params: Params; types: Record<string, DuckDBType> } {
  const names = Object.keys(params).filter((n) => new RegExp(`\\$${n}\\b`).test(sql));
  return {
    params: Object.fromEntries(names.map((n) => [n, params[n]!])),
    types: Object.fromEntries(names.filter((n) => n in LIST_TYPES).map((n) => [n, LIST_TYPES[n]!])),
  };
}
