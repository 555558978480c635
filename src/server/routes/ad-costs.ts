// Ad costs per workspace: import one platform file (`closedloop import ads` sends it here when a server
// holds the data): a saved API answer or the platform's CSV export, read all or nothing, recorded as an
// import of its period, so a re-import of the period replaces it (docs/costs.md).
import { basename } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AD_FILE_PLATFORMS, AdImportError, readAdFile } from '../../sources/ads/read-file.js';
import { adCostProblem, newAdCostImportId } from '../../store/areas/ad-costs.js';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';
import { ApiError } from '../errors.js';

// a year of daily keyword-level costs of a large account is tens of MB
const AD_FILE_LIMIT = 200 * 1024 * 1024;
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
  account: z.string().trim().min(1, 'is empty').max(200),
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

/**
 * Reads one file and records it as an import of its period (the route's work, and the CLI's when no
 * server holds the data); a file that cannot be read, or rows the store would refuse, are an
 * AdImportError naming where.
 */
export async function importAdFile(
  store: Store,
  workspaceId: string,
  q: z.infer<typeof AdImportQuery>,
  bytes: Buffer,
  fileName: string,
): Promise<AdImportResult> {
  const file = readAdFile(q.platform, bytes, q);
  const importId = newAdCostImportId();
  const imp = {
    importId,
    platform: q.platform,
    accountId: q.account,
    from: file.from,
    to: file.to,
    source: `${file.format === 'csv' ? 'csv' : 'json'}:${basename(fileName)}`,
  };
  // the readers check what the store does; this keeps a slip of theirs a 400, not a 500
  const problem = adCostProblem(imp, file.rows);
  if (problem) throw new AdImportError('file', problem);
  const stored = await store.appendAdCosts(workspaceId, imp, file.rows);
  const spend = new Map<string, number>();
  for (const r of file.rows) spend.set(r.currency, (spend.get(r.currency) ?? 0) + r.costMicros);
  return {
    importId,
    platform: q.platform,
    account: q.account,
    format: file.format,
    from: file.from,
    to: file.to,
    rows: stored.rows,
    spend: [...spend].sort().map(([currency, m]) => ({ currency, amount: microsText(m) })),
  };
}

export async function adCostsRoutes(fastify: FastifyInstance, store: Store): Promise<void> {
  const secret = access.secret();
  await fastify.register(async (scope) => {
    scope.addContentTypeParser(
      FILE_TYPES,
      { parseAs: 'buffer', bodyLimit: AD_FILE_LIMIT },
      (_r, body, done) => done(null, body),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/ad-costs',
      {
        config: secret,
        bodyLimit: AD_FILE_LIMIT,
        schema: {
          summary:
            "Import an ad platform's costs from one file (application/octet-stream): a saved API answer or its CSV export; re-importing a period replaces it",
          querystring: AdImportQuery,
        },
      },
      async (req): Promise<AdImportResult> => {
        const ws = workspaceOf(req);
        if (!Buffer.isBuffer(req.body))
          throw new ApiError(
            415,
            'unsupported_media_type',
            'send the file as application/octet-stream',
            'content-type',
          );
        try {
          return await importAdFile(store, ws.id, req.query, req.body, req.query.file ?? 'upload');
        } catch (err) {
          if (err instanceof AdImportError)
            throw new ApiError(400, 'invalid_ad_file', err.message, err.where);
          throw err;
        }
      },
    );
  });
}
