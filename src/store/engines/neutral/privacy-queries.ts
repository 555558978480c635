// Which rows are a person's, per table, written once for every engine: one list of (table, filter) serves
// export and erasure alike, so what is exported is what is erased; and which identifiers an erasure
// tombstones. Each engine reads the rows in its own JSON form and deletes them its own way (a DuckDB
// transaction; ClickHouse's synchronous mutations, step by step).
import { ERASED_ID_SPECS } from '../../../rules/erased-ids.js';
import type { IdentifierKey } from '../../areas/identity.js';
import type { DeviceSpan, PersonSelection } from '../../areas/privacy.js';
import { phoneTextPattern } from '../../../rules/phone-spellings.js';
import { fn, ident, join, p, sql, type Sql } from './sql.js';
import { STRIPE_CUSTOMER_KIND } from './stripe-queries.js';

/** The tables holding rows about a person, in the order an erasure deletes them: facts first. */
export const PERSON_TABLE_KINDS = {
  events: 'fact',
  identity_links: 'fact',
  dead_letters: 'fact',
  // CRM changes and revenue before their match keys: they are found through the keys
  crm_changes: 'fact',
  revenue_records: 'fact',
  // a Stripe customer's facts are found through its customer fact's match keys
  stripe_facts: 'fact',
  crm_match_keys: 'fact',
  // vendor deliveries naming the person (a Pipedrive person's e-mail, an Outbound Message's Lead)
  webhook_receipts: 'fact',
  sessions: 'derived',
  identities: 'derived',
  identity_seen: 'derived',
  identity_edges: 'derived',
  identity_quarantine: 'derived',
  // a log a rebuild cannot reproduce, so its rows naming the person go too
  identity_changes: 'log',
  milestones: 'derived',
  attribution_credits: 'derived',
  person_first_touch: 'derived',
  report_sessions: 'derived',
  subscription_months: 'derived',
} as const satisfies Record<string, 'fact' | 'derived' | 'log'>;
export type PersonTableName = keyof typeof PERSON_TABLE_KINDS;

export interface PersonTable {
  table: PersonTableName;
  kind: 'fact' | 'derived' | 'log';
  /** Versioned rows (ClickHouse keeps dead letters as ReplacingMergeTree versions): read and counted with FINAL. */
  versioned: boolean;
  /** The person's rows of the table. */
  where: Sql;
}

/** Joins a (kind, value) pair into one text: kinds never hold this character (checked). */
const PAIR_SEP = '\u001f';

/** The conditions that hold, OR-ed; `false` when none can (an empty list names no row). */
function anyOf(conds: readonly (Sql | undefined)[]): Sql {
  const some = conds.filter((c): c is Sql => c !== undefined);
  return some.length === 0 ? sql`false` : sql`(${join(some, ' OR ')})`;
}

const inValues = (column: string, values: readonly string[]): Sql | undefined =>
  values.length === 0 ? undefined : sql`${fn.inSet(ident(column), p.texts(values))}`;

/** Whether the row's (kindColumn, valueColumn) is one of the pairs. */
function inPairs(
  kindColumn: string,
  valueColumn: string,
  pairs: readonly IdentifierKey[],
): Sql | undefined {
  if (pairs.length === 0) return undefined;
  for (const { kind } of pairs)
    if (kind.includes(PAIR_SEP)) throw new Error(`an identifier kind holds U+001F: ${kind}`);
  const joined = sql`concat(${ident(kindColumn)}, ${p.text(PAIR_SEP)}, ${ident(valueColumn)})`;
  return sql`${fn.inSet(joined, p.texts(pairs.map((x) => `${x.kind}${PAIR_SEP}${x.value}`)))}`;
}

/**
 * Whether the row's shared-device column `column` is one of the spans' devices and `ts` in its stretch
 * `[from, until)` (null: unbounded), as the derive maps a shared device's events and sessions to persons
 * (identity-spans.ts). A person has few such stretches: one condition each.
 */
function inSpans(column: string, ts: string, spans: readonly DeviceSpan[]): Sql | undefined {
  if (spans.length === 0) return undefined;
  return anyOf(
    spans.map((s) => {
      const parts = [sql`${ident(column)} = ${p.text(s.anonymousId)}`];
      if (s.from !== null) parts.push(sql`${ident(ts)} >= ${p.time(s.from)}`);
      if (s.until !== null) parts.push(sql`${ident(ts)} < ${p.time(s.until)}`);
      return sql`(${join(parts, ' AND ')})`;
    }),
  );
}

/**
 * CRM changes whose match keys name one of the person's identifiers (an e-mail, phone or anonymous id,
 * as the identities table spells them), by key: the change and all of its match keys are theirs.
 */
function crmKeysOf(workspaceId: string, owned: readonly IdentifierKey[]): Sql | undefined {
  const named = inPairs('kind', 'value', owned);
  if (named === undefined) return undefined;
  return sql`key IN (SELECT key FROM ${fn.table('crm_match_keys')}
    WHERE workspace_id = ${p.text(workspaceId)} AND ${named})`;
}

/**
 * Vendor deliveries naming the person, by their raw body: an e-mail (in any case, not part of a longer
 * one), a phone in any spelling of its international or national digits (rules/phone-spellings.ts), an
 * id as a whole JSON string or XML text (`"id"`, `>id<`), never a part of a longer value.
 */
function receiptsNaming(sel: PersonSelection, owned: readonly IdentifierKey[]): Sql[] {
  const emails = new Set(sel.events.emails.map((e) => e.trim().toLowerCase()).filter(Boolean));
  const phones = new Set(sel.events.phones);
  const ids = new Set<string>();
  for (const i of owned) {
    if (i.kind === 'email') emails.add(i.value.toLowerCase());
    else if (i.kind === 'phone') phones.add(i.value);
    else if (i.value.length >= 3) ids.add(i.value);
  }
  const out: Sql[] = [];
  // an e-mail not inside a longer one (`joann@x.test` does not name ann@x.test)
  for (const e of emails)
    out.push(
      sql`${fn.regexpMatchesBound(
        fn.lower('body'),
        `(^|[^a-z0-9._%+-])${e.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^a-z0-9.-]|[.][^a-z0-9]|[.]?$)`,
      )}`,
    );
  const idForms = [...ids].flatMap((v) => [JSON.stringify(v), `>${v}<`]);
  if (idForms.length > 0) out.push(sql`${fn.containsAny('body', idForms)}`);
  for (const phone of phones) {
    const pattern = phoneTextPattern(phone);
    if (pattern) out.push(sql`${fn.regexpMatchesBound('body', pattern)}`);
  }
  return out;
}

/**
 * Stripe facts of the customers whose customer fact names one of the person's identifiers: every
 * event and object of such a customer (a subscription names no e-mail, but is theirs).
 */
function stripeCustomersOf(workspaceId: string, owned: readonly IdentifierKey[]): Sql | undefined {
  const keys = crmKeysOf(workspaceId, owned);
  if (keys === undefined) return undefined;
  return sql`(customer_id IN (SELECT value FROM ${fn.table('crm_match_keys')}
    WHERE workspace_id = ${p.text(workspaceId)} AND kind = 'stripe_customer' AND ${keys}) OR ${keys})`;
}

/**
 * Each table's rows about the person. A shared device is the person's only for their stretches of its time:
 * its events by their time and its sessions by their start, its identities rows by person id; the
 * identifiers the filters match by (kind, value) leave it out, so its rows of other persons, and its edges
 * to them, stay.
 */
export function personTables(workspaceId: string, sel: PersonSelection): PersonTable[] {
  const ws = sql`workspace_id = ${p.text(workspaceId)}`;
  const owned = ownedIdentifiers(sel);
  const e = sel.events;
  const pids = sel.personIds;
  const where: Record<PersonTableName, Sql> = {
    events: sql`${ws} AND ${anyOf([
      inValues('anonymous_id', e.anonymousIds),
      inValues('user_id', e.userIds),
      inValues('previous_id', e.previousIds),
      inValues('email', e.emails),
      inValues('phone', e.phones),
      inValues('message_id', e.messageIds),
      inSpans('anonymous_id', 'ts', e.deviceSpans),
      inSpans('previous_id', 'ts', e.deviceSpans),
    ])}`,
    identity_links: sql`${ws} AND ${anyOf([
      inPairs('from_kind', 'from_value', sel.links),
      inPairs('to_kind', 'to_value', sel.links),
    ])}`,
    // the selection names dead letters of this workspace (and, for an erasure, lines too broken to name one)
    dead_letters: anyOf([inValues('id', sel.deadLetters)]),
    crm_changes: sql`${ws} AND ${anyOf([crmKeysOf(workspaceId, owned)])}`,
    revenue_records: sql`${ws} AND ${anyOf([crmKeysOf(workspaceId, owned)])}`,
    stripe_facts: sql`${ws} AND ${anyOf([stripeCustomersOf(workspaceId, owned)])}`,
    crm_match_keys: sql`${ws} AND ${anyOf([crmKeysOf(workspaceId, owned)])}`,
    webhook_receipts: sql`${ws} AND ${anyOf(receiptsNaming(sel, owned))}`,
    sessions: sql`${ws} AND ${anyOf([
      inValues('anonymous_id', e.anonymousIds),
      inSpans('anonymous_id', 'started_at', e.deviceSpans),
    ])}`,
    identities: sql`${ws} AND ${anyOf([inPairs('kind', 'value', owned), inValues('person_id', pids)])}`,
    identity_seen: sql`${ws} AND ${anyOf([inPairs('kind', 'value', owned)])}`,
    identity_edges: sql`${ws} AND ${anyOf([
      inPairs('a_kind', 'a_value', owned),
      inPairs('b_kind', 'b_value', owned),
    ])}`,
    identity_quarantine: sql`${ws} AND ${anyOf([inPairs('kind', 'value', owned)])}`,
    identity_changes: sql`${ws} AND ${anyOf([
      inValues('person_id', pids),
      pids.length === 0 ? undefined : sql`${fn.listHasAny(fn.jsonTexts('others'), p.texts(pids))}`,
    ])}`,
    milestones: sql`${ws} AND ${anyOf([inValues('person_id', pids)])}`,
    attribution_credits: sql`${ws} AND ${anyOf([inValues('person_id', pids)])}`,
    person_first_touch: sql`${ws} AND ${anyOf([inValues('person_id', pids)])}`,
    report_sessions: sql`${ws} AND ${anyOf([
      inValues('anonymous_id', e.anonymousIds),
      inSpans('anonymous_id', 'started_at', e.deviceSpans),
      inValues('person_id', pids),
    ])}`,
    subscription_months: sql`${ws} AND ${anyOf([inValues('person_id', pids)])}`,
  };
  return (Object.keys(PERSON_TABLE_KINDS) as PersonTableName[]).map((table) => ({
    table,
    kind: PERSON_TABLE_KINDS[table],
    versioned: table === 'dead_letters' || table === 'webhook_receipts',
    where: where[table],
  }));
}

/** The person's rows of a table, counted (a versioned row once, not per version). */
export function countPersonRowsSql(t: PersonTable): Sql {
  const from = t.versioned ? fn.tableFinal(t.table) : fn.table(t.table);
  return sql`SELECT ${fn.countAll()} AS n FROM ${from} WHERE ${t.where}`;
}

/** The identifiers wholly the person's: all but the shared devices, of which only stretches are theirs. */
function ownedIdentifiers(sel: PersonSelection): IdentifierKey[] {
  const shared = new Set(sel.sharedDevices.map((d) => d.anonymousId));
  return sel.identifiers.filter((i) => !(i.kind === 'anonymous_id' && shared.has(i.value)));
}

/** The kinds a load checks against the tombstones (rules/erased-ids.ts). */
export const TOMBSTONED_KIND_NAMES: readonly string[] = ERASED_ID_SPECS.map((s) => s.kind);

/** An identifier to tombstone (normalised), for all time or, of a shared device, for a stretch. */
export interface TombstoneKey {
  kind: string;
  value: string;
  from: string | null;
  until: string | null;
}

/**
 * What an erasure tombstones: the identifiers wholly the person's that a load checks, and of a shared
 * device only their stretches, so that the other persons' events on it, old or new, still load.
 */
export function tombstoneKeys(sel: PersonSelection): TombstoneKey[] {
  const keys: TombstoneKey[] = [
    ...ownedIdentifiers(sel)
      .filter((i) => TOMBSTONED_KIND_NAMES.includes(i.kind))
      .map((i) => ({ kind: i.kind, value: i.value, from: null, until: null })),
    ...sel.sharedDevices.map((d) => ({
      kind: 'anonymous_id',
      value: d.anonymousId,
      from: d.from,
      until: d.until,
    })),
  ];
  const seen = new Set<string>();
  return keys.filter((k) => {
    const key = JSON.stringify([k.kind, k.value, k.from, k.until]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The tombstone kind of a Stripe customer id (its subscriptions and invoices name no e-mail, only it). */
export const STRIPE_CUSTOMER_TOMBSTONE = STRIPE_CUSTOMER_KIND;

/**
 * The person's Stripe customer ids (read before an erasure deletes them): an erasure tombstones them, so
 * a backfill or a redelivered event of the customer's subscriptions and invoices is not stored again.
 */
export function erasedStripeCustomersSql(
  workspaceId: string,
  sel: PersonSelection,
): Sql | undefined {
  const keys = crmKeysOf(workspaceId, ownedIdentifiers(sel));
  if (keys === undefined) return undefined;
  return sql`SELECT DISTINCT value FROM ${fn.table('crm_match_keys')}
    WHERE workspace_id = ${p.text(workspaceId)} AND kind = ${p.text(STRIPE_CUSTOMER_TOMBSTONE)} AND ${keys}
    ORDER BY value`;
}

/** The tombstones of those Stripe customer ids (unbounded in time, as an identifier's). */
export function stripeCustomerTombstones(ids: readonly string[]): TombstoneKey[] {
  return ids.map((value) => ({ kind: STRIPE_CUSTOMER_TOMBSTONE, value, from: null, until: null }));
}
