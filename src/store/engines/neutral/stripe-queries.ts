// The Stripe area's SQL and rows, written once for every engine: which keys are stored, the facts read
// back (their match keys live in crm_match_keys, under the fact's key, as the CRM facts' do).
import type { CrmMilestoneMapping } from '../../areas/crm.js';
import type { CrmReachedMilestone, StripeFact, RevenueMilestone } from '../../areas/stripe.js';
import { crmMilestonesSql } from './crm-queries.js';
import { REVENUE_MILESTONE_SOURCE } from '../../areas/stripe.js';
import { CRM_MATCH_KINDS } from './crm-rows.js';
import { text } from './rows.js';
import { fn, p, sql, type Sql } from './sql.js';

type Row = Record<string, unknown>;

/** The match-key kind naming a customer fact's Stripe customer id (erasure follows it to its facts). */
export const STRIPE_CUSTOMER_KIND = 'stripe_customer';

export const STRIPE_FACT_COLUMNS = [
  'workspace_id',
  'key',
  'origin',
  'object_type',
  'object_id',
  'customer_id',
  'occurred_at',
  'body',
  'recorded_at',
] as const;

export function stripeFactRow(
  ws: string,
  f: StripeFact,
): Record<(typeof STRIPE_FACT_COLUMNS)[number], string | null> {
  return {
    workspace_id: ws,
    key: f.key,
    origin: f.origin,
    object_type: f.objectType,
    object_id: f.objectId,
    customer_id: f.customerId,
    occurred_at: new Date(f.occurredAt).toISOString(),
    body: f.body,
    // a backfill's read time (which of two reads is the later); an event's, when it is stored
    recorded_at: new Date(f.readAt ?? Date.now()).toISOString(),
  };
}

/** A customer fact's own id as a match key, beside its e-mails, phones and ids. */
export function stripeCustomerKeyRow(ws: string, f: StripeFact) {
  return f.objectType === 'customer'
    ? [{ workspace_id: ws, key: f.key, kind: STRIPE_CUSTOMER_KIND, value: f.objectId, position: 0 }]
    : [];
}

/**
 * The Stripe customer a fact belongs to, as an erasure tombstones it (privacy-queries.ts): a
 * subscription or invoice names no e-mail, only its customer.
 */
export const stripeCustomerOf = (f: StripeFact) =>
  f.customerId === null || f.customerId === ''
    ? []
    : [{ kind: STRIPE_CUSTOMER_KIND, value: f.customerId }];

export function storedStripeKeysSql(ws: string, keys: readonly string[]): Sql {
  return sql`SELECT key FROM ${fn.table('stripe_facts')}
    WHERE workspace_id = ${p.text(ws)} AND ${fn.inSet('key', p.texts(keys))}`;
}

export function countStripeFactsSql(ws: string): Sql {
  return sql`SELECT ${fn.countAll()} AS n FROM ${fn.table('stripe_facts')} WHERE workspace_id = ${p.text(ws)}`;
}

export function listStripeFactsSql(ws: string): Sql {
  return sql`SELECT key, origin, object_type, object_id, customer_id,
      ${fn.epochMs('occurred_at')} AS occurred_ms, ${fn.epochMs('recorded_at')} AS recorded_ms, body
    FROM ${fn.table('stripe_facts')} WHERE workspace_id = ${p.text(ws)}
    ORDER BY occurred_ms, key`;
}

/** The match keys of the workspace's Stripe facts. */
export function listStripeMatchKeysSql(ws: string): Sql {
  return sql`SELECT k.key AS key, k.kind AS kind, k.value AS value FROM ${fn.table('crm_match_keys')} k
    WHERE k.workspace_id = ${p.text(ws)}
      AND k.key IN (SELECT key FROM ${fn.table('stripe_facts')} WHERE workspace_id = ${p.text(ws)})
    ORDER BY k.key, k.kind, k.position`;
}

/** Each key once (two racing appends on an engine without transactions may both have stored one). */
export function onePerKey<T extends { key: string }>(facts: readonly T[]): T[] {
  const seen = new Set<string>();
  return facts.filter((f) => !seen.has(f.key) && (seen.add(f.key), true));
}

export function toStripeFact(r: Row, keys: ReadonlyMap<string, Map<string, string[]>>): StripeFact {
  const k = keys.get(String(r.key));
  const list = (kind: string) => k?.get(kind) ?? [];
  return {
    key: String(r.key),
    origin: String(r.origin) === 'event' ? 'event' : 'backfill',
    objectType: String(r.object_type),
    objectId: String(r.object_id),
    customerId: text(r.customer_id),
    occurredAt: Number(r.occurred_ms),
    readAt: Number(r.recorded_ms),
    body: String(r.body),
    match: {
      emails: list(CRM_MATCH_KINDS.emails),
      phones: list(CRM_MATCH_KINDS.phones),
      anonymousIds: list(CRM_MATCH_KINDS.anonymousIds),
      contactIds: list(CRM_MATCH_KINDS.contactIds),
      companyIds: list(CRM_MATCH_KINDS.companyIds),
    },
  };
}

/** A revenue milestone as a milestones row. */
export function revenueMilestoneRow(ws: string, m: RevenueMilestone) {
  return {
    workspace_id: ws,
    person_id: m.personId,
    milestone: m.milestone,
    reached_at: new Date(m.reachedAt).toISOString(),
    source: REVENUE_MILESTONE_SOURCE,
    message_id: m.messageId,
    value: m.value,
  };
}

export const notRevenueMilestones = (ws: string): Sql =>
  sql`workspace_id = ${p.text(ws)} AND source <> ${p.text(REVENUE_MILESTONE_SOURCE)}`;

/** The CRM rows a revenue milestone stands for: that milestone of these persons, from a CRM. */
export function supersededCrmMilestones(
  ws: string,
  s: { milestone: string; personIds: readonly string[] },
): Sql {
  return sql`workspace_id = ${p.text(ws)} AND source LIKE 'crm:%' AND milestone = ${p.text(s.milestone)}
    AND ${fn.inList('person_id', p.texts(s.personIds))}`;
}

/** Each person's CRM milestone of one name as the CRM derive computes it (crm-queries.ts). */
export function crmReachedMilestonesSql(
  ws: string,
  mapping: CrmMilestoneMapping,
  milestone: string,
): Sql {
  return sql`SELECT m.person_id AS person_id, ${fn.epochMs('m.reached_at')} AS reached_ms,
      m.value AS value, m.source AS source, m.message_id AS message_id
    FROM (${crmMilestonesSql(ws, mapping)}) m
    WHERE m.milestone = ${p.text(milestone)}
    ORDER BY person_id`;
}

export const toCrmReachedMilestone = (r: Row): CrmReachedMilestone => ({
  personId: String(r.person_id),
  reachedAt: Number(r.reached_ms),
  value: r.value === null || r.value === undefined ? null : Number(r.value),
  source: String(r.source),
  messageId: text(r.message_id),
});
