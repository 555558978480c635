// `POST /api/crm/import`: a CRM CSV, NDJSON or JSON file (docs/crm.md, "The CRM CSV/JSON format") as
// the request body, into the workspace's CRM facts and one-off revenue, with the same report as
// `closedloop import crm`. The body reaches the reader as the request stream, never held whole.
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CrmImportError, importCrm } from '../../derive/crm-import.js';
import { IMPORT_TYPES } from '../../sources/crm-csv/index.js';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';
import { ApiError } from '../errors.js';

const TYPES = ['text/csv', 'application/csv', 'text/plain', 'application/x-ndjson'];

export const CrmImportQuery = z.object({
  type: z.enum(IMPORT_TYPES).optional(),
  map: z.string().max(10_000).optional(),
  account: z.string().min(1).max(200).optional(),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'is not a currency code (three letters, e.g. EUR)')
    .optional(),
  decimal: z.enum(['.', ',']).optional(),
  dateOrder: z.enum(['dmy', 'mdy']).optional(),
  timeZone: z.string().min(1).max(100).optional(),
});
export type CrmImportQuery = z.output<typeof CrmImportQuery>;

export async function crmImportRoutes(fastify: FastifyInstance, store: Store): Promise<void> {
  await fastify.register(async (scope) => {
    scope.addContentTypeParser(TYPES, (_req, payload, done) => done(null, payload));
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/crm/import',
      {
        config: access.secret(),
        // streamed and stored in batches: no limit beyond the disk
        bodyLimit: Number.MAX_SAFE_INTEGER,
        schema: {
          summary:
            'Import CRM contacts, deals, stage changes or revenue from a CSV or NDJSON body (text/csv, application/x-ndjson), as `closedloop import crm` does; re-importing changes nothing',
          querystring: CrmImportQuery,
        },
      },
      async (req) => {
        const ws = workspaceOf(req);
        const body = req.body as Readable | undefined;
        if (body === undefined || typeof (body as Partial<Readable>).pipe !== 'function')
          throw new ApiError(
            415,
            'unsupported_media_type',
            `send the file as one of ${TYPES.join(', ')}`,
            'content-type',
          );
        const q = req.query;
        try {
          return await importCrm(store, ws.id, body as AsyncIterable<Buffer>, {
            ...(q.type !== undefined ? { type: q.type } : {}),
            ...(q.map !== undefined ? { map: q.map } : {}),
            ...(q.account !== undefined ? { account: q.account } : {}),
            ...(q.currency !== undefined ? { currency: q.currency } : {}),
            ...(q.decimal !== undefined ? { decimal: q.decimal } : {}),
            ...(q.dateOrder !== undefined ? { dateOrder: q.dateOrder } : {}),
            ...(q.timeZone !== undefined ? { timeZone: q.timeZone } : {}),
          });
        } catch (err) {
          if (err instanceof CrmImportError)
            throw new ApiError(400, 'invalid_crm_import', err.message, err.field);
          throw err;
        }
      },
    );
  });
}
