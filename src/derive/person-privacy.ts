// A person's export (GDPR Art. 15) and erasure (Art. 17).
//
// The person is found by id or e-mail; their identifiers are the identities of that person. The facts spell
// identifiers raw (` Ann@Example.com`, `020 7946 0018`), so the store hands back candidate spellings that
// contain an identifier and each is normalised here, as identity resolution does, to keep the exact ones.
// Events whose JSON names the person's e-mail elsewhere, and dead letters naming any identifier, are theirs
// too. A shared device (docs/identity.md) is theirs only for their stretches of its time: its other
// persons' events, sessions and tombstones are not touched. Erasure removes every such row in one
// transaction with tombstones and an audit record, then re-derives the workspace.
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/store.js';
import type {
  DeviceSpan,
  ErasureRecord,
  IdentifierKey,
  PersonRows,
  PersonSelection,
  SpellingCandidate,
} from '../store/types.js';
import { normaliseEmail, normaliseKind, normaliseValue, personIdFor } from './identity/index.js';
import { rebuild } from './derive.js';
import { withWorkspaceLock } from './workspace-lock.js';

/** Whom to export or erase: a person id (the API), or an e-mail (the CLI; also finds facts no person holds yet). */
export type PersonTarget = { personId: string } | { email: string };

/** A target that cannot name anyone (an e-mail that does not normalise). */
export class PersonTargetError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export interface PersonExport {
  format: 'closedloop-person-export/1';
  exportedAt: string;
  workspaceId: string;
  /** The person's id now and the earlier ids of theirs in the identity log. */
  personIds: string[];
  identifiers: IdentifierKey[];
  /** Their stretches of the shared devices they used: of those anonymous ids, only these times are theirs. */
  sharedDevices: DeviceSpan[];
  /** Rows per table; `counts` says how many. */
  tables: PersonRows;
  counts: Record<string, number>;
}

/** Every fact and derived row about the person, or undefined when nothing is stored about them. */
export async function exportPerson(
  store: Store,
  workspaceId: string,
  target: PersonTarget,
): Promise<PersonExport | undefined> {
  const sel = await selectPerson(store, workspaceId, target, { unnamedDeadLetters: false });
  if (!sel) return undefined;
  const tables = maskOtherPersons(await store.personRows(workspaceId, sel), sel.personIds);
  return {
    format: 'closedloop-person-export/1',
    exportedAt: new Date().toISOString(),
    workspaceId,
    personIds: sel.personIds,
    identifiers: sel.identifiers,
    sharedDevices: sel.sharedDevices,
    tables,
    counts: Object.fromEntries(Object.entries(tables).map(([t, rows]) => [t, rows.length])),
  };
}

/** What an export shows in place of another person's id. */
export const OTHER_PERSON = 'another person';

/**
 * The identity log's rows about the person may name others too (a shared device split between them and
 * someone else): those ids are the other person's, so the export shows OTHER_PERSON in their place.
 */
function maskOtherPersons(tables: PersonRows, personIds: readonly string[]): PersonRows {
  const mine = new Set(personIds);
  const mask = (id: unknown) => (typeof id === 'string' && !mine.has(id) ? OTHER_PERSON : id);
  const changes = tables.identity_changes;
  if (!changes) return tables;
  return {
    ...tables,
    identity_changes: changes.map((r) => ({
      ...r,
      person_id: mask(r.person_id),
      others: Array.isArray(r.others) ? r.others.map(mask) : r.others,
    })),
  };
}

export interface ErasureOptions {
  via: 'api' | 'cli';
  /**
   * Moves everything acknowledged so far (the ingestion journal) into the store first, and waits until
   * the journal keeps none of it (its stored segments are kept until derived).
   */
  flush?: () => Promise<unknown>;
}

/**
 * Removes every row about the person from every table, keeps tombstones of their identifiers (so that a
 * re-sent old event does not bring them back) and an audit record naming no personal data, then
 * re-derives the workspace. Undefined when nothing is stored about them.
 */
export async function erasePerson(
  store: Store,
  workspaceId: string,
  target: PersonTarget,
  opts: ErasureOptions,
): Promise<ErasureRecord | undefined> {
  await opts.flush?.();
  // a dead letter too broken to name its workspace is erased when it names the person (never exported: it
  // may be another workspace's)
  const sel = await selectPerson(store, workspaceId, target, { unnamedDeadLetters: true });
  if (!sel) return undefined;
  const erasureId = `er_${randomBytes(12).toString('hex')}`;
  const at = new Date();
  // no derive may interleave: one started before would write back rows read before the delete
  await withWorkspaceLock(store, workspaceId, () =>
    store.erasePerson(workspaceId, sel, { erasureId, via: opts.via, at }),
  );
  // the person's derived rows are gone already; the rebuild settles what their facts fed into others'
  // (data-driven credits and fits, an identifier's quarantine)
  await rebuild(store, workspaceId);
  await store.completeErasure(erasureId);
  // the audit record as stored (rows removed per table, when re-derived)
  const record = (await store.listErasures(workspaceId)).find((e) => e.id === erasureId);
  if (!record) throw new Error(`erasure ${erasureId} has no audit record`);
  return record;
}

/** The person's identifiers and how the facts spell them; undefined when nothing is stored about them. */
export async function selectPerson(
  store: Store,
  workspaceId: string,
  target: PersonTarget,
  opts: { unnamedDeadLetters: boolean },
): Promise<PersonSelection | undefined> {
  let persons: string[];
  const extra: IdentifierKey[] = [];
  if ('email' in target) {
    const e = normaliseEmail(target.email);
    if (e.value === undefined)
      throw new PersonTargetError(`is not a valid e-mail (${e.reason})`, 'email');
    persons = await store.personsByIdentifier(workspaceId, 'email', e.value);
    extra.push({ kind: 'email', value: e.value });
  } else {
    persons = [target.personId];
  }
  const identifiers = uniqueIds([
    ...(await store.personIdentifiers(workspaceId, persons)),
    ...extra,
  ]);
  if (identifiers.length === 0) return undefined;
  const known = new Set(identifiers.map(idKey));
  const sharedDevices = await store.sharedDeviceSpans(workspaceId, persons);
  const shared = new Set(sharedDevices.map((d) => d.anonymousId));
  const sel: PersonSelection = {
    personIds: [],
    identifiers,
    events: {
      anonymousIds: [],
      userIds: [],
      previousIds: [],
      emails: [],
      phones: [],
      messageIds: [],
      deviceSpans: [],
    },
    links: [],
    deadLetters: [],
    sharedDevices,
  };
  // a shared device's spellings (as an anonymous or an alias's previous id) are theirs for their stretches only
  // (an identity link with a shared device at one end is theirs through its other end, if at all)
  const sharedSpelling = (c: SpellingCandidate): string | undefined => {
    if (
      c.column === 'identity_link'
        ? normaliseKind(c.kind) !== 'anonymous_id'
        : c.column !== 'anonymous_id' && c.column !== 'previous_id'
    )
      return undefined;
    const v = normaliseValue('anonymous_id', c.value).value;
    return v !== undefined && shared.has(v) ? v : undefined;
  };

  const spellings = await store.identifierSpellings(workspaceId, {
    text: identifiers.filter((i) => i.kind !== 'phone').map((i) => i.value),
    digits: identifiers
      .filter((i) => i.kind === 'phone')
      .map((i) => i.value.replace(/\D/g, '').slice(-7)),
  });
  for (const c of spellings) {
    if (!spells(c, known)) continue;
    const device = sharedSpelling(c);
    if (device !== undefined) {
      if (c.column === 'identity_link') continue;
      for (const d of sharedDevices)
        if (d.anonymousId === device) sel.events.deviceSpans.push({ ...d, anonymousId: c.value });
    } else if (c.column === 'identity_link') sel.links.push({ kind: c.kind, value: c.value });
    else sel.events[EVENT_LISTS[c.column]].push(c.value);
  }

  const emails = identifiers.filter((i) => i.kind === 'email').map((i) => i.value);
  // a dead letter has no time to place it in a stretch: naming a shared device alone does not make it theirs
  const opaque = uniqueStrings([
    ...identifiers
      .filter((i) => i.kind !== 'email' && !(i.kind === 'anonymous_id' && shared.has(i.value)))
      .map((i) => i.value),
    ...sel.events.anonymousIds,
    ...sel.events.userIds,
    ...sel.events.phones,
    ...sel.links.filter((l) => normaliseKind(l.kind) !== 'email').map((l) => l.value),
  ]);
  const mentions = await store.textMentions(workspaceId, {
    eventNeedles: emails,
    letterNeedles: [...emails, ...opaque],
    unnamed: opts.unnamedDeadLetters,
  });
  sel.events.messageIds = mentions.events
    .filter((m) => emails.some((e) => mentionsEmail(m.text, e)))
    .map((m) => m.messageId);
  sel.deadLetters = mentions.deadLetters
    .filter((d) => {
      const text = d.raw.toString('utf8');
      const lower = text.toLowerCase();
      // an id counts as a whole JSON string, so that id "42" does not match every line with a 42 in it
      return (
        emails.some((e) => mentionsEmail(lower, e)) ||
        opaque.some((v) => text.includes(JSON.stringify(v)))
      );
    })
    .map((d) => d.id);

  // a shared device names no person of theirs: the person it was before it was shared is in the log as split
  // into theirs and the others' (found through their id), and may have been another's before
  const seeds = uniqueStrings([
    ...persons,
    ...identifiers
      .filter((i) => !(i.kind === 'anonymous_id' && shared.has(i.value)))
      .map((i) => personIdFor(i.kind, i.value, 0)),
  ]);
  sel.personIds = await store.formerPersonIds(workspaceId, seeds, persons);
  for (const list of [
    sel.events.anonymousIds,
    sel.events.userIds,
    sel.events.previousIds,
    sel.events.emails,
    sel.events.phones,
    sel.events.messageIds,
  ])
    list.sort();
  const found =
    persons.some((p) => sel.personIds.includes(p)) ||
    Object.values(sel.events).some((l) => l.length > 0) ||
    sel.links.length > 0 ||
    sel.deadLetters.length > 0;
  return found ? sel : undefined;
}

const EVENT_LISTS: Record<
  Exclude<SpellingCandidate['column'], 'identity_link'>,
  Exclude<keyof PersonSelection['events'], 'deviceSpans'>
> = {
  anonymous_id: 'anonymousIds',
  user_id: 'userIds',
  previous_id: 'previousIds',
  email: 'emails',
  phone: 'phones',
};

/** Whether a raw value spells one of the known identifiers, normalised as identity resolution does. */
export function spells(c: SpellingCandidate, known: ReadonlySet<string>): boolean {
  if (c.column === 'previous_id') {
    // an alias's previous id is read as an anonymous id; a user id of the person is theirs too
    const v = normaliseValue('anonymous_id', c.value).value;
    return (
      v !== undefined &&
      (known.has(idKey({ kind: 'anonymous_id', value: v })) ||
        known.has(idKey({ kind: 'user_id', value: v })))
    );
  }
  const kind = normaliseKind(c.kind);
  if (kind === undefined) return false;
  const v = normaliseValue(kind, c.value).value;
  return v !== undefined && known.has(idKey({ kind, value: v }));
}

// characters that may stand right before or after an e-mail address as part of a longer one
const LOCAL_CHAR = /[a-z0-9._%+'\u00a1-\uffff-]/;
const DOMAIN_CHAR = /[a-z0-9\u00a1-\uffff-]/;

/**
 * Whether lower-cased text names this (normalised) e-mail as a whole address, not as the tail or head of a
 * longer one (`ann@x.io` is not in `joann@x.io` nor in `ann@x.io.uk`).
 */
export function mentionsEmail(text: string, email: string): boolean {
  for (let i = text.indexOf(email); i >= 0; i = text.indexOf(email, i + 1)) {
    const before = i > 0 ? text[i - 1]! : '';
    const after = text.slice(i + email.length, i + email.length + 2);
    const headOk = before === '' || !LOCAL_CHAR.test(before);
    const tailOk =
      after === '' ||
      (!DOMAIN_CHAR.test(after[0]!) &&
        !(after[0] === '.' && after.length > 1 && DOMAIN_CHAR.test(after[1]!)));
    if (headOk && tailOk) return true;
  }
  return false;
}

const idKey = (i: IdentifierKey) => `${i.kind}\u0000${i.value}`;

function uniqueIds(ids: readonly IdentifierKey[]): IdentifierKey[] {
  const seen = new Map<string, IdentifierKey>();
  for (const i of ids) seen.set(idKey(i), i);
  return [...seen.values()].sort((a, b) =>
    idKey(a) < idKey(b) ? -1 : idKey(a) > idKey(b) ? 1 : 0,
  );
}

function uniqueStrings(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}
