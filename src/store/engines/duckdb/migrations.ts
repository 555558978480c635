// Versioned schema. Append new migrations; never edit an applied one.
// Facts (events, identity_links, ...) are append-only; derived tables can be dropped and rebuilt.
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  FIRST_TOUCH_TABLE,
  firstTouchRowsSql,
  insertFirstTouchesSql,
} from '../neutral/first-touch-queries.js';
import {
  insertReportSessionsSql,
  REPORT_SESSIONS_TABLE,
  reportSessionRowsSql,
} from '../neutral/report-sessions-queries.js';
import { runNeutral } from './dialect.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Fills a new derived table from what the store holds, in the migration's transaction. */
  backfill?: (c: DuckDBConnection) => Promise<void>;
}

/**
 * The control plane's tables (ControlStore): in this file when no PostgreSQL is configured, and otherwise
 * left empty here. A workspace's data deletion leaves them to the control half.
 */
export const CONTROL_TABLES: readonly string[] = [
  'workspaces',
  'workspace_settings',
  'leases',
  'connectors',
  'users',
  'workspace_members',
  'user_sessions',
  'password_resets',
  'api_keys',
  'audit_log',
  'invitations',
  'login_attempts',
];

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'workspaces',
    sql: `
      CREATE TABLE workspaces (
        id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        currency VARCHAR NOT NULL,
        timezone VARCHAR NOT NULL,
        write_key VARCHAR NOT NULL UNIQUE,
        secret_key_hash VARCHAR NOT NULL UNIQUE,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );`,
  },
  {
    version: 2,
    name: 'events',
    sql: `
      CREATE TABLE events (
        workspace_id VARCHAR NOT NULL,
        message_id VARCHAR NOT NULL,
        type VARCHAR NOT NULL,
        event VARCHAR,
        name VARCHAR,
        anonymous_id VARCHAR,
        user_id VARCHAR,
        previous_id VARCHAR,
        group_id VARCHAR,
        ts TIMESTAMPTZ NOT NULL,
        received_at TIMESTAMPTZ NOT NULL,
        properties JSON,
        traits JSON,
        context JSON,
        origin VARCHAR NOT NULL,
        batch_id VARCHAR NOT NULL,
        PRIMARY KEY (workspace_id, message_id)
      );`,
  },
  {
    version: 3,
    name: 'identity_links',
    sql: `
      CREATE TABLE identity_links (
        workspace_id VARCHAR NOT NULL,
        from_kind VARCHAR NOT NULL,
        from_value VARCHAR NOT NULL,
        to_kind VARCHAR NOT NULL,
        to_value VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        linked_at TIMESTAMPTZ NOT NULL,
        recorded_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );`,
  },
  {
    version: 4,
    name: 'user_agents',
    // Derived: parsed once per distinct user agent, re-derivable from the events.
    sql: `
      CREATE TABLE user_agents (
        workspace_id VARCHAR NOT NULL,
        user_agent VARCHAR NOT NULL,
        browser VARCHAR,
        browser_version VARCHAR,
        os VARCHAR,
        device_type VARCHAR NOT NULL,
        is_bot BOOLEAN NOT NULL,
        bot_reason VARCHAR,
        PRIMARY KEY (workspace_id, user_agent)
      );`,
  },
  {
    version: 5,
    name: 'sessions',
    // Derived from events: rebuilt per workspace (or per anonymous id) by the derive step.
    sql: `
      CREATE TABLE sessions (
        workspace_id VARCHAR NOT NULL,
        session_id VARCHAR NOT NULL,
        anonymous_id VARCHAR NOT NULL,
        started_at TIMESTAMPTZ NOT NULL,
        ended_at TIMESTAMPTZ NOT NULL,
        landing_url VARCHAR,
        referrer VARCHAR,
        source VARCHAR NOT NULL,
        medium VARCHAR NOT NULL,
        campaign VARCHAR,
        term VARCHAR,
        content VARCHAR,
        campaign_id VARCHAR,
        click_ids JSON,
        ad_ids JSON,
        channel VARCHAR NOT NULL,
        platform VARCHAR NOT NULL,
        channel_rule VARCHAR NOT NULL,
        decided_by VARCHAR NOT NULL,
        page_views INTEGER NOT NULL,
        event_count INTEGER NOT NULL,
        user_agent VARCHAR,
        country VARCHAR,
        first_message_id VARCHAR NOT NULL
      );`,
  },
  {
    version: 6,
    name: 'identities_and_milestones',
    sql: `
      -- derived: every identifier's person (identity resolution over events and identity_links)
      CREATE TABLE identities (
        workspace_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        person_id VARCHAR NOT NULL
      );
      -- derived: identifiers linked to too many emails or users, kept out of merging
      CREATE TABLE identity_quarantine (
        workspace_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        distinct_emails INTEGER NOT NULL,
        distinct_users INTEGER NOT NULL,
        reason VARCHAR NOT NULL,
        sources JSON
      );
      -- a log: what each resolution changed (merges and splits are never silent)
      CREATE TABLE identity_changes (
        workspace_id VARCHAR NOT NULL,
        recorded_at TIMESTAMPTZ NOT NULL,
        change VARCHAR NOT NULL,
        person_id VARCHAR NOT NULL,
        others JSON NOT NULL,
        reason VARCHAR,
        detail VARCHAR
      );
      -- derived: a person's milestones (the first lead moment now; CRM stages and revenue later)
      CREATE TABLE milestones (
        workspace_id VARCHAR NOT NULL,
        person_id VARCHAR NOT NULL,
        milestone VARCHAR NOT NULL,
        reached_at TIMESTAMPTZ NOT NULL,
        source VARCHAR NOT NULL,
        message_id VARCHAR
      );`,
  },
  {
    version: 7,
    name: 'workspace_settings',
    // Configuration (not facts): e.g. the workspace's channel rules. Changing one re-derives history.
    sql: `
      CREATE TABLE workspace_settings (
        workspace_id VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        value JSON NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, key)
      );`,
  },
  {
    version: 8,
    name: 'attribution_credits',
    // Milestones gain a value (CRM stages and revenue set it; a lead has none). Credits are derived:
    // one row per conversion, model and credited touch, re-derivable from sessions, identities and
    // milestones under the workspace's attribution settings.
    sql: `
      ALTER TABLE milestones ADD COLUMN value DOUBLE;
      CREATE TABLE attribution_credits (
        workspace_id VARCHAR NOT NULL,
        model VARCHAR NOT NULL,
        milestone VARCHAR NOT NULL,
        person_id VARCHAR NOT NULL,
        converted_at TIMESTAMPTZ NOT NULL,
        touch_id VARCHAR,
        touched_at TIMESTAMPTZ,
        channel VARCHAR NOT NULL,
        weight DOUBLE NOT NULL,
        conversions DOUBLE NOT NULL,
        value DOUBLE NOT NULL
      );
      CREATE TABLE attribution_fits (
        workspace_id VARCHAR NOT NULL,
        model VARCHAR NOT NULL,
        milestone VARCHAR NOT NULL,
        channel VARCHAR NOT NULL,
        score DOUBLE NOT NULL
      );`,
  },
  {
    version: 9,
    name: 'event_context_columns',
    // The few fields every derive reads, as plain columns filled by the normaliser: a rebuild then reads
    // narrow columns instead of parsing each event's JSON again. Landing, referrer, campaign, user agent
    // and country come from the context; email and phone are the ones an identify (traits, else
    // context.traits) or a form, chat or call (properties, else properties.fields) names its sender by.
    // They are projections of the fact, never edited on their own.
    sql: `
      ALTER TABLE events ADD COLUMN page_url VARCHAR;
      ALTER TABLE events ADD COLUMN page_referrer VARCHAR;
      ALTER TABLE events ADD COLUMN campaign JSON;
      ALTER TABLE events ADD COLUMN user_agent VARCHAR;
      ALTER TABLE events ADD COLUMN country VARCHAR;
      ALTER TABLE events ADD COLUMN email VARCHAR;
      ALTER TABLE events ADD COLUMN phone VARCHAR;
      UPDATE events SET page_url = context->>'$.page.url', page_referrer = context->>'$.page.referrer',
        campaign = context->'$.campaign', user_agent = context->>'$.userAgent', country = context->>'$.location.country',
        email = CASE WHEN type = 'identify' THEN coalesce(traits->>'$.email', context->>'$.traits.email')
                     WHEN type = 'track' THEN coalesce(properties->>'$.email', properties->>'$.fields.email') END,
        phone = CASE WHEN type = 'identify' THEN coalesce(traits->>'$.phone', context->>'$.traits.phone')
                     WHEN type = 'track' THEN coalesce(properties->>'$.phone', properties->>'$.fields.phone') END;`,
  },
  {
    version: 10,
    name: 'identity_seen',
    // Identity resolution places never-linked ids (most visitors) in the engine and only sends linked ones
    // through the graph: `linked` says which rows the graph wrote. identity_seen is derived: each
    // normalised anonymous and user id with when it was first seen, kept current incrementally (a first
    // sighting can only move earlier, since events are only ever added).
    sql: `
      ALTER TABLE identities ADD COLUMN linked BOOLEAN DEFAULT true;
      CREATE TABLE identity_seen (
        workspace_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        first_seen TIMESTAMPTZ NOT NULL,
        -- a plain id the engine can normalise and place itself (printable ASCII, not a placeholder)
        clean BOOLEAN NOT NULL
      );`,
  },
  {
    version: 11,
    name: 'identity_edges',
    // Derived: the links the facts state, normalised (derive/identity/edges.ts), one row per pair and
    // source with its earliest time. A live derive finds the linked components around new events here
    // and resolves only those. b_kind = '' marks a link whose other end normalisation rejected: a
    // sighting of the a end alone. identity_edges_built says a workspace's edges were written whole once,
    // from every fact: only then can a live derive add to them and resolve by scope.
    sql: `
      CREATE TABLE identity_edges_built (
        workspace_id VARCHAR PRIMARY KEY,
        built_at TIMESTAMPTZ NOT NULL
      );
      CREATE TABLE identity_edges (
        workspace_id VARCHAR NOT NULL,
        a_kind VARCHAR NOT NULL,
        a_value VARCHAR NOT NULL,
        b_kind VARCHAR NOT NULL,
        b_value VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        first_at BIGINT NOT NULL
      );`,
  },
  {
    version: 12,
    name: 'dead_letters',
    // Facts set aside: a journal line the engine could not load (a torn write, bytes that are not
    // UTF-8, a value the reader refuses, a future bug), kept byte for byte with the reason, so that one
    // bad line never blocks the lines after it. workspace_id is NULL when the line is too broken to name
    // one. `closedloop ingest retry` replays them (retried_at set once a replay stored the line).
    sql: `
      CREATE TABLE dead_letters (
        id VARCHAR PRIMARY KEY,
        workspace_id VARCHAR,
        source VARCHAR NOT NULL,          -- e.g. the journal segment's file name
        line_no INTEGER NOT NULL,         -- 1-based line within the source
        received_at TIMESTAMPTZ,          -- from the line's own metadata, when readable
        failed_at TIMESTAMPTZ NOT NULL,
        reason VARCHAR NOT NULL,
        raw BLOB NOT NULL,                -- the line exactly as it was on disk
        retried_at TIMESTAMPTZ
      );`,
  },
  {
    version: 13,
    name: 'erasures',
    // Person erasure (GDPR Art. 17): an audit record naming no personal data (when, which workspace, a
    // random erasure id, rows removed per table), and tombstones of the erased identifiers as keyed hashes
    // (sha256 of the install's secret in privacy.key, the kind and the normalised value), so that a re-sent
    // event from before the erasure is skipped at load time and never brings the person back.
    sql: `
      CREATE TABLE erasures (
        id VARCHAR PRIMARY KEY,
        workspace_id VARCHAR NOT NULL,
        requested_at TIMESTAMPTZ NOT NULL,
        rederived_at TIMESTAMPTZ,         -- NULL until the workspace was re-derived after it
        via VARCHAR NOT NULL,             -- api or cli
        row_counts JSON NOT NULL          -- rows removed, per table
      );
      CREATE TABLE erased_identifiers (
        workspace_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        key_hash VARCHAR NOT NULL,
        erased_at TIMESTAMPTZ NOT NULL,
        erasure_id VARCHAR NOT NULL
      );`,
  },
  {
    version: 14,
    name: 'redaction_log',
    // An audit of the one sanctioned rewrite of facts: `closedloop redact` (scope 'workspace') and the
    // redaction that ends every file import (scope 'import:<batch>'). Parameter names only: no values,
    // no personal data.
    sql: `
      CREATE TABLE redaction_log (
        id VARCHAR PRIMARY KEY,
        workspace_id VARCHAR NOT NULL,
        ran_at TIMESTAMPTZ NOT NULL,
        scope VARCHAR NOT NULL,
        extra_names JSON NOT NULL,        -- the names asked for beyond the defaults
        redacted_names JSON NOT NULL,     -- the names whose values were found and redacted
        rows_examined BIGINT NOT NULL,
        rows_changed BIGINT NOT NULL
      );`,
  },
  {
    version: 16,
    name: 'identity_spans',
    // A shared device (an anonymous id on which two persons with distinct emails identified) belongs to
    // each of them for part of its time: one identities row per span, [from_at, until_at). NULL is
    // unbounded; every other row has both NULL (all of its time). Derived, like the rest of identities.
    sql: `
      ALTER TABLE identities ADD COLUMN from_at TIMESTAMPTZ;
      ALTER TABLE identities ADD COLUMN until_at TIMESTAMPTZ;`,
  },
  {
    version: 17,
    name: 'erased_spans',
    // A tombstone of a person's stretch of a shared device: the device's anonymous id is erased only for
    // events in [from_at, until_at) (NULL: unbounded), so the other persons' events on it still load.
    sql: `
      ALTER TABLE erased_identifiers ADD COLUMN from_at TIMESTAMPTZ;
      ALTER TABLE erased_identifiers ADD COLUMN until_at TIMESTAMPTZ;`,
  },
  {
    version: 18,
    name: 'leases',
    // Control plane: a named lease and its holder until expires_at (the database's clock), taken and
    // renewed by compare-and-set (leases-repo.ts).
    sql: `
      CREATE TABLE leases (
        name VARCHAR PRIMARY KEY,
        holder VARCHAR NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL
      );`,
  },
  {
    version: 19,
    name: 'fx_rates',
    // Exchange rates as imported (facts, append-only): 1 base = rate quote from rate_date on; the latest
    // import of a (date, base, quote) is the one in effect (src/store/engines/neutral/fx-queries.ts).
    sql: `
      CREATE TABLE fx_rates (
        workspace_id VARCHAR NOT NULL,
        rate_date DATE NOT NULL,
        base VARCHAR NOT NULL,
        quote VARCHAR NOT NULL,
        rate DOUBLE NOT NULL,
        imported_at TIMESTAMPTZ NOT NULL
      );`,
  },
  {
    version: 20,
    name: 'ad_costs',
    // What the ad platforms report, as facts: each import covers an account's period, and for each day
    // the latest import covering it is in effect (neutral/ad-costs-queries.ts). Spend in micros (exact).
    sql: `
      CREATE TABLE ad_costs (
        workspace_id VARCHAR NOT NULL,
        import_id VARCHAR NOT NULL,
        platform VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        cost_date DATE NOT NULL,
        currency VARCHAR NOT NULL,
        campaign_id VARCHAR NOT NULL,
        campaign_name VARCHAR NOT NULL,
        ad_group_id VARCHAR,
        ad_group_name VARCHAR,
        ad_id VARCHAR,
        ad_name VARCHAR,
        keyword VARCHAR,
        match_type VARCHAR,
        impressions BIGINT NOT NULL,
        clicks BIGINT NOT NULL,
        cost_micros BIGINT NOT NULL,
        conversions DOUBLE NOT NULL,
        conversion_value DOUBLE NOT NULL
      );
      CREATE TABLE ad_cost_imports (
        workspace_id VARCHAR NOT NULL,
        import_id VARCHAR NOT NULL,
        platform VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        date_from DATE NOT NULL,
        date_to DATE NOT NULL,
        source VARCHAR NOT NULL,
        row_count BIGINT NOT NULL,
        imported_at TIMESTAMPTZ NOT NULL
      );`,
  },
  {
    version: 21,
    name: 'crm_changes',
    // Facts: CRM object changes as the connectors hand them on (src/sources/crm/records.ts), one row
    // per key (a re-delivered change is skipped at append), and their match keys (e-mails, phones,
    // anonymous ids, contact and company ids), one row per key, kind and position. stage_key is the
    // row's own source, object type, change, stage, pipeline and outcome joined: what a funnel maps.
    sql: `
      CREATE TABLE crm_changes (
        workspace_id VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        account VARCHAR,
        object_type VARCHAR NOT NULL,
        object_id VARCHAR NOT NULL,
        change VARCHAR NOT NULL,
        occurred_at TIMESTAMPTZ NOT NULL,
        time_source VARCHAR NOT NULL,
        stage VARCHAR,
        pipeline VARCHAR,
        milestone VARCHAR,                -- the connector's mapping at intake (the derive maps again)
        outcome VARCHAR,
        amount_minor BIGINT,
        currency VARCHAR,
        lost_reason VARCHAR,
        merged_into VARCHAR,
        converted_contact_id VARCHAR,
        converted_company_id VARCHAR,
        converted_deal_id VARCHAR,
        stage_key VARCHAR NOT NULL,
        recorded_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE TABLE crm_match_keys (
        workspace_id VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        position INTEGER NOT NULL
      );`,
  },
  {
    version: 22,
    name: 'revenue_records',
    // Facts: one-off revenue (a payment, a refund, an invoice outside any subscription) as a source
    // hands it on (src/sources/crm/revenue-records.ts), one row per key; its match keys are stored in
    // crm_match_keys under the record's key.
    sql: `
      CREATE TABLE revenue_records (
        workspace_id VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        account VARCHAR,
        payment_id VARCHAR,
        occurred_at TIMESTAMPTZ NOT NULL,
        amount_minor BIGINT NOT NULL,     -- negative for a refund
        currency VARCHAR NOT NULL,
        deal_id VARCHAR,
        description VARCHAR,
        recorded_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );`,
  },
  {
    version: 23,
    name: 'connectors',
    // Control plane: a workspace's connector per vendor (docs/crm.md). Credentials and the webhook
    // secret are sealed text (src/util/secret-box.ts), never clear; the cursor and last sync are what
    // `closedloop sync` resumes from and reports.
    sql: `
      CREATE TABLE connectors (
        workspace_id VARCHAR NOT NULL,
        vendor VARCHAR NOT NULL,
        credentials VARCHAR,
        webhook_secret VARCHAR,
        base_url VARCHAR,
        options JSON NOT NULL,
        cursor JSON,
        last_sync JSON,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, vendor)
      );`,
  },
  {
    version: 24,
    name: 'webhook_receipts',
    // Facts: each verified vendor webhook delivery as it arrived (src/connectors/), appended before the
    // 2xx; the key (the vendor's event or message id, else the body's hash) makes a redelivery a no-op.
    sql: `
      CREATE TABLE webhook_receipts (
        workspace_id VARCHAR NOT NULL,
        vendor VARCHAR NOT NULL,
        dedup_key VARCHAR NOT NULL,
        received_at TIMESTAMPTZ NOT NULL,
        content_type VARCHAR NOT NULL,
        body VARCHAR NOT NULL,
        PRIMARY KEY (workspace_id, vendor, dedup_key)
      );`,
  },
  {
    version: 25,
    name: 'stripe_facts',
    // Facts: Stripe's payloads as read (src/connectors/stripe-facts.ts): each verified webhook event
    // and each backfilled customer, subscription and invoice, one row per key (a redelivery or a
    // re-read of an unchanged object is skipped at append). A customer's match keys are stored in
    // crm_match_keys under its key. MRR and movements are derived from these in the domain.
    sql: `
      CREATE TABLE stripe_facts (
        workspace_id VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        origin VARCHAR NOT NULL,          -- event | backfill
        object_type VARCHAR NOT NULL,
        object_id VARCHAR NOT NULL,
        customer_id VARCHAR,
        occurred_at TIMESTAMPTZ NOT NULL,
        body VARCHAR NOT NULL,
        recorded_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );`,
  },
  {
    version: 26,
    name: 'webhook_receipt_loads',
    // Derived bookkeeping: which receipts the loader has handed on to CRM facts (one marker each); a
    // receipt without one is loaded at the next start (src/connectors/receipt-loader.ts).
    sql: `
      CREATE TABLE webhook_receipt_loads (
        workspace_id VARCHAR NOT NULL,
        vendor VARCHAR NOT NULL,
        dedup_key VARCHAR NOT NULL,
        loaded_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (workspace_id, vendor, dedup_key)
      );`,
  },
  {
    version: 27,
    name: 'ad_clicks',
    // Facts: clicks an ad platform resolved (Google Ads' click_view: a gclid's campaign, ad group, ad
    // and keyword on its day). Appended as fetched; a click fetched twice is read once (its latest
    // fetch), by the costs matching (neutral/costs-queries.ts). docs/costs.md.
    sql: `
      CREATE TABLE ad_clicks (
        workspace_id VARCHAR NOT NULL,
        platform VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        click_id VARCHAR NOT NULL,
        click_date DATE NOT NULL,
        campaign_id VARCHAR NOT NULL,
        ad_group_id VARCHAR,
        ad_id VARCHAR,
        keyword VARCHAR,
        match_type VARCHAR,
        recorded_at TIMESTAMPTZ NOT NULL
      );`,
  },
  {
    version: 28,
    name: 'users',
    // Control: people who sign in (src/users/), their memberships, sessions and reset tokens (stored as
    // hashes), a workspace's role-scoped API keys and the access audit log. PostgreSQL has the same
    // tables (postgres/migrations.ts).
    sql: `
      CREATE TABLE users (
        id VARCHAR PRIMARY KEY,
        email VARCHAR NOT NULL UNIQUE,
        role VARCHAR,
        password_hash VARCHAR NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        password_changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE TABLE workspace_members (
        workspace_id VARCHAR NOT NULL,
        user_id VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, user_id)
      );
      CREATE TABLE user_sessions (
        token_hash VARCHAR PRIMARY KEY,
        user_id VARCHAR NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        expires_at TIMESTAMPTZ NOT NULL
      );
      CREATE TABLE password_resets (
        token_hash VARCHAR PRIMARY KEY,
        user_id VARCHAR NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL
      );
      CREATE TABLE api_keys (
        id VARCHAR PRIMARY KEY,
        workspace_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        key_hash VARCHAR NOT NULL UNIQUE,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        revoked_at TIMESTAMPTZ
      );
      CREATE TABLE audit_log (
        id VARCHAR PRIMARY KEY,
        occurred_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        workspace_id VARCHAR,
        actor VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        target VARCHAR,
        address VARCHAR
      );`,
  },
  {
    version: 29,
    name: 'invitations',
    // Control: an invitation to a workspace by link (src/users/), its token stored hashed, until it
    // expires or is used. PostgreSQL has the same table (postgres/migrations.ts).
    sql: `
      CREATE TABLE invitations (
        token_hash VARCHAR PRIMARY KEY,
        workspace_id VARCHAR NOT NULL,
        email VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        expires_at TIMESTAMPTZ NOT NULL
      );`,
  },
  {
    version: 30,
    name: 'person_first_touch',
    // Derived: each person's first visit (areas/first-touch.ts) and what the reports group it by,
    // written by the derive step after identity resolution (neutral/first-touch-queries.ts).
    sql: `
      CREATE TABLE person_first_touch (
        workspace_id VARCHAR NOT NULL,
        person_id VARCHAR NOT NULL,
        session_id VARCHAR NOT NULL,
        started_at TIMESTAMPTZ NOT NULL,
        channel VARCHAR NOT NULL,
        platform VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        medium VARCHAR NOT NULL,
        campaign VARCHAR,
        landing_page VARCHAR,
        device VARCHAR,
        country VARCHAR
      );`,
    // a store derived before: every workspace's first touches now, so reports read them at once
    backfill: async (c) => {
      const found = await c.runAndReadAll('SELECT DISTINCT workspace_id FROM sessions ORDER BY 1');
      for (const [ws] of found.getRows())
        await runNeutral(
          c,
          insertFirstTouchesSql(FIRST_TOUCH_TABLE, firstTouchRowsSql(String(ws))),
        );
    },
  },
  {
    version: 31,
    name: 'report_sessions',
    // Derived: each session as the reports read it (areas/report-sessions.ts): its person and visitor
    // and the costs matching's parsed inputs, written by the derive step after identity resolution
    // (neutral/report-sessions-queries.ts).
    sql: `
      CREATE TABLE report_sessions (
        workspace_id VARCHAR NOT NULL,
        session_id VARCHAR NOT NULL,
        anonymous_id VARCHAR NOT NULL,
        started_at TIMESTAMPTZ NOT NULL,
        page_views INTEGER NOT NULL,
        channel VARCHAR NOT NULL,
        platform VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        medium VARCHAR NOT NULL,
        campaign VARCHAR,
        term VARCHAR,
        campaign_id VARCHAR,
        click_ids JSON,
        ad_ids JSON,
        landing_url VARCHAR,
        decided_by VARCHAR NOT NULL,
        user_agent VARCHAR,
        country VARCHAR,
        person_id VARCHAR,
        visitor VARCHAR NOT NULL,
        name_key VARCHAR NOT NULL,
        ad_group_id VARCHAR,
        ad_id VARCHAR,
        vt_campaign VARCHAR,
        keyword_key VARCHAR NOT NULL
      );`,
    // a store derived before: every workspace's sessions now, so reports read them at once
    backfill: async (c) => {
      const found = await c.runAndReadAll('SELECT DISTINCT workspace_id FROM sessions ORDER BY 1');
      for (const [ws] of found.getRows())
        await runNeutral(
          c,
          insertReportSessionsSql(REPORT_SESSIONS_TABLE, reportSessionRowsSql(String(ws))),
        );
    },
  },
  {
    version: 32,
    name: 'subscription_months',
    // Derived: each Stripe customer's MRR per UTC month in the workspace's currency (minor units), written
    // by the derive step from the Stripe facts (areas/subscription-months.ts); the `subscriptions` report
    // sums it. Filled by the next derive of a workspace with Stripe facts (the revenue layer is TypeScript).
    sql: `
      CREATE TABLE subscription_months (
        workspace_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        person_id VARCHAR,
        month VARCHAR NOT NULL,
        month_number INTEGER NOT NULL,
        currency VARCHAR NOT NULL,
        start_mrr BIGINT,
        mrr BIGINT,
        new_business BIGINT,
        expansion BIGINT,
        contraction BIGINT,
        churn BIGINT,
        reactivation BIGINT,
        churned BOOLEAN NOT NULL,
        paying BOOLEAN NOT NULL,
        valued_on VARCHAR,
        missing_rates VARCHAR
      );`,
  },
  {
    version: 33,
    name: 'login_attempts',
    // Control: the sign-in throttle's attempts (login-attempts-repo.ts), one row per subject an attempt
    // counts against (an e-mail's sha256 or a client address), deleted once older than the window.
    // PostgreSQL has the same table with indexes (postgres/migrations.ts); here one window's rows are
    // few and a scan is cheap, and no key means no index for DuckDB's deletes to maintain.
    sql: `
      CREATE TABLE login_attempts (
        attempt_id VARCHAR NOT NULL,
        subject VARCHAR NOT NULL,
        attempted_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );`,
  },
];
