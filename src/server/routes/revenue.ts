// Subscription revenue per workspace: MRR per month and its movements (ChartMogul's definitions), from
// the workspace's Stripe facts (docs/revenue.md). Read with the workspace's secret key.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { mrrReport } from '../../derive/stripe-report.js';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';
import { ApiError } from '../errors.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const Month = z.string().regex(MONTH, 'is not a month as YYYY-MM');
const MAX_MONTHS = 120;

const MrrQuery = z.object({
  workspace: z.string().min(1).optional(),
  from: Month.optional(),
  to: Month.optional(),
  customers: z.enum(['true', 'false', '1', '0']).optional(),
});

const monthOf = (t: number) => new Date(t).toISOString().slice(0, 7);
function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return monthOf(Date.UTC(y, m - 1 + n, 1));
}
const monthsBetween = (from: string, to: string) => {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm) + 1;
};

export function revenueRoutes(fastify: FastifyInstance, store: Store): void {
  fastify.withTypeProvider<ZodTypeProvider>().get(
    '/api/revenue/mrr',
    {
      config: access.secret(),
      schema: {
        summary:
          "MRR per month (at its end) and its movements by kind (new_business, expansion, contraction, churn, reactivation), from the Stripe facts, in the workspace's currency at each movement's day rate (missingRates names what had none) and per currency as sold (byCurrency); customers=true adds each customer month",
        querystring: MrrQuery,
      },
    },
    async (req) => {
      const ws = workspaceOf(req);
      const q = req.query;
      if (q.workspace !== undefined && q.workspace !== ws.id)
        throw new ApiError(
          400,
          'invalid_query',
          "workspace: is not the workspace of the credential (omit it, or name the key's own)",
          'workspace',
        );
      const to = q.to ?? monthOf(Date.now());
      const from = q.from ?? addMonths(to, -11);
      if (from > to)
        throw new ApiError(400, 'invalid_query', `from: ${from} is after to (${to})`, 'from');
      if (monthsBetween(from, to) > MAX_MONTHS)
        throw new ApiError(
          400,
          'invalid_query',
          `from: at most ${MAX_MONTHS} months between from and to`,
          'from',
        );
      const perCustomer = q.customers === 'true' || q.customers === '1';
      return mrrReport(store, ws.id, { from, to, perCustomer });
    },
  );
}
