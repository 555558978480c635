import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { listValue, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import type { EventGroup, ImportProgress, Store } from '../../store.js';
import type {
  EventFilter,
  EventOrigin,
  IdentityLink,
  IngestResult,
  NewWorkspace,
  RawEvent,
  Rejection,
  StoredEvent,
  IdentityInputs,
  IdentityRow,
  IdentityOutput,
  PersonJourney,
  QuarantineRow,
  Landing,
  ChannelMove,
  Acquisition,
  SessionRow,
  UserAgentRow,
  Workspace,
  AttributionInputs,
  CreditRow,
  CreditQuery,
  CreditGroup,
} from '../../types.js';
import { countNonBlankLines } from '../../../util/count-lines.js';
import { Db, sqlString, type Row } from './connection.js';
import { ERROR_EXPR, EVENT_COLUMNS, dedupInsertSql, insertNormalisedSql, normalisedColumns, jsonTransformSpec, readJsonColumnsArg } from './event-sql.js';
import { attributionFits, attributionInputs, creditedPersons, creditReport, personCredits, replaceCredits } from './attribution-repo.js';
import { migrate } from './migrate.js';
import { parseJson } from './rows.js';
import { deriveSessions, listSessions, sessionsByChannel } from './sessions-repo.js';
import {
  countPersons,
  currentIdentities,
  deriveLeadMilestones,
  identityInputs,
  leadsByFirstTouchChannel,
  personJourney,
  personsByIdentifier,
  personsOfAnonymousIds,
  quarantinedIdentifiers,
  saveIdentities,
} from './identity-repo.js';

/** How many rejected lines an import lists (all are counted). */
const MAX_LISTED_REJECTIONS = 1000;

interface IngestStatements {
  stage: DuckDBPreparedStatement;
  insertSql: string;
  errorsSql: string;
  clear: DuckDBPreparedStatement;
}

function toWorkspace(r: Row): Workspace {
  return {
    id: String(r.id),
    name: String(r.name),
    currency: String(r.currency),
    timezone: String(r.timezone),
    writeKey: String(r.write_key),
    createdAt: new Date(String(r.created_at)).toISOString(),
  };
}


function toRejection(r: Row): Rejection {
  const [field, reason] = String(r.err).split('|', 2) as [string, string];
  return { line: Number(r.line_no), field, reason };
}

export class DuckDbStore implements Store {
  readonly engine = 'duckdb';
  private isReady = false;

  private constructor(private readonly db: Db) {}

  static async open(path: string): Promise<DuckDbStore> {
    const store = new DuckDbStore(await Db.open(path));
    await migrate(store.db);
    store.isReady = true;
    return store;
  }

  ready(): boolean {
    return this.isReady;
  }

  async schemaVersion(): Promise<number> {
    const rows = await this.db.query('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
    return Number(rows[0]?.v ?? 0);
  }

  // ---- workspaces ----

  async createWorkspace(w: NewWorkspace): Promise<Workspace> {
    await this.db.write((c) =>
      c.run(
        `INSERT INTO workspaces (id, name, currency, timezone, write_key, secret_key_hash)
         VALUES ($id, $name, $currency, $timezone, $wk, $sk)`,
        { id: w.id, name: w.name, currency: w.currency, timezone: w.timezone, wk: w.writeKey, sk: w.secretKeyHash },
      ),
    );
    const ws = await this.getWorkspace(w.id);
    if (!ws) throw new Error(`workspace ${w.id} not found after insert`);
    return ws;
  }

  async listWorkspaces(): Promise<Workspace[]> {
    return (await this.db.query('SELECT * FROM workspaces ORDER BY created_at, id')).map(toWorkspace);
  }

  private async oneWorkspace(where: string, value: string): Promise<Workspace | undefined> {
    const rows = await this.db.query(`SELECT * FROM workspaces WHERE ${where} = $v`, { v: value });
    return rows[0] ? toWorkspace(rows[0]) : undefined;
  }
  getWorkspace(id: string) {
    return this.oneWorkspace('id', id);
  }
  findWorkspaceByWriteKey(writeKey: string) {
    return this.oneWorkspace('write_key', writeKey);
  }
  findWorkspaceBySecretHash(hash: string) {
    return this.oneWorkspace('secret_key_hash', hash);
  }

  // ---- events ----

  async importEventsFile(
    workspaceId: string,
    path: string,
    onProgress?: (p: ImportProgress) => void,
  ): Promise<IngestResult> {
    if (!existsSync(path)) throw new Error(`file not found: ${path}`);
    const batch = `import-${randomUUID()}`;
    const src = `read_ndjson(${sqlString(path)}, columns=${readJsonColumnsArg()}, format='newline_delimited', ignore_errors=true)`;
    const linesPromise = countNonBlankLines(path);
    const inserted = await this.db.write(async (conn) => {
      // DuckDB reports its own progress through a large scan; poll it for the caller's bar.
      const timer = onProgress
        ? setInterval(() => {
            const p = conn.progress;
            if (p.percentage >= 0) onProgress({ fraction: p.percentage / 100, file: path });
          }, 200)
        : undefined;
      try {
        const r = await conn.run(insertNormalisedSql(src), {
          ws: workspaceId,
          received: new Date().toISOString(),
          correct: false,
          origin: 'import',
          batch,
        });
        return r.rowsChanged;
      } finally {
        if (timer) clearInterval(timer);
      }
    });
    onProgress?.({ fraction: 1, file: path });
    const lines = await linesPromise;
    if (inserted === lines) {
      return { received: lines, inserted, duplicates: 0, rejected: [], rejectedCount: 0 };
    }
    // Something was skipped: find which lines and why (slower, only for files that need it).
    const diag = await this.diagnoseFile(path);
    return {
      received: lines,
      inserted,
      duplicates: diag.valid - inserted,
      rejected: diag.rejected,
      rejectedCount: diag.rejectedCount,
    };
  }

  async loadEventJournal(path: string): Promise<{ inserted: number; touched: Map<string, string[]> }> {
    const cols = readJsonColumnsArg({ _ws: 'VARCHAR', _recv: 'VARCHAR', _origin: 'VARCHAR', _batch: 'VARCHAR' });
    const src = `read_ndjson(${sqlString(path)}, columns=${cols}, format='newline_delimited')`;
    const meta = { ws: '_ws', received: 'CAST(_recv AS TIMESTAMPTZ)', correct: "(_origin <> 'import')", origin: '_origin', batch: '_batch' };
    const rows = await this.db.write(async (conn) =>
      (await conn.runAndReadAll(insertNormalisedSql(src, meta, 'RETURNING workspace_id, anonymous_id'))).getRows(),
    );
    // which anonymous ids got new events, per workspace: the derive step re-derives only those
    const touched = new Map<string, Set<string>>();
    for (const [ws, anon] of rows) {
      let set = touched.get(String(ws));
      if (!set) touched.set(String(ws), (set = new Set()));
      // an event with only a userId still changes identity and milestones: the workspace is touched
      if (anon !== null) set.add(String(anon));
    }
    return { inserted: rows.length, touched: new Map([...touched].map(([k, v]) => [k, [...v]])) };
  }

  /** Line-numbered validation of a file, with the same rules the insert applies. */
  private async diagnoseFile(path: string): Promise<{ valid: number; rejected: Rejection[]; rejectedCount: number }> {
    const sql = `
      WITH raw AS (SELECT string_split(content, chr(10)) AS arr FROM read_text(${sqlString(path)})),
      lines AS (SELECT generate_subscripts(arr, 1) AS line_no, unnest(arr) AS line FROM raw),
      parsed AS (
        SELECT line_no, json_valid(line) AS ok,
          CASE WHEN json_valid(line) AND json_type(line) = 'OBJECT' THEN json_transform(line, ${sqlString(jsonTransformSpec())}) END AS e
        FROM lines WHERE trim(line, e' \\t\\r') <> ''),
      cols AS (SELECT line_no, ok, e IS NOT NULL AS obj, unnest(e) FROM parsed),
      checked AS (
        SELECT line_no, CASE WHEN NOT ok THEN 'line|is not valid JSON'
                             WHEN NOT obj THEN 'line|must be a JSON object'
                             ELSE ${ERROR_EXPR} END AS err
        FROM cols)
      SELECT count(*) FILTER (WHERE err IS NULL) AS valid, count(*) FILTER (WHERE err IS NOT NULL) AS bad,
        list({'line_no': line_no, 'err': err} ORDER BY line_no) FILTER (WHERE err IS NOT NULL) AS rejected
      FROM checked`;
    const rows = await this.db.query(sql);
    const r = rows[0] ?? {};
    const rejected = ((r.rejected as Row[] | null) ?? []).slice(0, MAX_LISTED_REJECTIONS).map(toRejection);
    return { valid: Number(r.valid ?? 0), rejected, rejectedCount: Number(r.bad ?? 0) };
  }

  async appendEvents(
    workspaceId: string,
    events: readonly RawEvent[],
    meta: { origin: EventOrigin; receivedAt: Date },
  ): Promise<IngestResult> {
    const [r] = await this.appendEventGroups([{ workspaceId, events, ...meta }]);
    return r!;
  }

  /**
   * Group commit: many requests' events in one statement and one transaction (one WAL sync),
   * with a result per request. Rows carry their own workspace, time and origin as columns.
   */
  async appendEventGroups(groups: readonly EventGroup[]): Promise<IngestResult[]> {
    const lines: string[] = [];
    const wss: string[] = [];
    const received: string[] = [];
    const correct: boolean[] = [];
    const origins: string[] = [];
    const batches: string[] = [];
    const groupOf: number[] = [];
    const positionInGroup: number[] = [];
    const batchIds = groups.map((g) => `${g.origin}-${randomUUID()}`);
    groups.forEach((g, gi) => {
      const at = g.receivedAt.toISOString();
      g.events.forEach((e, i) => {
        lines.push(JSON.stringify(e));
        wss.push(g.workspaceId);
        received.push(at);
        correct.push(g.origin !== 'import');
        origins.push(g.origin);
        batches.push(batchIds[gi]!);
        groupOf.push(gi);
        positionInGroup.push(i + 1);
      });
    });
    const results: IngestResult[] = groups.map((g) => ({
      received: g.events.length,
      inserted: 0,
      duplicates: 0,
      rejected: [],
      rejectedCount: 0,
    }));
    if (lines.length === 0) return results;
    const params = {
      lines: listValue(lines),
      wss: listValue(wss),
      recv: listValue(received),
      corr: listValue(correct),
      origins: listValue(origins),
      batches: listValue(batches),
    };
    const byBatch = new Map(batchIds.map((b, i) => [b, i]));
    await this.db.transaction(async (conn) => {
      const st = await this.ingestStatements(conn);
      st.stage.bind(params);
      await st.stage.run();
      const ins = await conn.runAndReadAll(st.insertSql);
      for (const row of ins.getRows()) results[byBatch.get(String(row[0]))!]!.inserted++;
      const bad = await conn.runAndReadAll(st.errorsSql);
      for (const row of bad.getRowObjectsJson() as Row[]) {
        const idx = Number(row.line_no) - 1;
        const r = results[groupOf[idx]!]!;
        r.rejected.push(toRejection({ line_no: positionInGroup[idx], err: row.err }));
        r.rejectedCount++;
      }
      await st.clear.run();
    });
    for (const r of results) r.duplicates = r.received - r.inserted - r.rejectedCount;
    return results;
  }

  private statements: Promise<IngestStatements> | undefined;

  /**
   * Ingestion statements, planned once: the live path runs them for every group commit, and
   * planning the normaliser's SQL costs more than running it on a few dozen events.
   */
  private ingestStatements(conn: DuckDBConnection): Promise<IngestStatements> {
    this.statements ??= (async () => {
      await conn.run(`CREATE TEMP TABLE IF NOT EXISTS ingest_stage AS
        SELECT *, ''::VARCHAR AS err, 0::BIGINT AS line_no FROM events LIMIT 0`);
      const meta = { ws: '_ws', received: '_recv', correct: '_corr', origin: '_origin', batch: '_batch' };
      const cols = `${EVENT_COLUMNS.join(', ')}`;
      return {
        // Normalises from the bound lists, so its plan never depends on table statistics.
        stage: await conn.prepare(`INSERT INTO ingest_stage (${cols}, err, line_no)
          SELECT ${cols}, err, line_no FROM (
            SELECT ${normalisedColumns(meta)}, line_no FROM (
              SELECT line_no, _ws, CAST(_recv AS TIMESTAMPTZ) AS _recv, _corr, _origin, _batch,
                unnest(json_transform(line, ${sqlString(jsonTransformSpec())}))
              FROM (SELECT generate_subscripts($lines::VARCHAR[], 1) AS line_no, unnest($lines::VARCHAR[]) AS line,
                unnest($wss::VARCHAR[]) AS _ws, unnest($recv::VARCHAR[]) AS _recv, unnest($corr::BOOLEAN[]) AS _corr,
                unnest($origins::VARCHAR[]) AS _origin, unnest($batches::VARCHAR[]) AS _batch)))`),
        // Not prepared: a plan made over the stage table would fold its statistics of the moment into constants.
        insertSql: dedupInsertSql('ingest_stage', 'RETURNING batch_id'),
        errorsSql: 'SELECT line_no, err FROM ingest_stage WHERE err IS NOT NULL ORDER BY line_no',
        clear: await conn.prepare('DELETE FROM ingest_stage'),
      };
    })();
    return this.statements;
  }

  async queryEvents(workspaceId: string, f: EventFilter = {}): Promise<StoredEvent[]> {
    const where = ['workspace_id = $ws'];
    const params: Record<string, string | number> = { ws: workspaceId, limit: Math.min(f.limit ?? 100, 10_000) };
    const filters: [string | undefined, string, string][] = [
      [f.type, 'type', 'type = $type'],
      [f.anonymousId, 'anon', 'anonymous_id = $anon'],
      [f.userId, 'uid', 'user_id = $uid'],
      [f.since, 'since', 'ts >= CAST($since AS TIMESTAMPTZ)'],
      [f.until, 'until', 'ts < CAST($until AS TIMESTAMPTZ)'],
    ];
    for (const [value, name, condition] of filters) {
      if (value === undefined) continue;
      where.push(condition);
      params[name] = value;
    }
    const rows = await this.db.query(
      `SELECT message_id, type, event, name, anonymous_id, user_id,
         strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS ts,
         strftime(received_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS received_at,
         context->>'$.page.url' AS page_url, context->>'$.page.referrer' AS page_referrer,
         properties, traits, context, origin,
         u.browser, u.os, u.device_type, u.is_bot, context->>'$.location.country' AS country
       FROM events e
       LEFT JOIN user_agents u ON u.workspace_id = e.workspace_id AND u.user_agent = (e.context->>'$.userAgent')
       WHERE ${where.map((w) => `e.${w}`).join(' AND ')} ORDER BY ts DESC, message_id LIMIT $limit`,
      params,
    );
    return rows.map((r) => ({
      messageId: String(r.message_id),
      type: String(r.type),
      event: (r.event as string | null) ?? null,
      name: (r.name as string | null) ?? null,
      anonymousId: (r.anonymous_id as string | null) ?? null,
      userId: (r.user_id as string | null) ?? null,
      timestamp: String(r.ts),
      receivedAt: String(r.received_at),
      pageUrl: (r.page_url as string | null) ?? null,
      pageReferrer: (r.page_referrer as string | null) ?? null,
      properties: parseJson(r.properties),
      traits: parseJson(r.traits),
      context: parseJson(r.context),
      origin: String(r.origin) as EventOrigin,
      enrichment: {
        browser: (r.browser as string | null) ?? null,
        os: (r.os as string | null) ?? null,
        deviceType: (r.device_type as string | null) ?? null,
        bot: (r.is_bot as boolean | null) ?? null,
        country: (r.country as string | null) ?? null,
      },
    }));
  }

  async countEvents(workspaceId: string): Promise<number> {
    const rows = await this.db.query('SELECT count(*) AS n FROM events WHERE workspace_id = $ws', { ws: workspaceId });
    return Number(rows[0]?.n ?? 0);
  }

  // ---- derived: user agents ----

  async userAgentsToParse(limit: number): Promise<{ workspaceId: string; userAgent: string }[]> {
    const rows = await this.db.query(
      `SELECT DISTINCT e.workspace_id, e.context->>'$.userAgent' AS ua FROM events e
       ANTI JOIN user_agents u ON u.workspace_id = e.workspace_id AND u.user_agent = (e.context->>'$.userAgent')
       WHERE e.context->>'$.userAgent' IS NOT NULL LIMIT $limit`,
      { limit },
    );
    return rows.map((r) => ({ workspaceId: String(r.workspace_id), userAgent: String(r.ua) }));
  }

  async saveUserAgents(rows: readonly UserAgentRow[]): Promise<void> {
    if (rows.length === 0) return;
    const col = <T,>(f: (r: UserAgentRow) => T) => listValue(rows.map(f) as never[]);
    await this.db.write((c) =>
      c.run(
        `INSERT OR IGNORE INTO user_agents SELECT unnest($ws::VARCHAR[]), unnest($ua::VARCHAR[]), unnest($b::VARCHAR[]),
           unnest($bv::VARCHAR[]), unnest($os::VARCHAR[]), unnest($dt::VARCHAR[]), unnest($bot::BOOLEAN[]), unnest($br::VARCHAR[])`,
        {
          ws: col((r) => r.workspaceId),
          ua: col((r) => r.userAgent),
          b: col((r) => r.browser),
          bv: col((r) => r.browserVersion),
          os: col((r) => r.os),
          dt: col((r) => r.deviceType),
          bot: col((r) => r.bot),
          br: col((r) => r.botReason),
        },
      ),
    );
  }

  // ---- derived: sessions (sessions-repo.ts) ----

  deriveSessions(
    workspaceId: string,
    opts: { inactivityMinutes: number; anonymousIds?: readonly string[] },
    classify: (landings: readonly Landing[]) => Acquisition[],
  ): Promise<{ sessions: number; landings: number; moves: ChannelMove[] }> {
    return deriveSessions(this.db, workspaceId, opts, classify);
  }
  listSessions(workspaceId: string, filter: { anonymousIds?: readonly string[]; limit?: number } = {}): Promise<SessionRow[]> {
    return listSessions(this.db, workspaceId, filter);
  }
  sessionsByChannel(workspaceId: string): Promise<{ channel: string; sessions: number }[]> {
    return sessionsByChannel(this.db, workspaceId);
  }

  // ---- derived: identities and milestones (identity-repo.ts) ----

  identityInputs(workspaceId: string): Promise<IdentityInputs> {
    return identityInputs(this.db, workspaceId);
  }
  currentIdentities(workspaceId: string): Promise<IdentityRow[]> {
    return currentIdentities(this.db, workspaceId);
  }
  saveIdentities(workspaceId: string, out: IdentityOutput): Promise<void> {
    return saveIdentities(this.db, workspaceId, out);
  }
  deriveLeadMilestones(workspaceId: string): Promise<number> {
    return deriveLeadMilestones(this.db, workspaceId);
  }
  personsByIdentifier(workspaceId: string, kind: string, value: string): Promise<string[]> {
    return personsByIdentifier(this.db, workspaceId, kind, value);
  }
  personJourney(workspaceId: string, personId: string): Promise<PersonJourney | undefined> {
    return personJourney(this.db, workspaceId, personId);
  }
  quarantinedIdentifiers(workspaceId: string): Promise<QuarantineRow[]> {
    return quarantinedIdentifiers(this.db, workspaceId);
  }
  personsOfAnonymousIds(workspaceId: string, anonymousIds: readonly string[]): Promise<string[]> {
    return personsOfAnonymousIds(this.db, workspaceId, anonymousIds);
  }
  countPersons(workspaceId: string): Promise<number> {
    return countPersons(this.db, workspaceId);
  }
  leadsByFirstTouchChannel(workspaceId: string): Promise<{ channel: string; leads: number }[]> {
    return leadsByFirstTouchChannel(this.db, workspaceId);
  }

  // ---- derived: attribution credits (attribution-repo.ts) ----

  attributionInputs(workspaceId: string, milestone: string, personIds?: readonly string[]): Promise<AttributionInputs> {
    return attributionInputs(this.db, workspaceId, milestone, personIds);
  }
  replaceCredits(
    workspaceId: string,
    scope: { milestone: string; models: readonly string[]; personIds?: readonly string[] },
    rows: readonly CreditRow[],
    fits?: readonly { model: string; channel: string; score: number }[],
  ): Promise<void> {
    return replaceCredits(this.db, workspaceId, scope, rows, fits);
  }
  creditReport(workspaceId: string, query: CreditQuery): Promise<CreditGroup[]> {
    return creditReport(this.db, workspaceId, query);
  }
  attributionFits(workspaceId: string, milestone: string): Promise<{ model: string; channel: string; score: number }[]> {
    return attributionFits(this.db, workspaceId, milestone);
  }
  creditedPersons(workspaceId: string, milestone: string): Promise<string[]> {
    return creditedPersons(this.db, workspaceId, milestone);
  }
  personCredits(workspaceId: string, personId: string): Promise<(CreditRow & { milestone: string })[]> {
    return personCredits(this.db, workspaceId, personId);
  }

  // ---- settings ----

  async getSetting(workspaceId: string, key: string): Promise<unknown> {
    const rows = await this.db.query('SELECT value FROM workspace_settings WHERE workspace_id = $ws AND key = $k', { ws: workspaceId, k: key });
    return rows[0] ? parseJson(rows[0].value) : undefined;
  }

  async setSetting(workspaceId: string, key: string, value: unknown): Promise<void> {
    await this.db.write((c) =>
      c.run(
        `INSERT INTO workspace_settings (workspace_id, key, value) VALUES ($ws, $k, $v)
         ON CONFLICT (workspace_id, key) DO UPDATE SET value = excluded.value, updated_at = now()`,
        { ws: workspaceId, k: key, v: JSON.stringify(value) },
      ),
    );
  }

  // ---- identity links ----

  async appendIdentityLinks(workspaceId: string, links: readonly IdentityLink[]): Promise<number> {
    if (links.length === 0) return 0;
    return this.db.transaction(async (conn) => {
      const stmt = await conn.prepare(
        `INSERT INTO identity_links (workspace_id, from_kind, from_value, to_kind, to_value, source, linked_at)
         VALUES ($ws, $fk, $fv, $tk, $tv, $src, CAST($at AS TIMESTAMPTZ))`,
      );
      for (const l of links) {
        stmt.bind({ ws: workspaceId, fk: l.fromKind, fv: l.fromValue, tk: l.toKind, tv: l.toValue, src: l.source, at: l.at });
        await stmt.run();
      }
      return links.length;
    });
  }

  async listIdentityLinks(workspaceId: string): Promise<IdentityLink[]> {
    const rows = await this.db.query(
      `SELECT from_kind, from_value, to_kind, to_value, source,
         strftime(linked_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS at
       FROM identity_links WHERE workspace_id = $ws ORDER BY linked_at, recorded_at`,
      { ws: workspaceId },
    );
    return rows.map((r) => ({
      fromKind: String(r.from_kind),
      fromValue: String(r.from_value),
      toKind: String(r.to_kind),
      toValue: String(r.to_value),
      source: String(r.source),
      at: String(r.at),
    }));
  }

  async close(): Promise<void> {
    this.isReady = false;
    await this.db.close();
  }
}
