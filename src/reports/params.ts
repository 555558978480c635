// Parameter schemas the reports share, query-string shaped (every value arrives as a string).
import { z } from 'zod';
import { CREDIT_DIMENSIONS, type CreditDimension } from '../store/types.js';

const list = (s: string): string[] =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');

/** A comma list of touch dimensions. */
export const Dimensions = z
  .string()
  .default('channel')
  .transform((s, ctx) => {
    const dims = list(s);
    for (const d of dims) {
      if (!(CREDIT_DIMENSIONS as readonly string[]).includes(d)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown dimension "${d}" (one of ${CREDIT_DIMENSIONS.join(', ')})`,
        });
        return z.NEVER;
      }
    }
    return dims as CreditDimension[];
  })
  .describe(`comma list of: ${CREDIT_DIMENSIONS.join(', ')}`);

/** An ISO 8601 date or time, as epoch milliseconds. */
export const Instant = z.string().transform((s, ctx) => {
  const t = Date.parse(s);
  if (Number.isNaN(t)) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date or time' });
    return z.NEVER;
  }
  return t;
});

export const CommaList = z.string().transform(list);
export const Int = z.coerce.number().int();

/** `from` (inclusive) and `to` (exclusive), in order. */
export const Range = {
  from: Instant.optional().describe('conversions at or after (ISO 8601)'),
  to: Instant.optional().describe('conversions before (ISO 8601)'),
};

/** Refuses an inverted range, naming `to`. */
export function rangeInOrder(
  p: { from?: number | undefined; to?: number | undefined },
  ctx: z.RefinementCtx,
): void {
  if (p.from !== undefined && p.to !== undefined && p.from >= p.to)
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
}

export const round2 = (x: number) => Math.round(x * 100) / 100;
