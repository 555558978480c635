// The state Change Data Capture events leave each record in, whatever order they arrive in. An UPDATE
// carries only its changed fields (new values only) and one event may name several records, so each
// field of each record keeps the value of its latest event, in commit order: `commitTimestamp`, then
// `commitNumber` (the commit's system change number), then `sequenceNumber` within the transaction,
// then the transaction key, then the value itself (so even a malformed duplicate cannot make the result
// depend on order). CREATE, DELETE and UNDELETE likewise decide whether the record exists. A gap event
// (GAP_*) carries no fields: the record is marked for a re-fetch. An overflow event (GAP_OVERFLOW) or
// one naming records by prefix (`006*`) marks the whole object for a re-sync.
// Folding is commutative, associative and idempotent: replaying, duplicating or reordering events
// changes nothing, and a state can be folded further as events come.

import type { SalesforceChangeEvent } from './cdc-schemas.js';

/** Where a slot's value comes from in commit order. */
export interface CommitStamp<T> {
  value: T;
  commitTimestamp: number;
  commitNumber: string;
  sequenceNumber: number;
  transactionKey: string;
}

export interface CdcRecordState {
  entityName: string;
  recordId: string;
  /**
   * Field to its latest value, as sent: a compound field's components are flattened to
   * `Name.LastName` (the form `changedFields` names them in).
   */
  fields: Record<string, CommitStamp<unknown>>;
  /** Whether the record exists, by its latest CREATE, UNDELETE or DELETE (gap events included). */
  exists: CommitStamp<boolean> | null;
  /** A gap event or a diff-only field left the state incomplete: re-read the record. */
  refetch: boolean;
  /** The earliest and latest commit seen. */
  firstAt: number;
  lastAt: number;
}

export interface CdcState {
  /** `<entity>:<record id>` to its state. */
  records: Map<string, CdcRecordState>;
  /** Objects to re-sync whole (overflow or wildcard events), with the latest such commit. */
  resync: Map<string, number>;
}

export function emptyCdcState(): CdcState {
  return { records: new Map(), resync: new Map() };
}

/** Numeric order of decimal strings, without losing precision on long ones. */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Commit order of two stamps; their values break the last tie. */
export function compareCommits<T>(a: CommitStamp<T>, b: CommitStamp<T>): number {
  return (
    a.commitTimestamp - b.commitTimestamp ||
    compareDigits(a.commitNumber, b.commitNumber) ||
    a.sequenceNumber - b.sequenceNumber ||
    compareText(a.transactionKey, b.transactionKey) ||
    compareText(JSON.stringify(a.value ?? null), JSON.stringify(b.value ?? null))
  );
}

/** The commit order of events, for applying them one by one. */
export function compareEvents(a: SalesforceChangeEvent, b: SalesforceChangeEvent): number {
  return (
    a.commitTimestamp - b.commitTimestamp ||
    compareDigits(a.commitNumber, b.commitNumber) ||
    a.sequenceNumber - b.sequenceNumber ||
    compareText(a.transactionKey ?? '', b.transactionKey ?? '')
  );
}

function keep<T>(current: CommitStamp<T> | null | undefined, next: CommitStamp<T>) {
  return current && compareCommits(next, current) <= 0 ? current : next;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The body's fields with compound fields flattened one level (`Name: {LastName}` -> `Name.LastName`). */
export function flattenFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (isPlainObject(value))
      for (const [part, v] of Object.entries(value)) out[`${name}.${part}`] = v;
    else out[name] = value;
  }
  return out;
}

/** The fields an event sets: every field sent on CREATE/UNDELETE, the changed ones on UPDATE. */
function fieldsSet(e: SalesforceChangeEvent): { set: Record<string, unknown>; diff: boolean } {
  const flat = flattenFields(e.fields);
  const diffs = new Set(e.diffFields);
  const set: Record<string, unknown> = {};
  if (e.changeType === 'UPDATE' && e.changedFields.length > 0) {
    for (const name of e.changedFields) {
      if (diffs.has(name)) continue;
      set[name] = Object.hasOwn(flat, name) ? flat[name] : null;
    }
  } else {
    for (const [name, v] of Object.entries(flat)) if (!diffs.has(name)) set[name] = v;
  }
  for (const name of e.nulledFields) set[name] = null;
  return { set, diff: diffs.size > 0 };
}

const stateKey = (entityName: string, recordId: string) => `${entityName}:${recordId}`;

/**
 * Folds events into `state` (a new one if none is given) and returns it. The result does not depend on
 * the order of the events, nor on how often each is delivered.
 */
export function foldChangeEvents(
  events: Iterable<SalesforceChangeEvent>,
  state: CdcState = emptyCdcState(),
): CdcState {
  for (const e of events) {
    if (e.allRecords) {
      state.resync.set(
        e.entityName,
        Math.max(state.resync.get(e.entityName) ?? 0, e.commitTimestamp),
      );
      continue;
    }
    if (e.changeType === 'SNAPSHOT') continue;
    const stamp = <T>(value: T): CommitStamp<T> => ({
      value,
      commitTimestamp: e.commitTimestamp,
      commitNumber: e.commitNumber,
      sequenceNumber: e.sequenceNumber,
      transactionKey: e.transactionKey ?? '',
    });
    const gap = e.changeType.startsWith('GAP_');
    const { set, diff } = gap ? { set: {}, diff: false } : fieldsSet(e);
    for (const recordId of e.recordIds) {
      const key = stateKey(e.entityName, recordId);
      let s = state.records.get(key);
      if (!s) {
        s = {
          entityName: e.entityName,
          recordId,
          fields: {},
          exists: null,
          refetch: false,
          firstAt: e.commitTimestamp,
          lastAt: e.commitTimestamp,
        };
        state.records.set(key, s);
      }
      s.firstAt = Math.min(s.firstAt, e.commitTimestamp);
      s.lastAt = Math.max(s.lastAt, e.commitTimestamp);
      if (gap || diff) s.refetch = true;
      const type = gap ? e.changeType.slice(4) : e.changeType;
      if (type === 'CREATE' || type === 'UNDELETE') s.exists = keep(s.exists, stamp(true));
      else if (type === 'DELETE') s.exists = keep(s.exists, stamp(false));
      for (const [name, value] of Object.entries(set))
        s.fields[name] = keep(s.fields[name], stamp(value));
    }
  }
  return state;
}

/** A record's state as a flat record (`Id` and its latest field values), for the mapping. */
export function stateAsRecord(s: CdcRecordState): Record<string, unknown> {
  const out: Record<string, unknown> = { Id: s.recordId };
  for (const [name, stamp] of Object.entries(s.fields)) out[name] = stamp.value;
  if (s.exists?.value === false) out.IsDeleted = true;
  return out;
}

/**
 * What to read again after these events: each record a gap or a diff-only field left incomplete (and
 * not deleted last), and each object an overflow or wildcard event touched.
 */
export function cdcRefetches(state: CdcState): {
  records: Array<{ entityName: string; recordId: string }>;
  objects: string[];
} {
  const records = [...state.records.values()]
    .filter((s) => s.refetch && s.exists?.value !== false)
    .map((s) => ({ entityName: s.entityName, recordId: s.recordId }))
    .sort((a, b) => compareText(a.entityName, b.entityName) || compareText(a.recordId, b.recordId));
  return { records, objects: [...state.resync.keys()].sort() };
}
