// One row of a CRM import read field by field: values parsed as spreadsheets write them, each
// problem kept with its column, and the match keys and source every record of the row shares.

import { type CrmChangeRecord, type CrmMatchKeys, type CrmMoney } from '../crm/records.js';
import type { RevenueRecord } from '../crm/revenue-records.js';

import type { Column } from './columns.js';

import { ValueError, parseAmount, parseFlag, parseTime, type ValueOptions } from './values.js';

export type CsvRow = Partial<Record<Column, string>>;

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
export class Reader {
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

export function matchOf(r: Reader, email: string | null): CrmMatchKeys {
  const list = (v: string | null) => (v === null ? [] : [v]);
  return {
    emails: list(email),
    phones: list(r.text('contact_phone')),
    anonymousIds: list(r.text('anonymous_id')),
    contactIds: list(r.text('contact_id')),
    companyIds: list(r.text('company_id')),
  };
}

export function sourceOf(r: Reader): RowSource | null {
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

export function base(
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
