// Tombstones of erased identifiers (migration v13) and the install secret they are keyed with.
//
// A tombstone is sha256(secret || kind || ':' || normalised value): without the secret nobody can test a
// guessed e-mail against it. The secret lives in `privacy.key` beside the database file, not in it, so a
// copy of the database alone reveals nothing; it is loaded into a DuckDB variable on the writer connection,
// where every event load runs NOT_ERASED_SQL.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ERASED_ID_SPECS, type ErasedIdSpec } from '../../../rules/erased-ids.js';
import { TRIMMED_CHARS } from '../../../rules/opaque-id.js';
import { sqlString, type Db } from './connection.js';
import { jsLower } from './js-lower.js';

export const PRIVACY_KEY_FILE = 'privacy.key';
const KEY_VARIABLE = 'closedloop_privacy_key';

/** The keyed hash of (kind, value), both SQL expressions of text; NULL while no key is loaded. */
export function keyHashSql(kindSql: string, valueSql: string): string {
  return `sha256(getvariable('${KEY_VARIABLE}') || ${kindSql} || ':' || ${valueSql})`;
}

/** How an event's column is spelled before it is compared (rules/erased-ids.ts, erasedIdValue), in SQL. */
export function erasedIdValueSql(spec: ErasedIdSpec, col: string): string {
  const trim = (e: string) => `trim(${e}, ${sqlString(TRIMMED_CHARS)})`;
  let v = trim(col);
  if (spec.lowerCase) v = jsLower(v);
  if (spec.dropPrefix !== null)
    v = trim(`regexp_replace(${v}, ${sqlString(`^${prefixPattern(spec.dropPrefix)}`)}, '')`);
  return v;
}

/** A prefix as a pattern matching it literally (the rule's prefixes are letters and a colon). */
export function prefixPattern(prefix: string): string {
  if (!/^[a-z:]+$/.test(prefix)) throw new Error(`an erased-id prefix is [a-z:]: ${prefix}`);
  return prefix;
}

/** The kinds a load checks, with how an event's column is normalised in SQL. */
export const TOMBSTONED_KINDS: readonly {
  kind: string;
  valueSql: (col: string) => string;
  column: string;
}[] = ERASED_ID_SPECS.map((spec) => ({
  kind: spec.kind,
  column: spec.column,
  valueSql: (c) => erasedIdValueSql(spec, c),
}));

/**
 * Anti-joins for an insert's source relation `s` (the events table's columns): an event is skipped when its
 * anonymous id, user id or e-mail was erased in its workspace after the event's time, and, for a tombstone of
 * a stretch of a shared device (`from_at`/`until_at`, v17), when the event's time is in that stretch. With no
 * tombstones the joins cost nothing, and DuckDB pushes the build side's latest erasure time into the probe as
 * a filter, so events newer than every erasure (live traffic) are not even hashed.
 */
export const NOT_ERASED_SQL = TOMBSTONED_KINDS.map(
  ({ kind, column, valueSql }, i) =>
    `ANTI JOIN erased_identifiers x${i} ON x${i}.workspace_id = s.workspace_id AND x${i}.erased_at > s.ts
      AND x${i}.key_hash = ${keyHashSql(sqlString(kind), valueSql(`s.${column}`))}
      AND (x${i}.from_at IS NULL OR s.ts >= x${i}.from_at) AND (x${i}.until_at IS NULL OR s.ts < x${i}.until_at)`,
).join('\n    ');

/** Where an on-disk database keeps its key (none for an in-memory one). */
export function privacyKeyPath(dbPath: string): string | undefined {
  return dbPath === '' || dbPath === ':memory:'
    ? undefined
    : join(dirname(dbPath), PRIVACY_KEY_FILE);
}

/** The install's key, once loaded or made. */
export class PrivacyKey {
  private loaded = false;
  private key: string | undefined;
  /** The key once loaded or made (undefined: this install has erased nobody yet). */
  get value(): string | undefined {
    return this.key;
  }
  constructor(
    private readonly db: Db,
    readonly path: string | undefined,
  ) {}

  /**
   * Loads the key at open. A store with tombstones but no key could no longer recognise erased ids, and
   * erased persons would come back with their re-sent events: that is an error, not a silent fresh key.
   */
  async load(): Promise<void> {
    if (this.path !== undefined && existsSync(this.path)) {
      await this.use(readKey(this.path));
      return;
    }
    const rows = await this.db.query(
      'SELECT count(*) AS n FROM (SELECT 1 FROM erased_identifiers LIMIT 1)',
    );
    if (Number(rows[0]?.n ?? 0) > 0) {
      throw new Error(
        `${this.path ?? PRIVACY_KEY_FILE} is missing, but the store holds tombstones of erased persons keyed with it: ` +
          'restore the file from the backup of this data directory',
      );
    }
  }

  /** Loads or makes the key: called before tombstones are written. */
  async ensure(): Promise<void> {
    if (this.loaded) return;
    const key = randomBytes(32).toString('hex');
    if (this.path !== undefined) {
      // 'wx': never overwrite a key another process made meanwhile
      const fd = openSync(this.path, 'wx', 0o600);
      try {
        writeSync(fd, `${key}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      const dir = openSync(dirname(this.path), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    }
    await this.use(key);
  }

  private async use(key: string): Promise<void> {
    const set = `SET VARIABLE ${KEY_VARIABLE} = ${sqlString(key)}`;
    // variables belong to a connection: loads run on the writer; the reader gets it for completeness
    await this.db.write((c) => c.run(set));
    await this.db.reads.run(() => this.db.reader.run(set));
    this.key = key;
    this.loaded = true;
  }
}

function readKey(path: string): string {
  const key = readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(key))
    throw new Error(`${path} does not hold a privacy key (64 hex digits)`);
  return key;
}
