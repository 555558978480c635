// The ClickHouse schema, as data: one spec per table, rendered for a single server (MergeTree family) or
// for a cluster (`ON CLUSTER`, Replicated* engines; docs/scale-out.md). The same tables as DuckDB's
// (../duckdb/migrations.ts, docs/data-model.md); the workspaces and settings of the control plane live
// in the control store, not here.
//
// Layout choices: every sort key leads with workspace_id. Events are partitioned by month and
// de-duplicated by message id at insert (never by FINAL on reads); derived tables are partitioned by
// workspace, so a rebuild writes a stage table and swaps the workspace's partition in one step (ALTER
// TABLE ... REPLACE PARTITION), which is how an engine without multi-statement transactions stays
// all-or-nothing; a live derive replaces some persons' rows by a delete written as a patch part
// (delete-rows.ts), which needs the block number and offset columns kept. Small audit tables whose rows
// change once (a retry time, a re-derive time) are ReplacingMergeTree on a version and read with FINAL:
// they hold a handful of rows per workspace.
//
// On several shards a workspace lives whole on one shard (shard.ts), each shard holds these tables, and
// `Distributed` tables over them (`distributedTableSql`) serve reads across workspaces only: the derive's
// partition swaps, patch-part deletes and de-duplicating inserts act on a shard's own tables.

export interface TableSpec {
  name: string;
  /** `name Type` column definitions, in order. */
  columns: readonly string[];
  engine: 'MergeTree' | 'ReplacingMergeTree';
  /** ReplacingMergeTree's version column (the row with the highest wins). */
  version?: string;
  orderBy: readonly string[];
  partitionBy?: string;
  /** Skip indexes: `name expr TYPE kind GRANULARITY n`. */
  indexes?: readonly string[];
  settings?: Readonly<Record<string, string | number>>;
  /** Why the table is laid out so (kept beside the spec). */
  note: string;
}

import { shardingKeySql } from './shard.js';

const TS = "DateTime64(3, 'UTC')";
const S = 'String';
const NS = 'Nullable(String)';

/**
 * The table settings a live derive's deletes need: each row's block number and offset kept, so a DELETE
 * is a patch part written at once rather than a mutation waited for (delete-rows.ts).
 */
export const PATCH_DELETE_TABLE_SETTINGS = {
  enable_block_number_column: 1,
  enable_block_offset_column: 1,
} as const;

export const TABLES: readonly TableSpec[] = [
  {
    name: 'events',
    note: 'facts; read per person in time order, so sorted by anonymous id and time',
    columns: [
      `workspace_id ${S}`,
      `message_id ${S}`,
      `type LowCardinality(${S})`,
      `event ${NS}`,
      `name ${NS}`,
      `anonymous_id ${NS}`,
      `user_id ${NS}`,
      `previous_id ${NS}`,
      `group_id ${NS}`,
      `ts ${TS}`,
      `received_at ${TS}`,
      `properties ${NS}`,
      `traits ${NS}`,
      `context ${NS}`,
      `origin LowCardinality(${S})`,
      `batch_id ${S}`,
      `page_url ${NS}`,
      `page_referrer ${NS}`,
      `campaign ${NS}`,
      `user_agent ${NS}`,
      `country ${NS}`,
      `email ${NS}`,
      `phone ${NS}`,
    ],
    engine: 'MergeTree',
    orderBy: ['workspace_id', 'anonymous_id', 'ts', 'message_id'],
    partitionBy: 'toYYYYMM(ts)',
    indexes: [
      'message_id_bf message_id TYPE bloom_filter(0.001) GRANULARITY 4',
      'user_id_bf user_id TYPE bloom_filter(0.01) GRANULARITY 4',
      'batch_id_set batch_id TYPE set(64) GRANULARITY 4',
    ],
    settings: { allow_nullable_key: 1 },
  },
  {
    name: 'identity_links',
    note: 'facts: links stated by connectors (a CRM contact id to an email, ...)',
    columns: [
      `workspace_id ${S}`,
      `from_kind ${S}`,
      `from_value ${S}`,
      `to_kind ${S}`,
      `to_value ${S}`,
      `source ${S}`,
      `linked_at ${TS}`,
      `recorded_at ${TS} DEFAULT now64(3)`,
    ],
    engine: 'MergeTree',
    orderBy: ['workspace_id', 'from_kind', 'from_value'],
  },
  {
    name: 'crm_changes',
    note: 'facts: CRM object changes, one row per key (a re-delivered change is skipped at append)',
    columns: [
      `workspace_id ${S}`,
      `key ${S}`,
      `source LowCardinality(${S})`,
      `account ${NS}`,
      `object_type LowCardinality(${S})`,
      `object_id ${S}`,
      `change LowCardinality(${S})`,
      `occurred_at ${TS}`,
      `time_source LowCardinality(${S})`,
      `stage ${NS}`,
      `pipeline ${NS}`,
      `milestone ${NS}`,
      `outcome ${NS}`,
      'amount_minor Nullable(Int64)',
      `currency ${NS}`,
      `lost_reason ${NS}`,
      `merged_into ${NS}`,
      `converted_contact_id ${NS}`,
      `converted_company_id ${NS}`,
      `converted_deal_id ${NS}`,
      `stage_key ${S}`,
      `recorded_at ${TS} DEFAULT now64(3)`,
    ],
    engine: 'MergeTree',
    orderBy: ['workspace_id', 'key'],
  },
  {
    name: 'revenue_records',
    note: 'facts: one-off revenue records, one row per key (a re-delivered one is skipped at append)',
    columns: [
      `workspace_id ${S}`,
      `key ${S}`,
      `source LowCardinality(${S})`,
      `account ${NS}`,
      `payment_id ${NS}`,
      `occurred_at ${TS}`,
      'amount_minor Int64',
      `currency ${S}`,
      `deal_id ${NS}`,
      `description ${NS}`,
      `recorded_at ${TS} DEFAULT now64(3)`,
    ],
    engine: 'MergeTree',
    orderBy: ['workspace_id', 'key'],
  },
  {
    name: 'crm_match_keys',
    note: "facts: a CRM change's match keys, one row per kind and position",
    columns: [`workspace_id ${S}`, `key ${S}`, `kind ${S}`, `value ${S}`, 'position Int32'],
    engine: 'MergeTree',
    orderBy: ['workspace_id', 'key', 'kind', 'position'],
  },
  {
    name: 'dead_letters',
    note: 'facts set aside; retried_at set once, so versioned rows (read with FINAL: a few rows)',
    columns: [
      `id ${S}`,
      `workspace_id ${NS}`,
      `source ${S}`,
      'line_no Int32',
      `received_at Nullable(${TS})`,
      `failed_at ${TS}`,
      `reason ${S}`,
      `raw ${S}`,
      `retried_at Nullable(${TS})`,
      'version UInt64',
    ],
    engine: 'ReplacingMergeTree',
    version: 'version',
    orderBy: ['id'],
  },
  {
    name: 'user_agents',
    note: 'derived: one parsed row per distinct user agent (only unparsed ones are inserted)',
    columns: [
      `workspace_id ${S}`,
      `user_agent ${S}`,
      `browser ${NS}`,
      `browser_version ${NS}`,
      `os ${NS}`,
      `device_type ${S}`,
      'is_bot Bool',
      `bot_reason ${NS}`,
    ],
    engine: 'MergeTree',
    orderBy: ['workspace_id', 'user_agent'],
  },
  derived(
    'sessions',
    ['anonymous_id', 'started_at', 'session_id'],
    [
      `session_id ${S}`,
      `anonymous_id ${S}`,
      `started_at ${TS}`,
      `ended_at ${TS}`,
      `landing_url ${NS}`,
      `referrer ${NS}`,
      `source ${S}`,
      `medium ${S}`,
      `campaign ${NS}`,
      `term ${NS}`,
      `content ${NS}`,
      `campaign_id ${NS}`,
      `click_ids ${NS}`,
      `ad_ids ${NS}`,
      `channel LowCardinality(${S})`,
      `platform LowCardinality(${S})`,
      `channel_rule ${S}`,
      `decided_by ${S}`,
      'page_views Int32',
      'event_count Int32',
      `user_agent ${NS}`,
      `country ${NS}`,
      `first_message_id ${S}`,
    ],
  ),
  derived(
    'identities',
    ['kind', 'value'],
    [
      `kind ${S}`,
      `value ${S}`,
      `person_id ${S}`,
      'linked Bool DEFAULT true',
      `from_at Nullable(${TS})`,
      `until_at Nullable(${TS})`,
    ],
  ),
  derived(
    'identity_quarantine',
    ['kind', 'value'],
    [
      `kind ${S}`,
      `value ${S}`,
      'distinct_emails Int32',
      'distinct_users Int32',
      `reason ${S}`,
      `sources ${NS}`,
    ],
  ),
  derived(
    'identity_seen',
    ['kind', 'value'],
    [`kind ${S}`, `value ${S}`, `first_seen ${TS}`, 'clean Bool'],
  ),
  derived(
    'identity_edges',
    ['a_kind', 'a_value', 'b_kind', 'b_value'],
    [`a_kind ${S}`, `a_value ${S}`, `b_kind ${S}`, `b_value ${S}`, `source ${S}`, 'first_at Int64'],
  ),
  derived('identity_edges_built', [], [`built_at ${TS}`]),
  derived(
    'milestones',
    ['person_id', 'milestone', 'reached_at'],
    [
      `person_id ${S}`,
      `milestone ${S}`,
      `reached_at ${TS}`,
      `source ${S}`,
      `message_id ${NS}`,
      'value Nullable(Float64)',
    ],
  ),
  derived(
    'attribution_credits',
    ['model', 'milestone', 'person_id', 'converted_at'],
    [
      `model LowCardinality(${S})`,
      `milestone ${S}`,
      `person_id ${S}`,
      `converted_at ${TS}`,
      `touch_id ${NS}`,
      `touched_at Nullable(${TS})`,
      `channel LowCardinality(${S})`,
      'weight Float64',
      'conversions Float64',
      'value Float64',
    ],
  ),
  derived(
    'attribution_fits',
    ['model', 'milestone', 'channel'],
    [`model ${S}`, `milestone ${S}`, `channel ${S}`, 'score Float64'],
  ),
  {
    name: 'identity_changes',
    note: 'a log the derive step appends to (merges and splits are never silent)',
    columns: [
      `workspace_id ${S}`,
      `recorded_at ${TS}`,
      `change ${S}`,
      `person_id ${S}`,
      `others ${S}`,
      `reason ${NS}`,
      `detail ${NS}`,
    ],
    engine: 'MergeTree',
    orderBy: ['workspace_id', 'recorded_at'],
  },
  {
    name: 'erasures',
    note: 'audit of person erasures; rederived_at set once, so versioned rows',
    columns: [
      `id ${S}`,
      `workspace_id ${S}`,
      `requested_at ${TS}`,
      `rederived_at Nullable(${TS})`,
      `via ${S}`,
      `row_counts ${S}`,
      'version UInt64',
    ],
    engine: 'ReplacingMergeTree',
    version: 'version',
    orderBy: ['workspace_id', 'id'],
  },
  {
    name: 'erased_identifiers',
    note: 'tombstones of erased identifiers as keyed hashes',
    columns: [
      `workspace_id ${S}`,
      `kind ${S}`,
      `key_hash ${S}`,
      `erased_at ${TS}`,
      `erasure_id ${S}`,
      `from_at Nullable(${TS})`,
      `until_at Nullable(${TS})`,
    ],
    engine: 'MergeTree',
    orderBy: ['workspace_id', 'kind', 'key_hash'],
  },
  {
    name: 'redaction_log',
    note: 'audit of the one sanctioned rewrite of facts',
    columns: [
      `id ${S}`,
      `workspace_id ${S}`,
      `ran_at ${TS}`,
      `scope ${S}`,
      `extra_names ${S}`,
      `redacted_names ${S}`,
      'rows_examined Int64',
      'rows_changed Int64',
    ],
    engine: 'MergeTree',
    orderBy: ['workspace_id', 'ran_at'],
  },
  {
    name: 'fx_rates',
    note: 'facts: exchange rates as imported (the latest import of a date and pair is in effect)',
    columns: [
      `workspace_id ${S}`,
      'rate_date Date',
      `base ${S}`,
      `quote ${S}`,
      'rate Float64',
      `imported_at ${TS}`,
    ],
    engine: 'MergeTree',
    orderBy: ['workspace_id', 'base', 'quote', 'rate_date'],
  },
  {
    name: 'ad_costs',
    note: 'facts: ad platform rows; for each account and day the latest import covering it is in effect',
    columns: [
      `workspace_id ${S}`,
      `import_id ${S}`,
      `platform ${S}`,
      `account_id ${S}`,
      'cost_date Date',
      `currency ${S}`,
      `campaign_id ${S}`,
      `campaign_name ${S}`,
      `ad_group_id ${NS}`,
      `ad_group_name ${NS}`,
      `ad_id ${NS}`,
      `ad_name ${NS}`,
      `keyword ${NS}`,
      `match_type ${NS}`,
      'impressions Int64',
      'clicks Int64',
      'cost_micros Int64',
      'conversions Float64',
      'conversion_value Float64',
    ],
    engine: 'MergeTree',
    orderBy: ['workspace_id', 'platform', 'account_id', 'cost_date', 'campaign_id'],
  },
  {
    name: 'ad_cost_imports',
    note: 'facts: each ad-cost import, the account and period it covers',
    columns: [
      `workspace_id ${S}`,
      `import_id ${S}`,
      `platform ${S}`,
      `account_id ${S}`,
      'date_from Date',
      'date_to Date',
      `source ${S}`,
      'row_count Int64',
      `imported_at ${TS}`,
    ],
    engine: 'MergeTree',
    orderBy: ['workspace_id', 'platform', 'account_id', 'import_id'],
  },
  {
    name: 'ad_clicks',
    note: 'facts: clicks an ad platform resolved to campaign, ad group, ad and keyword (latest fetch read)',
    columns: [
      `workspace_id ${S}`,
      `platform ${S}`,
      `account_id ${S}`,
      `click_id ${S}`,
      'click_date Date',
      `campaign_id ${S}`,
      `ad_group_id ${NS}`,
      `ad_id ${NS}`,
      `keyword ${NS}`,
      `match_type ${NS}`,
      `recorded_at ${TS}`,
    ],
    engine: 'MergeTree',
    orderBy: ['workspace_id', 'platform', 'click_id'],
  },
  {
    name: 'webhook_receipts',
    note: 'facts: verified vendor webhook deliveries; a redelivery collapses on the key (read with FINAL)',
    columns: [
      `workspace_id ${S}`,
      `vendor LowCardinality(${S})`,
      `dedup_key ${S}`,
      `received_at ${TS}`,
      `content_type ${S}`,
      `body ${S}`,
    ],
    engine: 'ReplacingMergeTree',
    orderBy: ['workspace_id', 'vendor', 'dedup_key'],
  },
  {
    name: 'stripe_facts',
    note: "facts: Stripe's events and backfilled objects, one row per key (a re-read is skipped at append)",
    columns: [
      `workspace_id ${S}`,
      `key ${S}`,
      `origin LowCardinality(${S})`,
      `object_type LowCardinality(${S})`,
      `object_id ${S}`,
      `customer_id ${NS}`,
      `occurred_at ${TS}`,
      `body ${S}`,
      `recorded_at ${TS} DEFAULT now64(3)`,
    ],
    engine: 'MergeTree',
    orderBy: ['workspace_id', 'key'],
  },
  {
    name: 'webhook_receipt_loads',
    note: 'derived bookkeeping: which receipts the loader has handed on (one marker per receipt)',
    columns: [
      `workspace_id ${S}`,
      `vendor LowCardinality(${S})`,
      `dedup_key ${S}`,
      `loaded_at ${TS}`,
    ],
    engine: 'ReplacingMergeTree',
    orderBy: ['workspace_id', 'vendor', 'dedup_key'],
  },
  // each person's first visit and what the reports group by (neutral/first-touch-queries.ts)
  derived(
    'person_first_touch',
    ['person_id'],
    [
      `person_id ${S}`,
      `session_id ${S}`,
      `started_at ${TS}`,
      `channel LowCardinality(${S})`,
      `platform LowCardinality(${S})`,
      `source ${S}`,
      `medium ${S}`,
      `campaign ${NS}`,
      `landing_page ${NS}`,
      `device ${NS}`,
      `country ${NS}`,
    ],
  ),
  // each session as the reports read it: its person, visitor and parsed campaign parameters
  // (neutral/report-sessions-queries.ts)
  derived(
    'report_sessions',
    ['started_at', 'session_id'],
    [
      `session_id ${S}`,
      `anonymous_id ${S}`,
      `started_at ${TS}`,
      'page_views Int32',
      `channel LowCardinality(${S})`,
      `platform LowCardinality(${S})`,
      `source ${S}`,
      `medium ${S}`,
      `campaign ${NS}`,
      `term ${NS}`,
      `campaign_id ${NS}`,
      `click_ids ${NS}`,
      `ad_ids ${NS}`,
      `landing_url ${NS}`,
      `decided_by ${S}`,
      `user_agent ${NS}`,
      `country ${NS}`,
      `person_id ${NS}`,
      `visitor ${S}`,
      `name_key ${S}`,
      `ad_group_id ${NS}`,
      `ad_id ${NS}`,
      `vt_campaign ${NS}`,
      `keyword_key ${S}`,
    ],
  ),
  // each Stripe customer's MRR per UTC month (neutral/subscription-months-queries.ts); replaced whole
  derived(
    'subscription_months',
    ['customer_id', 'month_number'],
    [
      `customer_id ${S}`,
      `person_id ${NS}`,
      `month ${S}`,
      'month_number Int32',
      `currency LowCardinality(${S})`,
      'start_mrr Nullable(Int64)',
      'mrr Nullable(Int64)',
      'new_business Nullable(Int64)',
      'expansion Nullable(Int64)',
      'contraction Nullable(Int64)',
      'churn Nullable(Int64)',
      'reactivation Nullable(Int64)',
      'churned Bool',
      'paying Bool',
      `valued_on ${NS}`,
      `missing_rates ${NS}`,
    ],
  ),
];

/**
 * A derived table: partitioned by workspace, so a rebuild swaps the workspace's partition whole; a live
 * derive replaces some persons' rows by a patch-part delete and an insert.
 */
function derived(name: string, key: readonly string[], columns: readonly string[]): TableSpec {
  return {
    name,
    note: "derived; partition per workspace, replaced whole by a rebuild, some persons' rows by a live derive",
    columns: [`workspace_id ${S}`, ...columns],
    engine: 'MergeTree',
    orderBy: ['workspace_id', ...key],
    partitionBy: 'workspace_id',
    settings: PATCH_DELETE_TABLE_SETTINGS,
  };
}

/** Where the schema goes: one server, or a cluster (Replicated engines, DDL run on every node). */
export interface SchemaTarget {
  database: string;
  /** The cluster name of the servers' `remote_servers` configuration; absent for one server. */
  cluster?: string;
  /**
   * The cluster has (or will have) several shards: each table gets a `Distributed` twin named
   * `<table>_all` over every shard's table, for reads across workspaces. Needs `cluster`.
   */
  sharded?: boolean;
}

const quoteIdent = (s: string) => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) throw new Error(`not a ClickHouse identifier: ${s}`);
  return s;
};

/** `CREATE TABLE` for one table spec. */
export function createTableSql(t: TableSpec, target: SchemaTarget, name = t.name): string {
  const db = quoteIdent(target.database);
  const onCluster = target.cluster ? ` ON CLUSTER '${quoteIdent(target.cluster)}'` : '';
  const args = t.version ? [t.version] : [];
  const engine = target.cluster
    ? `Replicated${t.engine}(${[`'/clickhouse/tables/{shard}/${db}/${name}'`, `'{replica}'`, ...args].join(', ')})`
    : `${t.engine}(${args.join(', ')})`;
  const body = [...t.columns, ...(t.indexes ?? []).map((i) => `INDEX ${i}`)].join(',\n  ');
  const settings = Object.entries(t.settings ?? {});
  return [
    `CREATE TABLE IF NOT EXISTS ${db}.${quoteIdent(name)}${onCluster} (\n  ${body}\n)`,
    `ENGINE = ${engine}`,
    t.partitionBy ? `PARTITION BY ${t.partitionBy}` : '',
    `ORDER BY (${t.orderBy.join(', ')})`,
    settings.length ? `SETTINGS ${settings.map(([k, v]) => `${k} = ${v}`).join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** `ALTER TABLE ... MODIFY SETTING` of a table made before: settings a later migration gives it. */
export function modifySettingsSql(
  table: string,
  settings: Readonly<Record<string, string | number>>,
  target: SchemaTarget,
): string {
  const onCluster = target.cluster ? ` ON CLUSTER '${quoteIdent(target.cluster)}'` : '';
  const list = Object.entries(settings).map(([k, v]) => `${quoteIdent(k)} = ${v}`);
  return `ALTER TABLE ${quoteIdent(target.database)}.${quoteIdent(table)}${onCluster} MODIFY SETTING ${list.join(', ')}`;
}

/** The table spec by name. */
export function tableSpec(name: string): TableSpec {
  const t = TABLES.find((x) => x.name === name);
  if (!t) throw new Error(`no ClickHouse table ${name}`);
  return t;
}

/** The `Distributed` twin of a table on a sharded cluster: the name its cross-workspace reads use. */
export const distributedName = (table: string): string => `${table}_all`;

/**
 * `CREATE TABLE` of a table's `Distributed` twin, on every node: the same columns, over the table of
 * the same name in the same database on each shard of the cluster, sharded by the workspace's hash
 * (so a row inserted through it lands on its workspace's shard, `shardOf`). Skip indexes, partitions
 * and sort keys belong to the shards' tables, not to this one.
 */
export function distributedTableSql(t: TableSpec, target: SchemaTarget): string {
  const db = quoteIdent(target.database);
  if (!target.cluster) throw new Error('a sharded schema needs the cluster name');
  const cluster = quoteIdent(target.cluster);
  const workspace = t.columns.find((c) => c.startsWith('workspace_id '));
  if (!workspace) throw new Error(`table ${t.name} has no workspace_id to shard by`);
  const key = shardingKeySql('workspace_id', workspace.includes('Nullable('));
  return [
    `CREATE TABLE IF NOT EXISTS ${db}.${quoteIdent(distributedName(t.name))} ON CLUSTER '${cluster}' (`,
    `  ${t.columns.join(',\n  ')}`,
    ')',
    `ENGINE = Distributed('${cluster}', '${db}', '${quoteIdent(t.name)}', ${key})`,
  ].join('\n');
}
