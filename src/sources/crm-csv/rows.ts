// One row of a CRM import, in our columns, to the vendor-neutral records of ../crm: change records
// for contacts, deals and stage changes, revenue records for payments. Keys are built from what the
// row says (ids, stage, time, amount), never from its line number, so importing the same file again,
// or the same rows in another order or another file, gives the same keys and stores nothing new.

import { createHash } from 'node:crypto';
import { type CrmChangeRecord, type CrmMatchKeys, type DealOutcome } from '../crm/records.js';
import type { RevenueRecord } from '../crm/revenue-records.js';
import type { ImportType } from './columns.js';
import { DEFAULT_DEAL_OUTCOMES, type CsvMapping } from './mapping.js';
import {
  Reader,
  base,
  matchOf,
  sourceOf,
  type CsvRow,
  type RowOptions,
  type RowResult,
} from './row-reader.js';

import { normalizeStage } from './values.js';

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
