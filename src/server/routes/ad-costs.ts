// Ad costs per workspace: import one platform file (`closedloop import ads` sends it here when a server
// holds the data): a saved API answer or the platform's CSV export, read all or nothing, recorded as an
// import of its period, so a re-import of the period replaces it (docs/costs.md).
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AD_FILE_PLATFORMS, AdImportError, streamAdFile } from '../../sources/ads/read-file.js';
import {
  adCostPeriodProblem,
  adCostRowsProblem,
  adCostImportIdBefore,
  newAdCostImportId,
  type AdCostRow,
} from '../../store/areas/ad-costs.js';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';
import { ApiError } from '../errors.js';
import { adAccountKey } from '../../sources/ads/account-key.js';

// Not a memory bound (the body is read as it comes, a batch at a time): what one request may make the
// server read. A year of daily keyword-level costs of a large account is tens to hundreds of MB.
export const AD_FILE_LIMIT = 2 * 1024 ** 3;
const FILE_TYPES = [
  'application/octet-stream',
  'application/zip',
  'application/x-zip-compressed',
  'text/csv',
  'text/plain',
  'application/csv',
];

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'is not a day as YYYY-MM-DD');
export const AdImportQuery = z.object({
  platform: z.enum(AD_FILE_PLATFORMS),
  account: z
    .string()
    .trim()
    .min(1, 'is empty')
    .max(200)
    .refine((a) => adAccountKey(a) !== '', 'names no account id'),
  currency: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.string().regex(/^[A-Z]{3}$/, 'is not a currency code (three letters, e.g. EUR)'))
    .optional(),
  from: Day.optional(),
  to: Day.optional(),
  /** The file's name, for the import's record. */
  file: z.string().max(300).optional(),
});

export interface AdImportResult {
  importId: string;
  platform: string;
  account: string;
  format: 'api-json' | 'csv';
  from: string;
  to: string;
  rows: number;
  /** Spend per currency, in major units as decimal text (exact). */
  spend: { currency: string; amount: string }[];
}

/** Micros as decimal text in major units, exactly ("1184.5" for 1,184,500,000). */
export const microsText = (m: number): string =>
  `${Math.floor(m / 1e6)}${
    m % 1e6
      ? `.${String(m % 1e6)
          .padStart(6, '0')
          .replace(/0+$/, '')}`
      : ''
  }`;

/** Rows a batch: each staged in one write, so a file's rows are never all in memory (DuckDB binds a batch as lists, some 7 KiB a row at its peak: 20,000 rows a batch peaked 140 MiB above the store's own, 5,000 some 70). */
export const AD_IMPORT_BATCH = 5_000;

/** A file's bytes as they come: a Buffer (a test, the Demo) or a stream (a file, a request body). */
export type AdFileBytes = Buffer | AsyncIterable<Uint8Array>;

const piecesOf = (bytes: AdFileBytes): AsyncIterable<Uint8Array> =>
  Buffer.isBuffer(bytes)
    ? (async function* () {
        yield bytes;
      })()
    : bytes;

/**
 * Reads one file as it comes and records it as an import of its period (the route's work, and the CLI's
 * when no server holds the data). Its rows are staged in batches while it is read, invisible to every
 * read, and put in effect by the import's record once the whole file has been read; a file that fails
 * anywhere (a bad cell on its last line, the store refusing a row) has its staged rows deleted, and is
 * an AdImportError naming where. Memory: a batch and the reader's window, whatever the file's size.
 */
export async function importAdFile(
  store: Store,
  workspaceId: string,
  q: z.infer<typeof AdImportQuery>,
  bytes: AdFileBytes,
  fileName: string,
): Promise<AdImportResult> {
  await sweepStaleAdImports(store, workspaceId);
  const file = await streamAdFile(q.platform, piecesOf(bytes), q);
  const staged = {
    importId: newAdCostImportId(),
    platform: q.platform,
    accountId: adAccountKey(q.account),
  };
  const spend = new Map<string, number>();
  let rows = 0;
  let stagedAny = false;
  let first: string | undefined;
  let last: string | undefined;
  let batch: AdCostRow[] = [];
  const flush = async () => {
    // the readers check what the store does; this keeps a slip of theirs a 400, not a 500
    const problem = adCostRowsProblem(batch);
    if (problem) throw new AdImportError('file', problem);
    stagedAny = true;
    await store.stageAdCosts(workspaceId, staged, batch);
    rows += batch.length;
    batch = [];
  };
  try {
    for await (const r of file.rows) {
      batch.push(r);
      spend.set(r.currency, (spend.get(r.currency) ?? 0) + r.costMicros);
      if (first === undefined || r.date < first) first = r.date;
      if (last === undefined || r.date > last) last = r.date;
      if (batch.length >= AD_IMPORT_BATCH) await flush();
    }
    if (batch.length > 0) await flush();
    const { from, to } = file.period();
    const imp = {
      ...staged,
      from,
      to,
      source: `${file.format === 'csv' ? 'csv' : 'json'}:${basename(fileName)}`,
    };
    const problem = adCostPeriodProblem(imp);
    if (problem) throw new AdImportError('file', problem);
    if ((first !== undefined && first < from) || (last !== undefined && last > to))
      throw new AdImportError('file', `rows of ${first}..${last} are outside ${from}..${to}`);
    await store.commitAdCosts(workspaceId, imp, rows);
    return {
      importId: staged.importId,
      platform: q.platform,
      account: staged.accountId,
      format: file.format,
      from,
      to,
      rows,
      spend: [...spend].sort().map(([currency, m]) => ({ currency, amount: microsText(m) })),
    };
  } catch (err) {
    // nothing of a failed file is left: its staged rows go (they were in effect on no day meanwhile)
    // (should the delete fail too, the rows stay invisible: no import record names them)
    if (stagedAny) await store.discardAdCosts(workspaceId, staged.importId).catch(() => undefined);
    throw err;
  }
}

/**
 * A file import takes minutes at most (the body is capped): an import begun this long ago that has
 * staged rows and no record belongs to a process that died while reading its file.
 */
export const STALE_STAGING_MS = 6 * 3_600_000;

/** Deletes the rows a dead process's file import left staged; the imports swept, by id. */
export async function sweepStaleAdImports(
  store: Store,
  workspaceId: string,
  now = Date.now(),
): Promise<string[]> {
  const stale = await store.staleStagedAdCostImports(
    workspaceId,
    adCostImportIdBefore(now - STALE_STAGING_MS),
  );
  for (const id of stale) await store.discardAdCosts(workspaceId, id);
  return stale;
}

/** The request body as it comes, refused (413) past the limit. */
async function* bodyOf(body: AsyncIterable<Uint8Array>, limit: number) {
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit)
      throw new ApiError(
        413,
        'payload_too_large',
        `the file is over ${limit} bytes: split it by period`,
        'body',
      );
    yield chunk;
  }
}

const isStream = (b: unknown): b is Readable => b instanceof Readable;

export async function adCostsRoutes(fastify: FastifyInstance, store: Store): Promise<void> {
  const secret = access.secret();
  await fastify.register(async (scope) => {
    // the body is handed on unread: the import reads it as it arrives (bounded memory, any size)
    scope.addContentTypeParser(FILE_TYPES, (_r, payload, done) => done(null, payload));
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/ad-costs',
      {
        config: secret,
        schema: {
          summary:
            "Import an ad platform's costs from one file (application/octet-stream, read as it arrives): a saved API answer or its CSV export; re-importing a period replaces it",
          querystring: AdImportQuery,
        },
      },
      async (req): Promise<AdImportResult> => {
        const ws = workspaceOf(req);
        // an empty body never reaches the parser: an empty file, refused as such by the reader
        const empty =
          req.body === undefined && FILE_TYPES.includes(req.headers['content-type'] ?? '');
        if (!isStream(req.body) && !empty)
          throw new ApiError(
            415,
            'unsupported_media_type',
            'send the file as application/octet-stream',
            'content-type',
          );
        try {
          return await importAdFile(
            store,
            ws.id,
            req.query,
            isStream(req.body) ? bodyOf(req.body, AD_FILE_LIMIT) : Buffer.alloc(0),
            req.query.file ?? 'upload',
          );
        } catch (err) {
          if (err instanceof AdImportError)
            throw new ApiError(400, 'invalid_ad_file', err.message, err.where);
          throw err;
        }
      },
    );
  });
}
