// CRM tombstones: a CRM change or payment naming an erased person (by an e-mail or the tracker's
// anonymous id erased after the change's time) is not stored again when a webhook re-delivers it, a
// backfill re-reads it or a file is imported again, as an event naming them is not loaded again. The
// tombstones are the erasure's own (erased_identifiers, keyed hashes); the facts are in JavaScript
// already, so their hashes are made here and only matching tombstones are read, on either engine.
import { ERASED_ID_SPECS, erasedIdValue } from '../../../rules/erased-ids.js';
import type { CrmChangeFact } from '../../areas/crm.js';
import { fn, p, sql, type Sql } from './sql.js';
import { keyHash } from './tombstone-hash.js';

type Row = Record<string, unknown>;

const EMAIL = ERASED_ID_SPECS.find((s) => s.kind === 'email')!;
const ANONYMOUS_ID = ERASED_ID_SPECS.find((s) => s.kind === 'anonymous_id')!;

/** What a CRM fact names that an erasure tombstones: its e-mails and anonymous ids, hashed. */
function hashesOf(privacyKey: string, match: CrmChangeFact['match']): string[] {
  return [
    ...match.emails.map((e) => keyHash(privacyKey, EMAIL.kind, erasedIdValue(EMAIL, e))),
    ...match.anonymousIds.map((a) =>
      keyHash(privacyKey, ANONYMOUS_ID.kind, erasedIdValue(ANONYMOUS_ID, a)),
    ),
  ];
}

/** The workspace's tombstones among these hashes, with their times in epoch ms. */
export function crmTombstonesSql(ws: string, hashes: readonly string[]): Sql {
  return sql`SELECT key_hash, ${fn.epochMs('erased_at')} AS erased_ms,
      ${fn.epochMs('from_at')} AS from_ms, ${fn.epochMs('until_at')} AS until_ms
    FROM ${fn.table('erased_identifiers')}
    WHERE workspace_id = ${p.text(ws)} AND ${fn.inSet('key_hash', p.texts(hashes))}`;
}

interface Tombstone {
  erasedMs: number;
  fromMs: number | null;
  untilMs: number | null;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * The facts no tombstone names, and how many were left out. `read` runs crmTombstonesSql on the
 * engine; with no privacy key nothing was ever erased in this install, so nothing is read. `also`
 * names further (kind, value) pairs of a fact an erasure tombstones (a Stripe object's customer id).
 */
export async function withoutErased<
  T extends { occurredAt: number; match: CrmChangeFact['match'] },
>(
  ws: string,
  facts: readonly T[],
  privacyKey: string | undefined,
  read: (q: Sql) => Promise<Row[]>,
  also: (f: T) => ReadonlyArray<{ kind: string; value: string }> = () => [],
): Promise<{ kept: T[]; erased: number }> {
  if (privacyKey === undefined || facts.length === 0) return { kept: [...facts], erased: 0 };
  const hashes = facts.map((f) => [
    ...hashesOf(privacyKey, f.match),
    ...also(f).map((i) => keyHash(privacyKey, i.kind, i.value)),
  ]);
  const all = [...new Set(hashes.flat())];
  if (all.length === 0) return { kept: [...facts], erased: 0 };
  const byHash = new Map<string, Tombstone[]>();
  for (const r of await read(crmTombstonesSql(ws, all))) {
    const h = String(r.key_hash);
    const t = { erasedMs: Number(r.erased_ms), fromMs: num(r.from_ms), untilMs: num(r.until_ms) };
    byHash.set(h, [...(byHash.get(h) ?? []), t]);
  }
  if (byHash.size === 0) return { kept: [...facts], erased: 0 };
  // as for events: erased after the fact's time, and within a shared device's stretch when it has one
  const named = (f: T, i: number) =>
    hashes[i]!.some((h) =>
      (byHash.get(h) ?? []).some(
        (t) =>
          t.erasedMs > f.occurredAt &&
          (t.fromMs === null || f.occurredAt >= t.fromMs) &&
          (t.untilMs === null || f.occurredAt < t.untilMs),
      ),
    );
  const kept = facts.filter((f, i) => !named(f, i));
  return { kept, erased: facts.length - kept.length };
}
