// Pipedrive's objects mapped to Closedloop's funnel, as the vendor-neutral change records of
// ../crm/records.ts.
//
// A Pipedrive deal has a stage (per pipeline, with account-specific ids) and, apart from it, a status:
// open, won, lost or deleted. A won deal stays in its last stage. So a deal gives two kinds of record:
// - entering a stage: outcome open, milestone by the workspace's rule for that stage, else
//   `openDealMilestone` (default `opportunity`);
// - its status changing: outcome won or lost (milestone `wonDealMilestone`, default `customer`;
//   `lostDealMilestone`, default none, with Pipedrive's `lost_reason`), or open again when reopened.
// A person gives a lead when added (`personMilestone`). An activity gives a record only when the
// workspace maps its type (e.g. `meeting` to `meeting_booked`).
//
// Records are dated, in this order of preference:
// 1. by the deal's changelog (a backfill reads it);
// 2. by the deal's own times (`add_time`, `stage_change_time`, `won_time`, `lost_time`);
// 3. by the webhook's `meta.timestamp`.
// Keys hold the object, the change and the time to the second. A webhook and a backfill of the same
// change therefore give the same key, and a re-delivered webhook changes nothing.

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
import {
  isEntityEvent,
  pipedriveTime,
  type PipedriveActivity,
  type PipedriveChangelogEntry,
  type PipedriveDeal,
  type PipedriveDealStatus,
  type PipedrivePerson,
  type PipedrivePipeline,
  type PipedriveStage,
  type PipedriveWebhookEvent,
} from './schemas.js';

const milestoneName = z
  .string()
  .regex(MILESTONE_NAME, 'a milestone is named in lower case letters, digits and _')
  .nullable();

/** What a workspace may set (every field optional; the defaults fill the rest). */
export const PipedriveMappingSettings = z
  .object({
    /**
     * Pipeline (its id, its name, or `*` for any) to stage (id or name) to a milestone, or null for
     * none. Names match whatever their case.
     */
    dealStages: z.record(z.string().min(1), z.record(z.string().min(1), milestoneName)).optional(),
    /** An open deal's stage with no rule. Default `opportunity`. */
    openDealMilestone: milestoneName.optional(),
    /** A won deal. Default `customer`. */
    wonDealMilestone: milestoneName.optional(),
    /** A lost deal. Default none: the record keeps `outcome: lost` and the reason. */
    lostDealMilestone: milestoneName.optional(),
    /** A person added to the CRM. Default `lead`. */
    personMilestone: milestoneName.optional(),
    /** Activity type (`meeting`, `call`, a custom type's key) to a milestone. Default none. */
    activityTypes: z.record(z.string().min(1), milestoneName).optional(),
    /** For deals that carry no currency (Pipedrive always sends one; imports may not). */
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code')
      .optional(),
    /** The person custom field (its 40-character key) a form fills with the tracker's anonymous id. */
    anonymousIdField: z.string().min(1).optional(),
  })
  .strict();
export type PipedriveMappingSettings = z.infer<typeof PipedriveMappingSettings>;

export class PipedriveMappingError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'PipedriveMappingError';
  }
}

/** The mapping in force: the defaults, the workspace's settings, the account's pipelines and stages. */
export interface PipedriveMapping {
  /** Stage id to its milestone, for stages a rule names (by id or by name). */
  stageMilestones: ReadonlyMap<string, string | null>;
  /** Rules of `*` and of pipelines not (yet) known: stage id or lower-cased name to milestone. */
  anyStage: ReadonlyMap<string, string | null>;
  /** The account's stages: id to name and pipeline. */
  stages: ReadonlyMap<string, { name: string; pipelineId: string }>;
  openDealMilestone: string | null;
  wonDealMilestone: string | null;
  lostDealMilestone: string | null;
  personMilestone: string | null;
  activityTypes: Readonly<Record<string, string | null>>;
  currency: string | null;
  anonymousIdField: string;
  /** Rules naming a pipeline or stage the account does not have. */
  unresolved: string[];
  /** Every milestone a rule names, with where (for `undefinedMilestones`). */
  named: ReadonlyArray<{ where: string; milestone: string }>;
}

/**
 * The mapping in force from a workspace's settings (validated; a bad field throws a
 * `PipedriveMappingError` naming it) and the account's pipelines and stages (to read names).
 */
export function resolvePipedriveMapping(
  settings: unknown = {},
  account: { pipelines?: readonly PipedrivePipeline[]; stages?: readonly PipedriveStage[] } = {},
): PipedriveMapping {
  const parsed = PipedriveMappingSettings.safeParse(settings ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.') || '(root)';
    throw new PipedriveMappingError(path, `${path}: ${issue.message}`);
  }
  const s = parsed.data;
  const pipelines = account.pipelines ?? [];
  const stages = account.stages ?? [];
  const lower = (t: string) => t.trim().toLowerCase();
  const stageMilestones = new Map<string, string | null>();
  const anyStage = new Map<string, string | null>();
  const unresolved: string[] = [];
  const named: Array<{ where: string; milestone: string }> = [];
  const pick = (m: string | null | undefined, fallback: string | null) =>
    m === undefined ? fallback : m;
  for (const [pipelineKey, rules] of Object.entries(s.dealStages ?? {})) {
    const pipeline =
      pipelineKey === '*'
        ? null
        : (pipelines.find((p) => p.id === pipelineKey) ??
          pipelines.find((p) => lower(p.name) === lower(pipelineKey)));
    for (const [stageKey, milestone] of Object.entries(rules)) {
      if (milestone) named.push({ where: `dealStages.${pipelineKey}.${stageKey}`, milestone });
      if (pipelineKey !== '*' && !pipeline) {
        // the pipeline is not known yet (no stages read): the rule applies by stage id or name
        if (pipelines.length > 0)
          unresolved.push(`dealStages.${pipelineKey}: no pipeline has this id or name`);
        anyStage.set(/^\d+$/.test(stageKey) ? stageKey : lower(stageKey), milestone);
        continue;
      }
      const inScope = stages.filter((st) => !pipeline || st.pipeline_id === pipeline.id);
      const matches = inScope.filter(
        (st) => st.id === stageKey || lower(st.name) === lower(stageKey),
      );
      if (matches.length === 0) {
        if (stages.length > 0)
          unresolved.push(`dealStages.${pipelineKey}.${stageKey}: no stage has this id or name`);
        if (!pipeline) anyStage.set(/^\d+$/.test(stageKey) ? stageKey : lower(stageKey), milestone);
        continue;
      }
      for (const st of matches) {
        // a pipeline's own rule wins over `*`, whichever came first
        if (pipeline || !stageMilestones.has(st.id)) stageMilestones.set(st.id, milestone);
      }
    }
  }
  const defaults = {
    openDealMilestone: pick(s.openDealMilestone, 'opportunity'),
    wonDealMilestone: pick(s.wonDealMilestone, 'customer'),
    lostDealMilestone: pick(s.lostDealMilestone, null),
    personMilestone: pick(s.personMilestone, 'lead'),
  };
  for (const [where, m] of Object.entries(defaults)) if (m) named.push({ where, milestone: m });
  for (const [type, m] of Object.entries(s.activityTypes ?? {}))
    if (m) named.push({ where: `activityTypes.${type}`, milestone: m });
  return {
    stageMilestones,
    anyStage,
    stages: new Map(stages.map((st) => [st.id, { name: st.name, pipelineId: st.pipeline_id }])),
    ...defaults,
    activityTypes: { ...s.activityTypes },
    currency: s.currency ? s.currency.toLowerCase() : null,
    anonymousIdField: s.anonymousIdField ?? 'closedloop_anonymous_id',
    unresolved,
    named,
  };
}

/**
 * The milestones the mapping names that the funnel does not define, each as a message naming where
 * and the funnel's milestones (a request that sets such a mapping is refused with these).
 */
export function undefinedMilestones(
  mapping: PipedriveMapping,
  funnel: readonly string[] = DEFAULT_MILESTONES,
): string[] {
  const known = new Set(funnel);
  return mapping.named
    .filter((n) => !known.has(n.milestone))
    .map(
      (n) => `${n.where}: "${n.milestone}" is not a milestone of the funnel (${funnel.join(', ')})`,
    );
}

/** The milestone of a deal entering a stage (an open deal). */
export function stageMilestone(mapping: PipedriveMapping, stageId: string | null): string | null {
  if (stageId === null) return mapping.openDealMilestone;
  if (mapping.stageMilestones.has(stageId)) return mapping.stageMilestones.get(stageId)!;
  if (mapping.anyStage.has(stageId)) return mapping.anyStage.get(stageId)!;
  const name = mapping.stages.get(stageId)?.name.trim().toLowerCase();
  if (name !== undefined && mapping.anyStage.has(name)) return mapping.anyStage.get(name)!;
  return mapping.openDealMilestone;
}

function outcomeMilestone(mapping: PipedriveMapping, outcome: DealOutcome, stageId: string | null) {
  return outcome === 'won'
    ? mapping.wonDealMilestone
    : outcome === 'lost'
      ? mapping.lostDealMilestone
      : stageMilestone(mapping, stageId);
}

// ---------------------------------------------------------------------------------------------------
// Records

/** Something a payload did not tell us: the object and what is missing or unknown. */
export interface MappingIssue {
  objectType: CrmObjectType;
  objectId: string;
  message: string;
}

export interface ChangeOptions {
  /** The company id (`meta.company_id`), carried into each record's `account`. */
  companyId?: string | null;
  issues?: MappingIssue[];
}

const text = (v: string | null | undefined): string | null => {
  const t = v?.trim();
  return t ? t : null;
};
const unique = (list: Array<string | null | undefined>): string[] => [
  ...new Set(list.filter((v): v is string => typeof v === 'string' && v !== '')),
];
/** Seconds are all Pipedrive keeps; a webhook's millisecond time is cut to match. */
const toSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

function deleted(o: {
  is_deleted?: boolean;
  active_flag?: boolean;
  deleted?: boolean;
  active?: boolean;
}) {
  return o.is_deleted === true || o.deleted === true || o.active_flag === false;
}

function dealAmount(
  deal: Partial<PipedriveDeal> & { id: string },
  mapping: PipedriveMapping,
  issues?: MappingIssue[],
): CrmMoney | null {
  if (deal.value === null || deal.value === undefined) return null;
  const currency = text(deal.currency)?.toLowerCase() ?? mapping.currency;
  if (!currency) {
    issues?.push({
      objectType: 'deal',
      objectId: deal.id,
      message: `value ${deal.value} has no currency`,
    });
    return null;
  }
  // the value is a float in major units; its decimal text is read digit by digit
  const minor = decimalToMinor(String(deal.value), currency);
  if (minor === null)
    issues?.push({
      objectType: 'deal',
      objectId: deal.id,
      message: `value ${deal.value} is not an amount`,
    });
  return minor === null ? null : { minor, currency };
}

function dealMatch(deal: Partial<PipedriveDeal>): CrmMatchKeys {
  return {
    ...emptyMatchKeys(),
    contactIds: unique([deal.person_id]),
    companyIds: unique([deal.org_id]),
  };
}

interface DealPoint {
  at: number;
  timeSource: CrmTimeSource;
}

function dealRecordBase(
  deal: Partial<PipedriveDeal> & { id: string },
  mapping: PipedriveMapping,
  options: ChangeOptions,
) {
  return {
    source: 'pipedrive' as const,
    account: options.companyId ?? null,
    objectType: 'deal' as const,
    objectId: deal.id,
    amount: dealAmount(deal, mapping, options.issues),
    lostReason: null as string | null,
    mergedInto: null as string | null,
    match: dealMatch(deal),
  };
}

function stageRecord(
  deal: Partial<PipedriveDeal> & { id: string },
  mapping: PipedriveMapping,
  options: ChangeOptions,
  stageId: string | null,
  pipelineId: string | null,
  when: DealPoint,
): CrmChangeRecord {
  const at = toSecond(when.at);
  return {
    ...dealRecordBase(deal, mapping, options),
    // a deal created in a stage we cannot name is keyed as created
    key:
      stageId === null
        ? `pipedrive:deal:${deal.id}:created:${at}`
        : `pipedrive:deal:${deal.id}:stage:${stageId}:${at}`,
    change: 'deal_stage',
    occurredAt: at,
    timeSource: when.timeSource,
    stage: stageId,
    pipeline: pipelineId ?? (stageId ? (mapping.stages.get(stageId)?.pipelineId ?? null) : null),
    milestone: stageMilestone(mapping, stageId),
    outcome: 'open',
  };
}

function statusRecord(
  deal: Partial<PipedriveDeal> & { id: string },
  mapping: PipedriveMapping,
  options: ChangeOptions,
  status: Exclude<PipedriveDealStatus, 'deleted'>,
  stageId: string | null,
  pipelineId: string | null,
  when: DealPoint,
): CrmChangeRecord {
  const at = toSecond(when.at);
  return {
    ...dealRecordBase(deal, mapping, options),
    key: `pipedrive:deal:${deal.id}:status:${status}:${at}`,
    change: 'deal_stage',
    occurredAt: at,
    timeSource: when.timeSource,
    stage: stageId,
    pipeline: pipelineId ?? (stageId ? (mapping.stages.get(stageId)?.pipelineId ?? null) : null),
    milestone: outcomeMilestone(mapping, status, stageId),
    outcome: status,
    lostReason: status === 'lost' ? text(deal.lost_reason) : null,
  };
}

function goneRecord(
  objectType: CrmObjectType,
  objectId: string,
  at: number,
  timeSource: CrmTimeSource,
  mergedInto: string | null,
  account: string | null,
  match: CrmMatchKeys,
): CrmChangeRecord {
  return {
    // a deletion or merge happens once: its key holds no time, so each report of it is one record
    key: mergedInto
      ? `pipedrive:${objectType}:${objectId}:merged:${mergedInto}`
      : `pipedrive:${objectType}:${objectId}:deleted`,
    source: 'pipedrive',
    account,
    objectType,
    objectId,
    change: mergedInto ? 'merged' : 'deleted',
    occurredAt: toSecond(at),
    timeSource,
    stage: null,
    pipeline: null,
    milestone: null,
    outcome: null,
    amount: null,
    lostReason: null,
    mergedInto,
    match,
  };
}

const isStatus = (v: string | null | undefined): v is PipedriveDealStatus =>
  v === 'open' || v === 'won' || v === 'lost' || v === 'deleted';

/**
 * Every stage a deal entered and every status it took, from a backfill: dated by its changelog when
 * one is given (`stage_id`, `pipeline_id` and `status` entries), else by its own times. The stage
 * it was created in is dated by `add_time`.
 */
export function dealChanges(
  deal: PipedriveDeal,
  mapping: PipedriveMapping,
  options: ChangeOptions & { changelog?: readonly PipedriveChangelogEntry[] } = {},
): CrmChangeRecord[] {
  const out: CrmChangeRecord[] = [];
  const added = pipedriveTime(deal.add_time);
  const updated = pipedriveTime(deal.update_time);
  const history = (options.changelog ?? []).filter(
    (e) =>
      (e.field_key === 'stage_id' || e.field_key === 'status' || e.field_key === 'pipeline_id') &&
      pipedriveTime(e.time) !== null,
  );
  const first = (key: string) => history.find((e) => e.field_key === key);
  // the state it was created in: each field's first change's old value, else its value now
  let stage = first('stage_id') ? text(first('stage_id')!.old_value) : deal.stage_id;
  let pipeline = first('pipeline_id') ? text(first('pipeline_id')!.old_value) : deal.pipeline_id;
  let status: PipedriveDealStatus = first('status')
    ? isStatus(first('status')!.old_value)
      ? (first('status')!.old_value as PipedriveDealStatus)
      : 'open'
    : history.length > 0
      ? (deal.status ?? 'open')
      : 'open';
  if (stage === '0') stage = null;
  if (history.length > 0) {
    if (added !== null)
      out.push(
        stageRecord(deal, mapping, options, stage, pipeline, {
          at: added,
          timeSource: 'stage_date',
        }),
      );
    if (status !== 'open' && status !== 'deleted' && added !== null)
      out.push(
        statusRecord(deal, mapping, options, status, stage, pipeline, {
          at: added,
          timeSource: 'stage_date',
        }),
      );
    for (const e of history) {
      const at = pipedriveTime(e.time)!;
      const value = text(e.new_value);
      if (e.field_key === 'pipeline_id') pipeline = value;
      else if (e.field_key === 'stage_id') {
        stage = value;
        if (status === 'open')
          out.push(
            stageRecord(deal, mapping, options, stage, pipeline, { at, timeSource: 'history' }),
          );
      } else if (isStatus(value) && value !== status) {
        status = value;
        if (status === 'deleted')
          out.push(
            goneRecord(
              'deal',
              deal.id,
              at,
              'history',
              null,
              options.companyId ?? null,
              dealMatch(deal),
            ),
          );
        else
          out.push(
            statusRecord(deal, mapping, options, status, stage, pipeline, {
              at,
              timeSource: 'history',
            }),
          );
      }
    }
  } else {
    // no changelog: the stage it is in since `stage_change_time`, and before that the creation
    const entered = pipedriveTime(deal.stage_change_time);
    if (added !== null && (entered === null || toSecond(entered) > toSecond(added)))
      out.push(
        stageRecord(deal, mapping, options, entered === null ? stage : null, pipeline, {
          at: added,
          timeSource: 'stage_date',
        }),
      );
    if (entered !== null)
      out.push(
        stageRecord(deal, mapping, options, stage, pipeline, {
          at: entered,
          timeSource: 'stage_date',
        }),
      );
    if (added === null && entered === null && updated !== null)
      out.push(
        stageRecord(deal, mapping, options, stage, pipeline, {
          at: updated,
          timeSource: 'snapshot',
        }),
      );
    const closed =
      deal.status === 'won'
        ? (pipedriveTime(deal.won_time) ?? pipedriveTime(deal.close_time))
        : deal.status === 'lost'
          ? (pipedriveTime(deal.lost_time) ?? pipedriveTime(deal.close_time))
          : null;
    if (deal.status === 'won' || deal.status === 'lost') {
      const when: DealPoint =
        closed !== null
          ? { at: closed, timeSource: 'stage_date' }
          : { at: updated ?? added ?? 0, timeSource: 'snapshot' };
      out.push(statusRecord(deal, mapping, options, deal.status, stage, pipeline, when));
    }
  }
  if (deal.status === 'deleted' || deleted(deal)) {
    if (!out.some((r) => r.change === 'deleted'))
      out.push(
        goneRecord(
          'deal',
          deal.id,
          updated ?? added ?? 0,
          'snapshot',
          null,
          options.companyId ?? null,
          dealMatch(deal),
        ),
      );
  }
  // the current amount and lost reason hold for every record (Pipedrive keeps no history of them here)
  return dedupe(out);
}

function dedupe(records: CrmChangeRecord[]): CrmChangeRecord[] {
  const byKey = new Map<string, CrmChangeRecord>();
  for (const r of records) if (!byKey.has(r.key)) byKey.set(r.key, r);
  return [...byKey.values()].sort(
    (a, b) => a.occurredAt - b.occurredAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

/** A person's e-mails (lower case), phones and anonymous id, whichever version named them. */
export function personMatch(
  person: Partial<PipedrivePerson> & { id: string },
  mapping: PipedriveMapping,
): CrmMatchKeys {
  const points = (list: Array<{ value: string }> | undefined) =>
    (list ?? []).map((p) => text(p.value));
  const field = mapping.anonymousIdField;
  const rawAnon = person.custom_fields?.[field] ?? (person as Record<string, unknown>)[field];
  return {
    emails: unique(
      [...points(person.emails), ...points(person.email)].map((e) => e?.toLowerCase() ?? null),
    ),
    phones: unique([...points(person.phones), ...points(person.phone)]),
    anonymousIds: unique([typeof rawAnon === 'string' ? text(rawAnon) : null]),
    contactIds: [person.id],
    companyIds: unique([person.org_id]),
  };
}

/** A person added to the CRM: a lead by default (`personMilestone`), dated by `add_time`. */
export function personChanges(
  person: PipedrivePerson,
  mapping: PipedriveMapping,
  options: ChangeOptions = {},
): CrmChangeRecord[] {
  const match = personMatch(person, mapping);
  const out: CrmChangeRecord[] = [];
  const added = pipedriveTime(person.add_time);
  const at = added ?? pipedriveTime(person.update_time);
  if (at !== null) {
    const t = toSecond(at);
    out.push({
      key: `pipedrive:contact:${person.id}:added:${t}`,
      source: 'pipedrive',
      account: options.companyId ?? null,
      objectType: 'contact',
      objectId: person.id,
      change: 'lifecycle_stage',
      occurredAt: t,
      timeSource: added !== null ? 'stage_date' : 'snapshot',
      stage: 'person',
      pipeline: null,
      milestone: mapping.personMilestone,
      outcome: null,
      amount: null,
      lostReason: null,
      mergedInto: null,
      match,
    });
  } else {
    options.issues?.push({
      objectType: 'contact',
      objectId: person.id,
      message: 'no add_time or update_time: not dated',
    });
  }
  if (deleted(person))
    out.push(
      goneRecord('contact', person.id, at ?? 0, 'snapshot', null, options.companyId ?? null, match),
    );
  return out;
}

/** An activity of a type the workspace maps (a meeting booked): dated when it was added. */
export function activityChanges(
  activity: PipedriveActivity,
  mapping: PipedriveMapping,
  options: ChangeOptions = {},
): CrmChangeRecord[] {
  const type = text(activity.type);
  if (!type || !Object.hasOwn(mapping.activityTypes, type) || mapping.activityTypes[type] === null)
    return [];
  const at = pipedriveTime(activity.add_time) ?? pipedriveTime(activity.update_time);
  if (at === null) {
    options.issues?.push({
      objectType: 'activity',
      objectId: activity.id,
      message: 'no add_time: not dated',
    });
    return [];
  }
  const t = toSecond(at);
  return [
    {
      key: `pipedrive:activity:${activity.id}:${type}:${t}`,
      source: 'pipedrive',
      account: options.companyId ?? null,
      objectType: 'activity',
      objectId: activity.id,
      change: 'activity',
      occurredAt: t,
      timeSource: 'stage_date',
      stage: type,
      pipeline: null,
      milestone: mapping.activityTypes[type]!,
      outcome: null,
      amount: null,
      lostReason: null,
      mergedInto: null,
      match: {
        ...emptyMatchKeys(),
        contactIds: unique([
          activity.person_id,
          ...(activity.participants ?? []).map((p) => p.person_id),
        ]),
        companyIds: unique([activity.org_id]),
      },
    },
  ];
}

/**
 * The records one webhook makes, either version: a deal created (its stage, and its status if it was
 * created won or lost), a deal's stage or status changed (`previous` names the changed fields), a
 * person added, a mapped activity added or retyped, and deletions and merges of deals, persons and
 * organizations. A re-delivery gives the same records (same keys).
 */
export function webhookChanges(
  event: PipedriveWebhookEvent,
  mapping: PipedriveMapping,
  options: Omit<ChangeOptions, 'companyId'> = {},
): CrmChangeRecord[] {
  const opts: ChangeOptions = { ...options, companyId: event.companyId };
  const objectType: CrmObjectType | null =
    event.entity === 'deal'
      ? 'deal'
      : event.entity === 'person'
        ? 'contact'
        : event.entity === 'organization'
          ? 'company'
          : event.entity === 'activity'
            ? 'activity'
            : null;
  if (objectType === null) return [];
  const eventTime: DealPoint = { at: event.timestamp, timeSource: 'event' };
  const out: CrmChangeRecord[] = [];
  const idMatch = (): CrmMatchKeys => ({
    ...emptyMatchKeys(),
    contactIds: objectType === 'contact' ? [event.entityId] : [],
    companyIds: objectType === 'company' ? [event.entityId] : [],
  });
  if (event.action === 'delete') {
    out.push(
      goneRecord(
        objectType,
        event.entityId,
        event.timestamp,
        'event',
        event.mergedToId,
        event.companyId,
        idMatch(),
      ),
    );
    return out;
  }
  if (event.mergedFromId) {
    out.push(
      goneRecord(
        objectType,
        event.mergedFromId,
        event.timestamp,
        'event',
        event.entityId,
        event.companyId,
        {
          ...emptyMatchKeys(),
          contactIds: objectType === 'contact' ? [event.mergedFromId] : [],
          companyIds: objectType === 'company' ? [event.mergedFromId] : [],
        },
      ),
    );
  }
  if (isEntityEvent(event, 'person') && event.data) {
    if (event.action === 'create')
      out.push(...personChanges(event.data, mapping, opts).filter((r) => r.change !== 'deleted'));
  } else if (isEntityEvent(event, 'activity') && event.data) {
    const retyped =
      event.action === 'change' && event.previous !== null && 'type' in event.previous;
    if (event.action === 'create' || retyped)
      out.push(...activityChanges(event.data, mapping, opts));
  } else if (isEntityEvent(event, 'deal') && event.data) {
    const deal = event.data;
    const prev = event.previous ?? {};
    const stage = deal.stage_id;
    const pipeline = deal.pipeline_id;
    const dated = (time: string | null | undefined): DealPoint => {
      const at = pipedriveTime(time);
      return at !== null ? { at, timeSource: 'stage_date' } : eventTime;
    };
    if (event.action === 'create') {
      out.push(stageRecord(deal, mapping, opts, stage, pipeline, dated(deal.add_time)));
      if (deal.status === 'won' || deal.status === 'lost')
        out.push(
          statusRecord(
            deal,
            mapping,
            opts,
            deal.status,
            stage,
            pipeline,
            dated(
              deal.status === 'won'
                ? (deal.won_time ?? deal.close_time)
                : (deal.lost_time ?? deal.close_time),
            ),
          ),
        );
    } else {
      if ('stage_id' in prev && prev.stage_id !== stage && (deal.status ?? 'open') === 'open')
        out.push(stageRecord(deal, mapping, opts, stage, pipeline, dated(deal.stage_change_time)));
      if ('status' in prev && prev.status !== deal.status && deal.status) {
        if (deal.status === 'deleted')
          out.push(
            goneRecord(
              'deal',
              deal.id,
              event.timestamp,
              'event',
              null,
              event.companyId,
              dealMatch(deal),
            ),
          );
        else if (deal.status === 'open')
          out.push(
            statusRecord(deal, mapping, opts, 'open', stage, pipeline, dated(deal.update_time)),
          );
        else
          out.push(
            statusRecord(
              deal,
              mapping,
              opts,
              deal.status,
              stage,
              pipeline,
              dated(
                deal.status === 'won'
                  ? (deal.won_time ?? deal.close_time)
                  : (deal.lost_time ?? deal.close_time),
              ),
            ),
          );
      }
    }
  }
  return dedupe(out);
}

// ---------------------------------------------------------------------------------------------------
// Flat records, for matching

export interface PipedriveDealRecord {
  id: string;
  title: string | null;
  pipeline: string | null;
  stage: string | null;
  stageName: string | null;
  outcome: DealOutcome;
  milestone: string | null;
  amount: CrmMoney | null;
  lostReason: string | null;
  personId: string | null;
  orgId: string | null;
  createdAt: number | null;
  closedAt: number | null;
  deleted: boolean;
}

/** A deal as it is now: its status and stage read by the mapping, its value in minor units. */
export function dealRecord(
  deal: PipedriveDeal,
  mapping: PipedriveMapping,
  issues?: MappingIssue[],
): PipedriveDealRecord {
  const outcome: DealOutcome =
    deal.status === 'won' || deal.status === 'lost' ? deal.status : 'open';
  return {
    id: deal.id,
    title: text(deal.title),
    pipeline: deal.pipeline_id,
    stage: deal.stage_id,
    stageName: deal.stage_id ? (mapping.stages.get(deal.stage_id)?.name ?? null) : null,
    outcome,
    milestone: outcomeMilestone(mapping, outcome, deal.stage_id),
    amount: dealAmount(deal, mapping, issues),
    lostReason: outcome === 'lost' ? text(deal.lost_reason) : null,
    personId: deal.person_id,
    orgId: deal.org_id,
    createdAt: pipedriveTime(deal.add_time),
    closedAt:
      pipedriveTime(deal.close_time) ??
      pipedriveTime(deal.won_time) ??
      pipedriveTime(deal.lost_time),
    deleted: deal.status === 'deleted' || deleted(deal),
  };
}
