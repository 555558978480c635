// One row of a CRM import, in our columns, to the vendor-neutral records of ../crm: change records
// for contacts, deals and stage changes, revenue records for payments. Keys are built from what the
// row says (ids, stage, time, amount), never from its line number, so importing the same file again,
// or the same rows in another order or another file, gives the same keys and stores nothing new.

import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  MILESTONE_NAME,
  type CrmChangeRecord,
  type CrmMatchKeys,
  type CrmMoney,
  type DealOutcome,
} from '../crm/records.js';
import type { RevenueRecord } from '../crm/revenue-records.js';
import type { Column, ImportType } from './columns.js';
import {
  ValueError,
  normalizeStage,
  parseAmount,
  parseFlag,
  parseTime,
  type ValueOptions,
} from './values.js';

export type CsvRow = Partial<Record<Column, string>>;

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

/** What a workspace may set for its imports (every field optional; the defaults fill the rest). */
export const CsvMappingSettings = z
  .object({
    /** A contact's stage (as written, any case) to a milestone, or null for none. */
    contactStages: z.record(z.string().min(1), milestoneName).optional(),
    /** Pipeline (as written, or `*`) to a deal stage to its outcome and milestone. */
    dealStages: z.record(z.string().min(1), z.record(z.string().min(1), stageRule)).optional(),
    /** A contact's `created_at`. Default `lead`. */
    createdContactMilestone: milestoneName.optional(),
    openDealMilestone: milestoneName.optional(),
    wonDealMilestone: milestoneName.optional(),
    lostDealMilestone: milestoneName.optional(),
  })
  .strict();
export type CsvMappingSettings = z.infer<typeof CsvMappingSettings>;

/** The default milestone of contact stages, by their normalized name. */
export const DEFAULT_CONTACT_STAGES: Readonly<Record<string, string | null>> = {
  subscriber: 'lead',
  new: 'lead',
  lead: 'lead',
  mql: 'mql',
  marketing_qualified_lead: 'mql',
  marketingqualifiedlead: 'mql',
  sql: 'sql',
  sales_qualified_lead: 'sql',
  salesqualifiedlead: 'sql',
  opportunity: 'opportunity',
  customer: 'customer',
  evangelist: 'customer',
  other: null,
  unqualified: null,
  disqualified: null,
};

/** Deal stages whose name says the outcome (Salesforce's "Closed Won", HubSpot's `closedwon`...). */
export const DEFAULT_DEAL_OUTCOMES: Readonly<Record<string, DealOutcome>> = {
  won: 'won',
  closed_won: 'won',
  closedwon: 'won',
  lost: 'lost',
  closed_lost: 'lost',
  closedlost: 'lost',
};

export interface CsvMapping {
  contactStages: Readonly<Record<string, string | null>>;
  dealStages: ReadonlyMap<string, ReadonlyMap<string, z.infer<typeof stageRule>>>;
  createdContactMilestone: string | null;
  openDealMilestone: string | null;
  wonDealMilestone: string | null;
  lostDealMilestone: string | null;
}

export class CsvMappingError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'CsvMappingError';
  }
}

export function resolveCsvMapping(settings: unknown = {}): CsvMapping {
  const parsed = CsvMappingSettings.safeParse(settings ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.') || '(root)';
    throw new CsvMappingError(path, `${path}: ${issue.message}`);
  }
  const s = parsed.data;
  const pick = (m: string | null | undefined, d: string | null) => (m === undefined ? d : m);
  const contactStages: Record<string, string | null> = { ...DEFAULT_CONTACT_STAGES };
  for (const [k, v] of Object.entries(s.contactStages ?? {})) contactStages[normalizeStage(k)] = v;
  const dealStages = new Map<string, Map<string, z.infer<typeof stageRule>>>();
  for (const [pipeline, rules] of Object.entries(s.dealStages ?? {}))
    dealStages.set(
      pipeline === '*' ? '*' : normalizeStage(pipeline),
      new Map(Object.entries(rules).map(([k, v]) => [normalizeStage(k), v])),
    );
  return {
    contactStages,
    dealStages,
    createdContactMilestone: pick(s.createdContactMilestone, 'lead'),
    openDealMilestone: pick(s.openDealMilestone, 'opportunity'),
    wonDealMilestone: pick(s.wonDealMilestone, 'customer'),
    lostDealMilestone: pick(s.lostDealMilestone, null),
  };
}

/** A problem with one field of one row. */
export interface FieldError {
  field: Column | null;
  reason: string;
}

export interface RowOptions extends ValueOptions {
  /** The currency of amounts when a row has none (`--currency`). */
  currency?: string | null;
  /** Carried into every record's `account` (`--account`). */
  account?: string | null;
}

/** The marketing source a row carries: kept for matching touchpoints later. */
export interface RowSource {
  leadSource: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  gclid: string | null;
  fbclid: string | null;
  msclkid: string | null;
}

export type RowResult =
  | { ok: true; changes: CrmChangeRecord[]; revenue: RevenueRecord[]; source: RowSource | null }
  | { ok: false; errors: FieldError[] };

class RowError extends Error {
  constructor(
    readonly field: Column | null,
    reason: string,
  ) {
    super(reason);
  }
}

/** Reads a row's fields, collecting every field error rather than stopping at the first. */
class Reader {
  errors: FieldError[] = [];
  constructor(
    private readonly row: CsvRow,
    private readonly options: RowOptions,
  ) {}
  text(c: Column): string | null {
    const v = this.row[c]?.trim();
    return v ? v : null;
  }
  need(c: Column, why: string): string | null {
    const v = this.text(c);
    if (v === null) this.errors.push({ field: c, reason: `required ${why}` });
    return v;
  }
  private guard<T>(c: Column, read: (v: string) => T): T | null {
    const v = this.text(c);
    if (v === null) return null;
    try {
      return read(v);
    } catch (err) {
      if (!(err instanceof ValueError) && !(err instanceof RowError)) throw err;
      this.errors.push({ field: c, reason: err.message });
      return null;
    }
  }
  time(c: Column): number | null {
    return this.guard(c, (v) => parseTime(v, this.options));
  }
  flag(c: Column): boolean | null {
    return this.guard(c, parseFlag);
  }
  currency(): string | null {
    return this.guard('currency', (v) => {
      if (!/^[A-Za-z]{3}$/.test(v))
        throw new RowError('currency', `"${v}" is not an ISO 4217 code such as EUR`);
      return v.toLowerCase();
    });
  }
  amount(): CrmMoney | null {
    const currency = this.currency() ?? this.options.currency?.toLowerCase() ?? null;
    return this.guard('amount', (v) => parseAmount(v, currency, this.options));
  }
  email(): string | null {
    return this.guard('contact_email', (v) => {
      if (!/^[^\s@]+@[^\s@]+$/.test(v))
        throw new RowError('contact_email', `"${v}" is not an e-mail address`);
      return v.toLowerCase();
    });
  }
}

function matchOf(r: Reader, email: string | null): CrmMatchKeys {
  const list = (v: string | null) => (v === null ? [] : [v]);
  return {
    emails: list(email),
    phones: list(r.text('contact_phone')),
    anonymousIds: list(r.text('anonymous_id')),
    contactIds: list(r.text('contact_id')),
    companyIds: list(r.text('company_id')),
  };
}

function sourceOf(r: Reader): RowSource | null {
  const s: RowSource = {
    leadSource: r.text('lead_source'),
    utmSource: r.text('utm_source'),
    utmMedium: r.text('utm_medium'),
    utmCampaign: r.text('utm_campaign'),
    gclid: r.text('gclid'),
    fbclid: r.text('fbclid'),
    msclkid: r.text('msclkid'),
  };
  return Object.values(s).some((v) => v !== null) ? s : null;
}

function base(
  options: RowOptions,
  objectType: 'contact' | 'deal',
  objectId: string,
  match: CrmMatchKeys,
): Omit<
  CrmChangeRecord,
  'key' | 'change' | 'occurredAt' | 'timeSource' | 'stage' | 'milestone' | 'outcome'
> {
  return {
    source: 'csv',
    account: options.account ?? null,
    objectType,
    objectId,
    pipeline: null,
    amount: null,
    lostReason: null,
    mergedInto: null,
    match,
  };
}

function contactStageRecord(
  options: RowOptions,
  mapping: CsvMapping,
  id: string,
  match: CrmMatchKeys,
  stage: string,
  at: number,
): CrmChangeRecord {
  const key = normalizeStage(stage);
  return {
    ...base(options, 'contact', id, match),
    key: `csv:contact:${id}:stage:${key}:${at}`,
    change: 'lifecycle_stage',
    occurredAt: at,
    timeSource: 'stage_date',
    stage,
    milestone: Object.hasOwn(mapping.contactStages, key) ? mapping.contactStages[key]! : null,
    outcome: null,
  };
}

/** A deal stage's outcome and milestone: its pipeline's rule, a `*` rule, the stage's own name. */
function dealRule(
  mapping: CsvMapping,
  pipeline: string | null,
  stage: string | null,
): { outcome: DealOutcome | null; milestone: string | null | undefined } {
  if (stage === null) return { outcome: null, milestone: undefined };
  const key = normalizeStage(stage);
  const own =
    pipeline !== null ? mapping.dealStages.get(normalizeStage(pipeline))?.get(key) : undefined;
  const any = mapping.dealStages.get('*')?.get(key);
  return {
    outcome: own?.outcome ?? any?.outcome ?? DEFAULT_DEAL_OUTCOMES[key] ?? null,
    milestone: own?.milestone !== undefined ? own.milestone : any?.milestone,
  };
}

function outcomeMilestone(mapping: CsvMapping, outcome: DealOutcome): string | null {
  return outcome === 'won'
    ? mapping.wonDealMilestone
    : outcome === 'lost'
      ? mapping.lostDealMilestone
      : mapping.openDealMilestone;
}

/** The deal's status from `status`, else `is_won`/`is_closed`; null when the row does not say. */
function statusOf(r: Reader): DealOutcome | null {
  const status = r.text('status');
  if (status !== null) {
    const s = normalizeStage(status);
    const known: Record<string, DealOutcome> = {
      open: 'open',
      won: 'won',
      closed_won: 'won',
      lost: 'lost',
      closed_lost: 'lost',
    };
    if (known[s]) return known[s];
    r.errors.push({ field: 'status', reason: `"${status}" is not open, won or lost` });
    return null;
  }
  const won = r.flag('is_won');
  const closed = r.flag('is_closed');
  if (won === true) return 'won';
  if (closed === true) return 'lost';
  if (closed === false || won === false) return 'open';
  return null;
}

function dealRecords(
  r: Reader,
  options: RowOptions,
  mapping: CsvMapping,
  stageOnly: boolean,
): CrmChangeRecord[] {
  const id = r.need('record_id', 'for a deal: its id in the CRM');
  const pipeline = r.text('pipeline');
  const stage = r.text('stage');
  const created = stageOnly ? null : r.time('created_at');
  const changed = r.time('stage_changed_at');
  const closedAt = r.time('closed_at');
  const amount = r.amount();
  const email = r.email();
  const rule = dealRule(mapping, pipeline, stage);
  const status = statusOf(r) ?? rule.outcome ?? 'open';
  const lostReason = status === 'lost' ? r.text('lost_reason') : null;
  if (stageOnly && stage === null && r.text('status') === null)
    r.errors.push({
      field: 'stage',
      reason: 'required for a stage change: the stage (or a status)',
    });
  if (stageOnly && changed === null && r.text('stage_changed_at') === null)
    r.errors.push({
      field: 'stage_changed_at',
      reason: 'required for a stage change: when it happened',
    });
  if (
    !stageOnly &&
    created === null &&
    changed === null &&
    closedAt === null &&
    !r.errors.some((e) => e.field !== null && e.field.endsWith('_at'))
  )
    r.errors.push({
      field: 'created_at',
      reason: 'required for a deal: created_at, stage_changed_at or closed_at',
    });
  if (
    status !== 'open' &&
    !stageOnly &&
    closedAt === null &&
    changed === null &&
    r.text('closed_at') === null
  )
    r.errors.push({ field: 'closed_at', reason: `required for a ${status} deal: when it closed` });
  if (r.errors.length > 0 || id === null) return [];
  const match = {
    ...matchOf(r, email),
    contactIds: r.text('contact_id') ? [r.text('contact_id')!] : [],
  };
  const fields = { ...base(options, 'deal', id, match), pipeline, amount };
  const out: CrmChangeRecord[] = [];
  const enteredAt = changed ?? (status === 'open' ? created : null);
  // a row that closes the deal at the moment it names (a stage change, or no closed_at) is only that
  const closesNow = status !== 'open' && (stageOnly || closedAt === null);
  const entered =
    stage !== null && enteredAt !== null && (rule.outcome ?? 'open') === 'open' && !closesNow;
  // the creation, unless the stage record already says it (entered when created)
  if (created !== null && !(entered && enteredAt === created))
    out.push({
      ...fields,
      key: `csv:deal:${id}:created:${created}`,
      change: 'deal_stage',
      occurredAt: created,
      timeSource: 'stage_date',
      stage: null,
      milestone: mapping.openDealMilestone,
      outcome: 'open',
    });
  if (entered) {
    out.push({
      ...fields,
      key: `csv:deal:${id}:stage:${normalizeStage(stage)}:${enteredAt}`,
      change: 'deal_stage',
      occurredAt: enteredAt,
      timeSource: 'stage_date',
      stage,
      milestone: rule.milestone !== undefined ? rule.milestone : mapping.openDealMilestone,
      outcome: 'open',
    });
  }
  if (status !== 'open') {
    const at = closedAt ?? changed!;
    out.push({
      ...fields,
      key: `csv:deal:${id}:status:${status}:${at}`,
      change: 'deal_stage',
      occurredAt: at,
      timeSource: 'stage_date',
      stage,
      milestone:
        rule.outcome === status && rule.milestone !== undefined
          ? rule.milestone
          : outcomeMilestone(mapping, status),
      outcome: status,
      lostReason,
    });
  }
  return out;
}

function contactRecords(
  r: Reader,
  options: RowOptions,
  mapping: CsvMapping,
  stageOnly: boolean,
): CrmChangeRecord[] {
  const email = r.email();
  const recordId = r.text('record_id') ?? r.text('contact_id');
  const phone = r.text('contact_phone');
  if (
    recordId === null &&
    email === null &&
    phone === null &&
    !r.errors.some((e) => e.field === 'contact_email')
  )
    r.errors.push({
      field: 'contact_email',
      reason: 'required for a contact: an e-mail, a phone or a record_id',
    });
  const created = stageOnly ? null : r.time('created_at');
  const changed = r.time('stage_changed_at');
  const stage = r.text('stage');
  if (stageOnly && stage === null)
    r.errors.push({ field: 'stage', reason: 'required for a stage change' });
  if (stageOnly && changed === null && r.text('stage_changed_at') === null)
    r.errors.push({
      field: 'stage_changed_at',
      reason: 'required for a stage change: when it happened',
    });
  if (
    !stageOnly &&
    created === null &&
    changed === null &&
    !r.errors.some((e) => e.field === 'created_at' || e.field === 'stage_changed_at')
  )
    r.errors.push({
      field: 'created_at',
      reason: 'required for a contact: created_at or stage_changed_at',
    });
  if (r.errors.length > 0) return [];
  // a contact without an id is known by its e-mail (or phone): the same person in each import
  const id = recordId ?? (email !== null ? `email:${email}` : `phone:${phone}`);
  const match = { ...matchOf(r, email), contactIds: recordId !== null ? [recordId] : [] };
  const out: CrmChangeRecord[] = [];
  if (created !== null)
    out.push({
      ...base(options, 'contact', id, match),
      key: `csv:contact:${id}:created:${created}`,
      change: 'lifecycle_stage',
      occurredAt: created,
      timeSource: 'stage_date',
      stage: null,
      milestone: mapping.createdContactMilestone,
      outcome: null,
    });
  if (stage !== null)
    out.push(contactStageRecord(options, mapping, id, match, stage, changed ?? created!));
  return out;
}

function revenueRecords(r: Reader, options: RowOptions): RevenueRecord[] {
  const amount = r.amount();
  if (amount === null && r.text('amount') === null)
    r.errors.push({ field: 'amount', reason: 'required for revenue' });
  const at = r.time('occurred_at');
  if (at === null && r.text('occurred_at') === null)
    r.errors.push({ field: 'occurred_at', reason: 'required for revenue: when it was paid' });
  const email = r.email();
  const match = matchOf(r, email);
  const dealId = r.text('deal_id');
  const anyone = Object.values(match).some((l) => l.length > 0) || dealId !== null;
  if (!anyone && !r.errors.some((e) => e.field === 'contact_email'))
    r.errors.push({
      field: 'contact_email',
      reason: 'required for revenue: who paid (e-mail, phone, contact, company or deal id)',
    });
  if (r.errors.length > 0 || amount === null || at === null) return [];
  const paymentId = r.text('record_id');
  const description = r.text('description');
  // without the payment's own id, the key is the payment's content: the same row is the same payment
  const key =
    paymentId !== null
      ? `csv:revenue:${paymentId}`
      : `csv:revenue:${createHash('sha256')
          .update(JSON.stringify([match, dealId, at, amount.minor, amount.currency, description]))
          .digest('hex')
          .slice(0, 24)}`;
  return [
    {
      key,
      source: 'csv',
      account: options.account ?? null,
      paymentId,
      occurredAt: at,
      amount,
      dealId,
      description,
      match,
    },
  ];
}

/** One row (our columns) of one type to its records, or the errors of each bad field. */
export function rowRecords(
  row: CsvRow,
  type: ImportType,
  mapping: CsvMapping,
  options: RowOptions = {},
): RowResult {
  const r = new Reader(row, options);
  let changes: CrmChangeRecord[] = [];
  let revenue: RevenueRecord[] = [];
  if (type === 'contacts') changes = contactRecords(r, options, mapping, false);
  else if (type === 'deals') changes = dealRecords(r, options, mapping, false);
  else if (type === 'revenue') revenue = revenueRecords(r, options);
  else {
    const object = normalizeStage(r.text('object') ?? 'deal');
    if (object === 'deal' || object === 'opportunity')
      changes = dealRecords(r, options, mapping, true);
    else if (object === 'contact' || object === 'lead' || object === 'person')
      changes = contactRecords(r, options, mapping, true);
    else r.errors.push({ field: 'object', reason: `"${r.text('object')}" is not deal or contact` });
  }
  if (r.errors.length > 0) return { ok: false, errors: r.errors };
  return { ok: true, changes, revenue, source: sourceOf(r) };
}
