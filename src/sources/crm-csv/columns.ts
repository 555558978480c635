// The column set of the generic CRM import (docs/crm.md, "The CRM CSV/JSON format"): our names for
// what a CRM export holds, the other names we accept for them, and the `--map "Their=ours,..."`
// flag that names a file's own headers. Headers match whatever their case and spacing.

/** What a file holds: one of these per file (`--type`), or per row in a `record_type` column. */
export const IMPORT_TYPES = ['contacts', 'deals', 'stages', 'revenue'] as const;
export type ImportType = (typeof IMPORT_TYPES)[number];

/** Our columns. Every one is optional in a file; each type says which of them a row needs. */
export const COLUMNS = [
  'record_type',
  'record_id',
  'object',
  'contact_email',
  'contact_phone',
  'contact_id',
  'company_id',
  'anonymous_id',
  'deal_id',
  'created_at',
  'stage',
  'stage_changed_at',
  'pipeline',
  'status',
  'is_closed',
  'is_won',
  'closed_at',
  'lost_reason',
  'amount',
  'currency',
  'occurred_at',
  'description',
  'lead_source',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'gclid',
  'fbclid',
  'msclkid',
] as const;
export type Column = (typeof COLUMNS)[number];

/** Other names for our columns, as exports often write them (after lower-casing and `_` for spaces). */
export const ALIASES: Readonly<Record<string, Column>> = {
  type: 'record_type',
  id: 'record_id',
  email: 'contact_email',
  e_mail: 'contact_email',
  email_address: 'contact_email',
  phone: 'contact_phone',
  phone_number: 'contact_phone',
  person_id: 'contact_id',
  org_id: 'company_id',
  organization_id: 'company_id',
  account_id: 'company_id',
  closedloop_anonymous_id: 'anonymous_id',
  lifecycle_stage: 'stage',
  lead_status: 'stage',
  deal_stage: 'stage',
  stage_date: 'stage_changed_at',
  close_date: 'closed_at',
  value: 'amount',
  paid_at: 'occurred_at',
  date: 'occurred_at',
  source: 'lead_source',
};

/** The `record_type` values of each type. */
export const RECORD_TYPES: Readonly<Record<string, ImportType>> = {
  contact: 'contacts',
  contacts: 'contacts',
  lead: 'contacts',
  leads: 'contacts',
  deal: 'deals',
  deals: 'deals',
  opportunity: 'deals',
  stage: 'stages',
  stages: 'stages',
  stage_change: 'stages',
  revenue: 'revenue',
  payment: 'revenue',
  refund: 'revenue',
};

/** A header as a key: lower case, trimmed, runs of spaces, dashes and dots as `_`. */
export function headerKey(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s\-.]+/g, '_');
}

export class ColumnMapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ColumnMapError';
  }
}

/**
 * `--map "Email=email,Stage=stage"`: the file's header (left) to our column or alias (right). A
 * name that is not one of ours is refused with the list of ours; so is a column mapped twice.
 */
export function parseColumnMap(text: string | undefined | null): Map<string, Column> {
  const out = new Map<string, Column>();
  if (!text || !text.trim()) return out;
  const targets = new Map<Column, string>();
  for (const pair of text.split(',')) {
    if (!pair.trim()) continue;
    const eq = pair.lastIndexOf('=');
    if (eq <= 0 || eq === pair.length - 1)
      throw new ColumnMapError(`--map: "${pair.trim()}" is not Their=ours`);
    const theirs = headerKey(pair.slice(0, eq));
    const ours = headerKey(pair.slice(eq + 1));
    const column = (COLUMNS as readonly string[]).includes(ours) ? (ours as Column) : ALIASES[ours];
    if (!column)
      throw new ColumnMapError(
        `--map: "${pair.slice(eq + 1).trim()}" is not a column; the columns are ${COLUMNS.join(', ')}`,
      );
    const before = targets.get(column);
    if (before !== undefined && before !== theirs)
      throw new ColumnMapError(`--map: ${column} is mapped from both "${before}" and "${theirs}"`);
    targets.set(column, theirs);
    out.set(theirs, column);
  }
  return out;
}

/**
 * A file's header row read into our columns: by `--map` first, then by our names, then by aliases.
 * Headers that are none of these are ignored (listed in `ignored`). Two headers that land on the same
 * column are an error.
 */
export function resolveHeader(
  headers: readonly string[],
  map: ReadonlyMap<string, Column> = new Map(),
): { columns: Array<Column | null>; ignored: string[] } {
  const seen = new Map<Column, string>();
  const ignored: string[] = [];
  // a header that --map renames is the map's alone, even if it is also one of our names
  const mapped = new Set(map.values());
  const columns = headers.map((h) => {
    const key = headerKey(h);
    const column =
      map.get(key) ??
      (((COLUMNS as readonly string[]).includes(key) ? key : ALIASES[key]) as Column | undefined);
    if (column && !map.has(key) && mapped.has(column)) {
      ignored.push(h.trim());
      return null;
    }
    if (!column) {
      if (key) ignored.push(h.trim());
      return null;
    }
    const before = seen.get(column);
    if (before !== undefined)
      throw new ColumnMapError(
        `the headers "${before}" and "${h.trim()}" are both ${column}; name one with --map or rename it`,
      );
    seen.set(column, h.trim());
    return column;
  });
  for (const theirs of map.keys())
    if (!headers.some((h) => headerKey(h) === theirs))
      throw new ColumnMapError(`--map names "${theirs}", which is not a header of the file`);
  return { columns, ignored };
}

export function parseImportType(text: string): ImportType {
  const t = RECORD_TYPES[headerKey(text)];
  if (!t)
    throw new ColumnMapError(
      `"${text}" is not a record type (contacts, leads, deals, stages, revenue)`,
    );
  return t;
}
