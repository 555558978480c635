// Reads a CRM export as a stream: CSV (parsed by csv-parse, any of `,` `;` or tab as the delimiter,
// sniffed from the header line), NDJSON (one object a line) or a JSON array. Each row becomes its
// records (rows.ts) or an error per bad field, with the line it started on. A bad row never stops
// the import: the rows around it still count.
//
//   for await (const item of readCrmImport(createReadStream(file), { type: 'deals', map: 'Email=email' }))
//     if (item.kind === 'error') report(`line ${item.line}: ${item.field}: ${item.reason}`);
//     else store(item.changes, item.revenue);

import { parse } from 'csv-parse';
import { Readable } from 'node:stream';
import {
  ColumnMapError,
  parseColumnMap,
  parseImportType,
  resolveHeader,
  type Column,
  type ImportType,
} from './columns.js';
import { resolveCsvMapping, type CsvMapping } from './mapping.js';
import { rowRecords } from './rows.js';
import { type CsvRow, type RowOptions, type RowSource } from './row-reader.js';
import { checkTimeZone } from './values.js';
import type { CrmChangeRecord } from '../crm/records.js';
import type { RevenueRecord } from '../crm/revenue-records.js';

export interface CrmImportOptions extends RowOptions {
  /** Every row's type (`--type`); without it each row needs a `record_type`. */
  type?: ImportType;
  /** `--map "Their=ours,..."`. */
  map?: string;
  /** The workspace's stage mapping (rows.ts `CsvMappingSettings`). */
  settings?: unknown;
  /** Default: by the first character (`[` a JSON array, `{` NDJSON, else CSV). */
  format?: 'csv' | 'ndjson' | 'json';
  /** CSV only; default: sniffed from the header line. */
  delimiter?: ',' | ';' | '\t';
  /** Bytes read so far, after each chunk (for a progress bar). */
  onProgress?: (bytes: number) => void;
}

export type CrmImportItem =
  | {
      kind: 'row';
      /** The line the row starts on (CSV, NDJSON), or its position in a JSON array. */
      line: number;
      type: ImportType;
      changes: CrmChangeRecord[];
      revenue: RevenueRecord[];
      source: RowSource | null;
    }
  | { kind: 'error'; line: number; field: string | null; reason: string }
  | { kind: 'header'; columns: Array<Column | null>; ignored: string[] };

type Chunk = string | Uint8Array;
/** A file stream, any async iterable of chunks, an array of chunks, or the whole text. */
export type CrmImportInput = AsyncIterable<Chunk> | Iterable<Chunk> | string;

async function* chunks(input: CrmImportInput): AsyncGenerator<Chunk> {
  if (typeof input === 'string') yield input;
  else yield* input;
}

/** The first characters of a stream, and the whole stream again. */
async function peek(input: CrmImportInput, onProgress?: (bytes: number) => void) {
  const it = chunks(input);
  const head: Buffer[] = [];
  let bytes = 0;
  let done = false;
  const take = async () => {
    const next = await it.next();
    if (next.done) {
      done = true;
      return;
    }
    const b =
      typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : Buffer.from(next.value);
    bytes += b.length;
    onProgress?.(bytes);
    head.push(b);
  };
  // enough to hold the header line
  while (!done && Buffer.concat(head).indexOf(10) < 0 && bytes < 1 << 16) await take();
  const text = Buffer.concat(head)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  async function* all(): AsyncGenerator<Buffer> {
    yield* head;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      const b =
        typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : Buffer.from(next.value);
      bytes += b.length;
      onProgress?.(bytes);
      yield b;
    }
  }
  return { text, all };
}

/** The delimiter of the header line: the most frequent of `,` `;` tab outside quotes. */
export function sniffDelimiter(headerLine: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch as keyof typeof counts]++;
  }
  const best = (Object.entries(counts) as Array<[',' | ';' | '\t', number]>).sort(
    (a, b) => b[1] - a[1],
  )[0]!;
  return best[1] > 0 ? best[0] : ',';
}

interface RowContext {
  columns: Array<Column | null>;
  mapping: CsvMapping;
  options: CrmImportOptions;
}

function rowItem(values: Array<string | null>, line: number, ctx: RowContext): CrmImportItem[] {
  const row: CsvRow = {};
  ctx.columns.forEach((c, i) => {
    if (c !== null && values[i] !== null && values[i] !== undefined) row[c] = values[i]!;
  });
  let type = ctx.options.type;
  const said = row.record_type?.trim();
  if (said) {
    let t: ImportType;
    try {
      t = parseImportType(said);
    } catch (err) {
      return [{ kind: 'error', line, field: 'record_type', reason: (err as Error).message }];
    }
    if (type && t !== type)
      return [
        { kind: 'error', line, field: 'record_type', reason: `"${said}" in a ${type} import` },
      ];
    type = t;
  }
  if (!type)
    return [
      {
        kind: 'error',
        line,
        field: 'record_type',
        reason: 'required when no --type is given (contacts, deals, stages or revenue)',
      },
    ];
  const result = rowRecords(row, type, ctx.mapping, ctx.options);
  if (!result.ok)
    return result.errors.map((e) => ({
      kind: 'error' as const,
      line,
      field: e.field,
      reason: e.reason,
    }));
  return [
    {
      kind: 'row',
      line,
      type,
      changes: result.changes,
      revenue: result.revenue,
      source: result.source,
    },
  ];
}

async function* readCsv(
  stream: AsyncIterable<Buffer>,
  delimiter: ',' | ';' | '\t',
  map: Map<string, Column>,
  mapping: CsvMapping,
  options: CrmImportOptions,
): AsyncGenerator<CrmImportItem> {
  const parser = parse({
    bom: true,
    delimiter,
    info: true,
    raw: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
  });
  const skipped: CrmImportItem[] = [];
  let lastSkip = -1;
  parser.on('skip', (err: Error & { lines?: number }) => {
    const line = err.lines ?? 0;
    // one broken quote can make the parser complain again about the same line: once is enough
    if (line === lastSkip) return;
    lastSkip = line;
    skipped.push({ kind: 'error', line, field: null, reason: err.message });
  });
  Readable.from(stream).pipe(parser);
  let ctx: RowContext | null = null;
  for await (const item of parser as AsyncIterable<{
    record: string[];
    raw: string;
    info: { lines: number };
  }>) {
    yield* skipped.splice(0);
    // the line a record starts on: where it ends, less the line breaks inside its quoted fields
    const nl = item.raw.indexOf('\n');
    const inner =
      nl === -1 || nl >= item.raw.length - 1
        ? 0
        : (item.raw.replace(/\r?\n$/, '').match(/\n/g) ?? []).length;
    const line = item.info.lines - inner;
    if (ctx === null) {
      const header = resolveHeader(item.record, map);
      ctx = { columns: header.columns, mapping, options };
      yield { kind: 'header', ...header };
      continue;
    }
    const fields = item.record;
    // a row of empty cells (a spreadsheet's trailing `;;;;`) is no row
    if (fields.every((f) => f.trim() === '')) continue;
    const width = ctx.columns.length;
    if (fields.length > width && fields.slice(width).some((f) => f.trim() !== '')) {
      yield {
        kind: 'error',
        line,
        field: null,
        reason: `${fields.length} fields, but the header has ${width}`,
      };
      continue;
    }
    if (fields.length < width) {
      yield {
        kind: 'error',
        line,
        field: null,
        reason: `${fields.length} fields, but the header has ${width}`,
      };
      continue;
    }
    yield* rowItem(fields, line, ctx);
  }
  yield* skipped.splice(0);
}

/** A JSON value as the text a CSV cell would hold (numbers with the file's decimal mark). */
function cell(value: unknown, decimal: '.' | ','): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number')
    return decimal === ',' ? String(value).replace('.', ',') : String(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}

function objectItems(
  value: unknown,
  line: number,
  map: Map<string, Column>,
  mapping: CsvMapping,
  options: CrmImportOptions,
): CrmImportItem[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return [{ kind: 'error', line, field: null, reason: 'not a JSON object' }];
  const entries = Object.entries(value);
  let header: ReturnType<typeof resolveHeader>;
  try {
    // an object's keys are its headers; a --map name an object lacks is no error here
    const present = new Map(
      [...map].filter(([k]) =>
        entries.some(
          ([h]) =>
            h
              .trim()
              .toLowerCase()
              .replace(/[\s\-.]+/g, '_') === k,
        ),
      ),
    );
    header = resolveHeader(
      entries.map(([k]) => k),
      present,
    );
  } catch (err) {
    if (!(err instanceof ColumnMapError)) throw err;
    return [{ kind: 'error', line, field: null, reason: err.message }];
  }
  const decimal = options.decimal ?? '.';
  return rowItem(
    entries.map(([, v]) => cell(v, decimal)),
    line,
    { columns: header.columns, mapping, options },
  );
}

async function* readNdjson(
  stream: AsyncIterable<Buffer>,
  map: Map<string, Column>,
  mapping: CsvMapping,
  options: CrmImportOptions,
): AsyncGenerator<CrmImportItem> {
  let rest = '';
  let line = 0;
  const decoder = new TextDecoder('utf-8');
  const one = function* (text: string): Generator<CrmImportItem> {
    line++;
    const t = text.replace(/^\uFEFF/, '').trim();
    if (!t) return;
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch (err) {
      yield { kind: 'error', line, field: null, reason: `not JSON (${(err as Error).message})` };
      return;
    }
    yield* objectItems(value, line, map, mapping, options);
  };
  for await (const chunk of stream) {
    rest += decoder.decode(chunk, { stream: true });
    const parts = rest.split('\n');
    rest = parts.pop()!;
    for (const p of parts) yield* one(p);
  }
  rest += decoder.decode();
  if (rest.length > 0) yield* one(rest);
}

/**
 * Reads an export, row by row. The header (or, in JSON, each object's keys) is read into our
 * columns first: a `--map` naming a column we do not have, or two headers on one column, throws a
 * `ColumnMapError` before any row.
 */
export async function* readCrmImport(
  input: CrmImportInput,
  options: CrmImportOptions = {},
): AsyncGenerator<CrmImportItem> {
  const map = parseColumnMap(options.map);
  const mapping = resolveCsvMapping(options.settings);
  if (options.timeZone) checkTimeZone(options.timeZone);
  const { text, all } = await peek(input, options.onProgress);
  const first = text.trimStart()[0];
  const format = options.format ?? (first === '[' ? 'json' : first === '{' ? 'ndjson' : 'csv');
  if (format === 'csv') {
    const delimiter = options.delimiter ?? sniffDelimiter(text.split(/\r?\n/, 1)[0] ?? '');
    yield* readCsv(all(), delimiter, map, mapping, options);
  } else if (format === 'ndjson') {
    yield* readNdjson(all(), map, mapping, options);
  } else {
    const chunks: Buffer[] = [];
    for await (const c of all()) chunks.push(c);
    let value: unknown;
    try {
      value = JSON.parse(
        Buffer.concat(chunks)
          .toString('utf8')
          .replace(/^\uFEFF/, ''),
      );
    } catch (err) {
      yield { kind: 'error', line: 1, field: null, reason: `not JSON (${(err as Error).message})` };
      return;
    }
    if (!Array.isArray(value)) {
      yield { kind: 'error', line: 1, field: null, reason: 'a JSON import is an array of objects' };
      return;
    }
    for (let i = 0; i < value.length; i++)
      yield* objectItems(value[i], i + 1, map, mapping, options);
  }
}

/** What an import made: records by key (a repeated key is kept once), errors by line. */
export interface CrmImportSummary {
  rows: number;
  changes: CrmChangeRecord[];
  revenue: RevenueRecord[];
  errors: Array<{ line: number; field: string | null; reason: string }>;
  ignoredColumns: string[];
}

/** Reads a whole export into a summary (tests, small files; a CLI streams `readCrmImport`). */
export async function importCrmFile(
  input: CrmImportInput,
  options: CrmImportOptions = {},
): Promise<CrmImportSummary> {
  const changes = new Map<string, CrmChangeRecord>();
  const revenue = new Map<string, RevenueRecord>();
  const summary: CrmImportSummary = {
    rows: 0,
    changes: [],
    revenue: [],
    errors: [],
    ignoredColumns: [],
  };
  for await (const item of readCrmImport(input, options)) {
    if (item.kind === 'header') summary.ignoredColumns = item.ignored;
    else if (item.kind === 'error')
      summary.errors.push({ line: item.line, field: item.field, reason: item.reason });
    else {
      summary.rows++;
      for (const c of item.changes) if (!changes.has(c.key)) changes.set(c.key, c);
      for (const r of item.revenue) if (!revenue.has(r.key)) revenue.set(r.key, r);
    }
  }
  summary.changes = [...changes.values()];
  summary.revenue = [...revenue.values()];
  summary.errors.sort((a, b) => a.line - b.line);
  return summary;
}
