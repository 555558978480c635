// Exchange rates per workspace: import a rate file (the CSV of `closedloop import fx`), read the rates in
// effect, and convert one amount with the rate and its date shown (numbers a marketer can explain).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FxFileError, isoDay, readFxFile } from '../../sources/fx-csv/read.js';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';
import { ApiError } from '../errors.js';
import { importFxRates } from '../../derive/fx-rates.js';

const CSV_TYPES = ['text/csv', 'text/plain', 'application/csv'];
// the ECB's whole history (26 years, 30 currencies) is under 2 MB
const FX_FILE_LIMIT = 20 * 1024 * 1024;
const MAX_LISTED = 100;

const Code = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{3}$/, 'is not a currency code (three letters, e.g. EUR)'));
const Day = z.string().refine((s) => isoDay(s) !== undefined, 'is not a day as YYYY-MM-DD');

// strict, as the reports' queries: an unknown parameter (a misspelt one) is a 400 naming it, not ignored
const ImportQuery = z.object({ base: Code.optional() }).strict();
const ListQuery = z.object({ base: Code.optional(), quote: Code.optional() }).strict();
const ConvertQuery = z
  .object({
    from: Code,
    to: Code.optional(),
    date: Day,
    amount: z.coerce.number().finite().default(1),
  })
  .strict();
const CurrenciesQuery = z.object({}).strict();

export async function fxRoutes(fastify: FastifyInstance, store: Store): Promise<void> {
  const secret = access.secret();
  await fastify.register(async (scope) => {
    scope.addContentTypeParser(
      CSV_TYPES,
      { parseAs: 'string', bodyLimit: FX_FILE_LIMIT },
      (_r, body, done) => done(null, body),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/fx-rates',
      {
        config: secret,
        bodyLimit: FX_FILE_LIMIT,
        schema: {
          summary:
            'Import exchange rates from a CSV body (text/csv): date,base,quote,rate lines, or the ECB layout with ?base=EUR',
          querystring: ImportQuery,
        },
      },
      async (req) => {
        const ws = workspaceOf(req);
        if (typeof req.body !== 'string')
          throw new ApiError(
            415,
            'unsupported_media_type',
            'send the file as text/csv',
            'content-type',
          );
        let file;
        try {
          file = readFxFile(req.body, req.query.base === undefined ? {} : { base: req.query.base });
        } catch (err) {
          if (err instanceof FxFileError)
            throw new ApiError(400, 'invalid_fx_file', err.message, err.field);
          throw err;
        }
        const stored = await importFxRates(store, ws.id, file.rates);
        return {
          shape: file.shape,
          lines: file.lines,
          rates: file.rates.length,
          ...stored,
          rejectedCount: file.rejected.length,
          rejected: file.rejected.slice(0, MAX_LISTED),
        };
      },
    );
  });

  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/fx-rates',
    {
      config: secret,
      schema: {
        summary: 'The exchange rates in effect, by date, base and quote',
        querystring: ListQuery,
      },
    },
    async (req) => {
      const ws = workspaceOf(req);
      const { base, quote } = req.query;
      const rates = (await store.fxRates(ws.id)).filter(
        (r) =>
          (base === undefined || r.base === base) && (quote === undefined || r.quote === quote),
      );
      return { currency: ws.currency, rates };
    },
  );

  app.get(
    '/api/fx-rates/convert',
    {
      config: secret,
      schema: {
        summary:
          "Convert an amount on a day (to the workspace's currency unless `to`), showing the rate and its date",
        querystring: ConvertQuery,
      },
    },
    async (req) => {
      const ws = workspaceOf(req);
      const { from, date, amount } = req.query;
      const to = req.query.to ?? ws.currency;
      const [got] = await store.fxConvert(ws.id, to, [{ key: 'x', currency: from, date }]);
      if (!got || got.rate === null)
        throw new ApiError(
          422,
          'no_fx_rate',
          `no ${from} to ${to} rate on or before ${date} (import rates: closedloop import fx)`,
          'from',
        );
      return {
        from,
        to,
        date,
        amount,
        rate: got.rate,
        rateDate: got.rateDate,
        via: got.via,
        converted: amount * got.rate,
      };
    },
  );

  // the currencies a report can be asked in: the workspace's and those with a rate (readable by a viewer,
  // so the dashboard's currency control offers what converts without listing every rate)
  app.get(
    '/api/fx-rates/currencies',
    {
      config: secret,
      schema: {
        summary: "The workspace's currency and every currency an imported rate names",
        querystring: CurrenciesQuery,
      },
    },
    async (req) => {
      const ws = workspaceOf(req);
      const named = new Set<string>();
      for (const r of await store.fxRates(ws.id)) named.add(r.base).add(r.quote);
      named.delete(ws.currency);
      return { currency: ws.currency, currencies: [ws.currency, ...[...named].sort()] };
    },
  );
}
