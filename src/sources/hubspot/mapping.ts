// HubSpot's objects mapped to Closedloop's funnel: a contact's `lifecyclestage` and a deal's stage (by
// pipeline) become milestones, as data a workspace can override, with defaults for HubSpot's stock
// values. Lost deals stay (outcome `lost`, with `closed_lost_reason`); amounts keep their currency.
// The output is the vendor-neutral change records of ../crm/records.ts, each keyed so that a
// backfill, a webhook and a re-fetch of the same change give the same record.
//
// A deal's stage is read, in this order: the workspace's rule for that pipeline's stage, its rule
// for the stage in any pipeline (`*`), the portal's pipeline settings (a closed stage with probability
// 1 is won, 0 lost), HubSpot's stock stage ids, and for the deal's current stage HubSpot's own
// `hs_is_closed_won`/`hs_is_closed`. A stage none of these knows counts as open, and is reported.

import { z } from 'zod';
import { decimalToMinor } from '../crm/amount.js';
import {
  DEFAULT_MILESTONES,
  MILESTONE_NAME,
  emptyMatchKeys,
  type CrmChangeRecord,
  type CrmMatchKeys,
  type CrmMoney,
  type CrmObjectType,
  type CrmTimeSource,
  type DealOutcome,
} from '../crm/records.js';
import type { HubSpotCrmObject, HubSpotWebhookEvent, Pipeline } from './schemas.js';

/** HubSpot's stock lifecycle stages, in their order. */
export const STOCK_LIFECYCLE_STAGES = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
  'other',
] as const;

/**
 * The default milestone of each stock lifecycle stage. A subscriber gave an e-mail address, which is
 * what makes a lead in Closedloop (an identify with an e-mail); an evangelist is a customer still.
 */
export const DEFAULT_LIFECYCLE_MILESTONES: Readonly<Record<string, string | null>> = {
  subscriber: 'lead',
  lead: 'lead',
  marketingqualifiedlead: 'mql',
  salesqualifiedlead: 'sql',
  opportunity: 'opportunity',
  customer: 'customer',
  evangelist: 'customer',
  other: null,
};

/** The outcome of each stage of HubSpot's stock sales pipeline (`default`). */
export const DEFAULT_DEAL_STAGE_OUTCOMES: Readonly<Record<string, DealOutcome>> = {
  appointmentscheduled: 'open',
  qualifiedtobuy: 'open',
  presentationscheduled: 'open',
  decisionmakerboughtin: 'open',
  contractsent: 'open',
  closedwon: 'won',
  closedlost: 'lost',
};

export interface DealStageRule {
  milestone: string | null;
  outcome: DealOutcome;
}

const milestoneName = z
  .string()
  .regex(MILESTONE_NAME, 'a milestone is named in lower case letters, digits and _')
  .nullable();
const stageRule = z
  .object({
    milestone: milestoneName.optional(),
    outcome: z.enum(['open', 'won', 'lost']).optional(),
  })
  .strict();

/** What a workspace may set (every field optional; the defaults fill the rest). */
export const HubSpotMappingSettings = z
  .object({
    /** Lifecycle stage (stock name or a custom stage's id) to milestone, or null for none. */
    lifecycleStages: z.record(z.string().min(1), milestoneName).optional(),
    /** Pipeline id (`default`, a custom pipeline's id, or `*` for any), then stage id, to a rule. */
    dealStages: z.record(z.string().min(1), z.record(z.string().min(1), stageRule)).optional(),
    /** The milestone of an open deal's stage when no rule names one. Default `opportunity`. */
    openDealMilestone: milestoneName.optional(),
    /** The milestone of a won deal. Default `customer`. */
    wonDealMilestone: milestoneName.optional(),
    /** The portal's currency, for deals without `deal_currency_code` (single-currency portals). */
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code')
      .optional(),
    /** The contact property a form fills with the tracker's anonymous id. */
    anonymousIdProperty: z.string().min(1).optional(),
    /** The deal property that says why a deal was lost. */
    lostReasonProperty: z.string().min(1).optional(),
  })
  .strict();
export type HubSpotMappingSettings = z.infer<typeof HubSpotMappingSettings>;

/** The mapping in force: the defaults, the workspace's settings and the portal's pipelines. */
export interface HubSpotMapping {
  lifecycleStages: Readonly<Record<string, string | null>>;
  dealStages: Readonly<Record<string, Readonly<Record<string, Partial<DealStageRule>>>>>;
  /** Outcomes read from the portal's pipeline settings: pipeline id, then stage id. */
  pipelineOutcomes: ReadonlyMap<string, ReadonlyMap<string, DealOutcome>>;
  openDealMilestone: string | null;
  wonDealMilestone: string | null;
  /** Lower case; null when the workspace has not said. */
  currency: string | null;
  anonymousIdProperty: string;
  lostReasonProperty: string;
}

/** Settings that do not have the shape above: the path names the field. */
export class HubSpotMappingError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'HubSpotMappingError';
  }
}

/** A stage's outcome from the portal's pipeline settings; null when they do not say. */
function outcomeFromSettings(stage: Pipeline['stages'][number]): DealOutcome | null {
  const closed = stage.metadata?.isClosed;
  const probability = stage.metadata?.probability;
  if (closed === undefined) return null;
  if (!closed) return 'open';
  if (probability === undefined) return null;
  if (probability >= 1) return 'won';
  if (probability <= 0) return 'lost';
  return null;
}

/**
 * The mapping in force, from a workspace's settings (validated; a bad field throws a
 * `HubSpotMappingError` naming it) and, when known, the portal's deal pipelines.
 */
export function resolveHubSpotMapping(
  settings: unknown = {},
  pipelines: readonly Pipeline[] = [],
): HubSpotMapping {
  const parsed = HubSpotMappingSettings.safeParse(settings ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.') || '(root)';
    throw new HubSpotMappingError(path, `${path}: ${issue.message}`);
  }
  const s = parsed.data;
  const pipelineOutcomes = new Map<string, Map<string, DealOutcome>>();
  for (const p of pipelines) {
    const stages = new Map<string, DealOutcome>();
    for (const stage of p.stages) {
      const outcome = outcomeFromSettings(stage);
      if (outcome) stages.set(stage.id, outcome);
    }
    pipelineOutcomes.set(p.id, stages);
  }
  return {
    lifecycleStages: { ...DEFAULT_LIFECYCLE_MILESTONES, ...s.lifecycleStages },
    dealStages: s.dealStages ?? {},
    pipelineOutcomes,
    openDealMilestone: s.openDealMilestone === undefined ? 'opportunity' : s.openDealMilestone,
    wonDealMilestone: s.wonDealMilestone === undefined ? 'customer' : s.wonDealMilestone,
    currency: s.currency ? s.currency.toLowerCase() : null,
    anonymousIdProperty: s.anonymousIdProperty ?? 'closedloop_anonymous_id',
    lostReasonProperty: s.lostReasonProperty ?? 'closed_lost_reason',
  };
}

/** Every milestone the mapping can give. */
export function mappingMilestones(mapping: HubSpotMapping): string[] {
  const all = new Set<string>();
  const add = (m: string | null | undefined) => void (m && all.add(m));
  Object.values(mapping.lifecycleStages).forEach(add);
  for (const stages of Object.values(mapping.dealStages))
    for (const rule of Object.values(stages)) add(rule.milestone);
  add(mapping.openDealMilestone);
  add(mapping.wonDealMilestone);
  return [...all].sort();
}

/**
 * The milestones a mapping names that the funnel does not define, each as a message naming where and
 * the funnel's milestones (a request that sets such a mapping is refused with these).
 */
export function undefinedMilestones(
  mapping: HubSpotMapping,
  funnel: readonly string[] = DEFAULT_MILESTONES,
): string[] {
  const known = new Set(funnel);
  const list = funnel.join(', ');
  const out: string[] = [];
  const check = (where: string, m: string | null | undefined) => {
    if (m && !known.has(m)) out.push(`${where}: "${m}" is not a milestone of the funnel (${list})`);
  };
  for (const [stage, m] of Object.entries(mapping.lifecycleStages))
    check(`lifecycleStages.${stage}`, m);
  for (const [pipeline, stages] of Object.entries(mapping.dealStages))
    for (const [stage, rule] of Object.entries(stages))
      check(`dealStages.${pipeline}.${stage}.milestone`, rule.milestone);
  check('openDealMilestone', mapping.openDealMilestone);
  check('wonDealMilestone', mapping.wonDealMilestone);
  return out;
}

/** A lifecycle stage's milestone; null for a stage the mapping gives none (or does not know). */
export function lifecycleMilestone(mapping: HubSpotMapping, stage: string): string | null {
  return Object.hasOwn(mapping.lifecycleStages, stage) ? mapping.lifecycleStages[stage]! : null;
}

/** HubSpot's own verdict on a deal's current stage, from the snapshot's computed properties. */
export interface StageHints {
  isClosed?: boolean;
  isClosedWon?: boolean;
}

/**
 * A deal stage's outcome and milestone; `known` is false when nothing but the fallback (open) decided
 * the outcome, which callers report.
 */
export function dealStageRule(
  mapping: HubSpotMapping,
  pipeline: string | null,
  stage: string,
  hints: StageHints = {},
): DealStageRule & { known: boolean } {
  const own = pipeline !== null ? mapping.dealStages[pipeline]?.[stage] : undefined;
  const any = mapping.dealStages['*']?.[stage];
  const fromHints: DealOutcome | undefined =
    hints.isClosedWon === true
      ? 'won'
      : hints.isClosed === true
        ? 'lost'
        : hints.isClosed === false
          ? 'open'
          : undefined;
  const decided =
    own?.outcome ??
    any?.outcome ??
    (pipeline !== null ? mapping.pipelineOutcomes.get(pipeline)?.get(stage) : undefined) ??
    DEFAULT_DEAL_STAGE_OUTCOMES[stage] ??
    fromHints;
  const outcome = decided ?? 'open';
  const milestone =
    own && own.milestone !== undefined
      ? own.milestone
      : any && any.milestone !== undefined
        ? any.milestone
        : outcome === 'won'
          ? mapping.wonDealMilestone
          : outcome === 'open'
            ? mapping.openDealMilestone
            : null;
  return { outcome, milestone, known: decided !== undefined };
}

// ---------------------------------------------------------------------------------------------------
// Records

/** Something a payload did not tell us: the object and what is missing or unknown. */
export interface MappingIssue {
  objectType: 'contact' | 'company' | 'deal';
  objectId: string;
  message: string;
}

const text = (v: string | null | undefined): string | null => {
  const t = v?.trim();
  return t ? t : null;
};
const timeOf = (iso: string | null | undefined): number | null => {
  const t = text(iso);
  if (!t) return null;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : ms;
};
const unique = (list: Array<string | null>): string[] => [
  ...new Set(list.filter((v): v is string => v !== null)),
];

/** The e-mails of a contact: `email` and `hs_additional_emails` (`;`-separated), lower-cased. */
function emailsOf(p: HubSpotCrmObject['properties']): string[] {
  const extra = (p.hs_additional_emails ?? '').split(';');
  return unique([p.email ?? null, ...extra].map((e) => text(e)?.toLowerCase() ?? null));
}

function contactMatch(contact: HubSpotCrmObject, mapping: HubSpotMapping): CrmMatchKeys {
  const p = contact.properties;
  return {
    emails: emailsOf(p),
    phones: unique([text(p.phone), text(p.mobilephone)]),
    anonymousIds: unique([text(p[mapping.anonymousIdProperty])]),
    contactIds: [contact.id],
    companyIds: unique([text(p.associatedcompanyid)]),
  };
}

export interface HubSpotContactRecord {
  id: string;
  emails: string[];
  phones: string[];
  anonymousId: string | null;
  companyId: string | null;
  lifecycleStage: string | null;
  milestone: string | null;
  createdAt: number;
  updatedAt: number;
  /** HubSpot's original source (`PAID_SEARCH`...) and its two detail fields. */
  analyticsSource: { source: string | null; detail1: string | null; detail2: string | null };
  archived: boolean;
}

/** A contact as it is now, flattened for matching. */
export function contactRecord(
  contact: HubSpotCrmObject,
  mapping: HubSpotMapping,
): HubSpotContactRecord {
  const p = contact.properties;
  const match = contactMatch(contact, mapping);
  const stage = text(p.lifecyclestage);
  return {
    id: contact.id,
    emails: match.emails,
    phones: match.phones,
    anonymousId: match.anonymousIds[0] ?? null,
    companyId: match.companyIds[0] ?? null,
    lifecycleStage: stage,
    milestone: stage ? lifecycleMilestone(mapping, stage) : null,
    createdAt: Date.parse(contact.createdAt),
    updatedAt: Date.parse(contact.updatedAt),
    analyticsSource: {
      source: text(p.hs_analytics_source),
      detail1: text(p.hs_analytics_source_data_1),
      detail2: text(p.hs_analytics_source_data_2),
    },
    archived: contact.archived === true,
  };
}

export interface HubSpotCompanyRecord {
  id: string;
  name: string | null;
  /** Lower case, for matching accounts by domain. */
  domain: string | null;
  createdAt: number;
  archived: boolean;
}

export function companyRecord(company: HubSpotCrmObject): HubSpotCompanyRecord {
  return {
    id: company.id,
    name: text(company.properties.name),
    domain: text(company.properties.domain)?.toLowerCase() ?? null,
    createdAt: Date.parse(company.createdAt),
    archived: company.archived === true,
  };
}

/** Past values of a property, oldest first, each a change (a repeat of the value before is not). */
function changesOf(
  object: HubSpotCrmObject,
  property: string,
): Array<{ value: string; at: number }> {
  const history = object.propertiesWithHistory?.[property] ?? [];
  const entries = history
    .map((h) => ({ value: text(h.value), at: Date.parse(h.timestamp) }))
    .filter((h): h is { value: string; at: number } => h.value !== null)
    .sort((a, b) => a.at - b.at);
  return entries.filter((h, i) => i === 0 || entries[i - 1]!.value !== h.value);
}

interface RecordBase {
  account: string | null;
  objectType: 'contact' | 'deal';
  objectId: string;
  match: CrmMatchKeys;
}

function stageRecord(
  base: RecordBase,
  change: 'lifecycle_stage' | 'deal_stage',
  stage: string,
  at: number,
  timeSource: CrmTimeSource,
  fields: Partial<CrmChangeRecord> = {},
): CrmChangeRecord {
  const property = change === 'lifecycle_stage' ? 'lifecyclestage' : 'dealstage';
  // a dated change is keyed by its time; an undated one (the snapshot's current value) only by its
  // value, so every later re-fetch that still cannot date it is the same record
  const when = timeSource === 'snapshot' ? 'snapshot' : String(at);
  return {
    key: `hubspot:${base.objectType}:${base.objectId}:${property}:${stage}:${when}`,
    source: 'hubspot',
    account: base.account,
    objectType: base.objectType,
    objectId: base.objectId,
    change,
    occurredAt: at,
    timeSource,
    stage,
    pipeline: null,
    milestone: null,
    outcome: null,
    amount: null,
    lostReason: null,
    mergedInto: null,
    match: base.match,
    ...fields,
  };
}

export interface ChangeOptions {
  /** The portal id, carried into each record's `account`. */
  portalId?: string | null;
  /** Where to report what could not be mapped. */
  issues?: MappingIssue[];
}

/**
 * The lifecycle stages a contact reached, dated by its `lifecyclestage` history when the snapshot has
 * it, and the stages the history does not date by HubSpot's `hs_lifecyclestage_<stage>_date`; a current stage neither dates is
 * dated by the snapshot's update time (`timeSource: 'snapshot'`).
 */
export function contactChanges(
  contact: HubSpotCrmObject,
  mapping: HubSpotMapping,
  options: ChangeOptions = {},
): CrmChangeRecord[] {
  const base: RecordBase = {
    account: options.portalId ?? null,
    objectType: 'contact',
    objectId: contact.id,
    match: contactMatch(contact, mapping),
  };
  const out = new Map<string, CrmChangeRecord>();
  const put = (stage: string, at: number, source: CrmTimeSource) => {
    const r = stageRecord(base, 'lifecycle_stage', stage, at, source, {
      milestone: lifecycleMilestone(mapping, stage),
    });
    if (!out.has(r.key)) out.set(r.key, r);
  };
  const dated = new Set<string>();
  for (const h of changesOf(contact, 'lifecyclestage')) {
    put(h.value, h.at, 'history');
    dated.add(h.value);
  }
  const fromHistory = new Set(dated);
  for (const [name, value] of Object.entries(contact.properties)) {
    const m = /^hs_lifecyclestage_(.+)_date$/.exec(name);
    const at = timeOf(value);
    // the history, when there is one, dates its stages better (a date property moves on re-entry)
    if (!m || at === null || fromHistory.has(m[1]!)) continue;
    put(m[1]!, at, 'stage_date');
    dated.add(m[1]!);
  }
  const current = text(contact.properties.lifecyclestage);
  if (current && !dated.has(current)) put(current, Date.parse(contact.updatedAt), 'snapshot');
  return [...out.values()].sort((a, b) => a.occurredAt - b.occurredAt || cmp(a.key, b.key));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export interface HubSpotDealRecord {
  id: string;
  name: string | null;
  pipeline: string | null;
  stage: string | null;
  outcome: DealOutcome;
  milestone: string | null;
  amount: CrmMoney | null;
  lostReason: string | null;
  createdAt: number;
  closedAt: number | null;
  contactIds: string[];
  analyticsSource: { source: string | null; detail1: string | null; detail2: string | null };
  archived: boolean;
}

function dealAmount(
  deal: HubSpotCrmObject,
  mapping: HubSpotMapping,
  issues: MappingIssue[] | undefined,
): CrmMoney | null {
  const raw = text(deal.properties.amount);
  if (raw === null) return null;
  const currency = text(deal.properties.deal_currency_code)?.toLowerCase() ?? mapping.currency;
  if (!currency) {
    issues?.push({
      objectType: 'deal',
      objectId: deal.id,
      message: `amount ${raw} has no currency: the deal has no deal_currency_code and the mapping sets no currency`,
    });
    return null;
  }
  const minor = decimalToMinor(raw, currency);
  if (minor === null)
    issues?.push({
      objectType: 'deal',
      objectId: deal.id,
      message: `amount "${raw}" is not a number`,
    });
  return minor === null ? null : { minor, currency };
}

function hintsOf(deal: HubSpotCrmObject): StageHints {
  const flag = (v: string | null | undefined) =>
    v === 'true' ? true : v === 'false' ? false : undefined;
  return {
    isClosed: flag(deal.properties.hs_is_closed),
    isClosedWon: flag(deal.properties.hs_is_closed_won),
  };
}

/** A deal as it is now: its stage read by the mapping, its amount in minor units of its currency. */
export function dealRecord(
  deal: HubSpotCrmObject,
  mapping: HubSpotMapping,
  contactIds: readonly string[] = [],
  issues?: MappingIssue[],
): HubSpotDealRecord {
  const p = deal.properties;
  const pipeline = text(p.pipeline);
  const stage = text(p.dealstage);
  const rule = stage
    ? dealStageRule(mapping, pipeline, stage, hintsOf(deal))
    : { outcome: 'open' as const, milestone: null, known: true };
  if (!rule.known) {
    issues?.push({
      objectType: 'deal',
      objectId: deal.id,
      message: `stage ${stage} of pipeline ${pipeline ?? '(none)'} is not mapped: counted as open`,
    });
  }
  return {
    id: deal.id,
    name: text(p.dealname),
    pipeline,
    stage,
    outcome: rule.outcome,
    milestone: rule.milestone,
    amount: dealAmount(deal, mapping, issues),
    lostReason: rule.outcome === 'lost' ? text(p[mapping.lostReasonProperty]) : null,
    createdAt: Date.parse(deal.createdAt),
    closedAt: timeOf(p.closedate),
    contactIds: [...contactIds],
    analyticsSource: {
      source: text(p.hs_analytics_source),
      detail1: text(p.hs_analytics_source_data_1),
      detail2: text(p.hs_analytics_source_data_2),
    },
    archived: deal.archived === true,
  };
}

/**
 * Every stage a deal entered, dated by its `dealstage` history (a backfill and a re-fetch ask for it),
 * else by `hs_date_entered_<stage>`, else by the snapshot's update time. Each record carries the
 * deal's current pipeline and amount (HubSpot keeps no history of those unless asked), its contacts
 * for matching, and for a lost stage the lost reason. An archived deal adds a `deleted` record.
 */
export function dealChanges(
  deal: HubSpotCrmObject,
  mapping: HubSpotMapping,
  options: ChangeOptions & { contactIds?: readonly string[] } = {},
): CrmChangeRecord[] {
  const now = dealRecord(deal, mapping, options.contactIds, options.issues);
  const match = { ...emptyMatchKeys(), contactIds: [...now.contactIds] };
  const base: RecordBase = {
    account: options.portalId ?? null,
    objectType: 'deal',
    objectId: deal.id,
    match,
  };
  const hints = hintsOf(deal);
  const record = (stage: string, at: number, source: CrmTimeSource) => {
    // HubSpot's verdict on a stage holds only for the stage the deal is in now
    const rule = dealStageRule(mapping, now.pipeline, stage, stage === now.stage ? hints : {});
    return stageRecord(base, 'deal_stage', stage, at, source, {
      pipeline: now.pipeline,
      milestone: rule.milestone,
      outcome: rule.outcome,
      amount: now.amount,
      lostReason:
        rule.outcome === 'lost' ? text(deal.properties[mapping.lostReasonProperty]) : null,
    });
  };
  const out: CrmChangeRecord[] = changesOf(deal, 'dealstage').map((h) =>
    record(h.value, h.at, 'history'),
  );
  if (out.length === 0 && now.stage) {
    const entered = timeOf(deal.properties[`hs_date_entered_${now.stage}`]);
    out.push(
      entered !== null
        ? record(now.stage, entered, 'stage_date')
        : record(now.stage, Date.parse(deal.updatedAt), 'snapshot'),
    );
  }
  if (deal.archived) {
    const at = timeOf(deal.archivedAt) ?? Date.parse(deal.updatedAt);
    out.push({
      ...record(now.stage ?? '', at, 'snapshot'),
      key: `hubspot:deal:${deal.id}:deleted:${at}`,
      change: 'deleted',
      stage: null,
      milestone: null,
      outcome: null,
      lostReason: null,
    });
  }
  return out;
}

/**
 * The records webhook events make on their own: deletions, restores and merges of contacts, companies
 * and deals. Stage changes are not among them: a webhook carries no previous value and no pipeline or
 * amount, so the receiver re-fetches the object and maps the snapshot (dealChanges, contactChanges).
 */
export function webhookChanges(events: readonly HubSpotWebhookEvent[]): CrmChangeRecord[] {
  const out: CrmChangeRecord[] = [];
  for (const e of events) {
    if (e.objectType !== 'contact' && e.objectType !== 'company' && e.objectType !== 'deal')
      continue;
    const objectType: CrmObjectType = e.objectType;
    const base = (objectId: string) => ({
      source: 'hubspot' as const,
      account: e.portalId,
      objectType,
      objectId,
      occurredAt: e.occurredAt,
      timeSource: 'event' as const,
      stage: null,
      pipeline: null,
      milestone: null,
      outcome: null,
      amount: null,
      lostReason: null,
      mergedInto: null,
      match: {
        ...emptyMatchKeys(),
        contactIds: objectType === 'contact' ? [objectId] : [],
        companyIds: objectType === 'company' ? [objectId] : [],
      },
    });
    if (e.action === 'deletion' || e.action === 'privacyDeletion') {
      out.push({
        ...base(e.objectId),
        key: `hubspot:${objectType}:${e.objectId}:deleted:${e.occurredAt}`,
        change: 'deleted',
      });
    } else if (e.action === 'restore') {
      out.push({
        ...base(e.objectId),
        key: `hubspot:${objectType}:${e.objectId}:restored:${e.occurredAt}`,
        change: 'restored',
      });
    } else if (e.action === 'merge') {
      for (const merged of e.mergedObjectIds) {
        if (merged === e.primaryObjectId) continue;
        out.push({
          ...base(merged),
          key: `hubspot:${objectType}:${merged}:merged:${e.primaryObjectId}`,
          change: 'merged',
          mergedInto: e.primaryObjectId,
        });
      }
    }
  }
  return out;
}
