// What the pipeline reports share (lead-quality, sales-cycle, subscriptions): their by the first touch of each person (store/areas/first-touch.ts says which session that is).
import { z } from 'zod';
import {
  TOUCH_DIMENSIONS,
  type TouchDimension,
  type TouchGroup,
} from '../store/areas/pipeline-reports.js';
import { CommaList } from './params.js';

/** `groupBy`: a comma list of first-touch dimensions, each once. */
export const touchGroupBy = (defaults: readonly TouchDimension[]) =>
  CommaList.default([...defaults])
    .transform((dims, ctx) => {
      const unknown = dims.find((d) => !(TOUCH_DIMENSIONS as readonly string[]).includes(d));
      if (unknown !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown dimension "${unknown}" (one of ${TOUCH_DIMENSIONS.join(', ')})`,
        });
        return z.NEVER;
      }
      return [...new Set(dims)] as TouchDimension[];
    })
    .describe(`comma list of the first touch's: ${TOUCH_DIMENSIONS.join(', ')}`);

/** A share, to four places (null when there is nothing to divide). */
export const rate = (n: number, of: number): number | null =>
  of === 0 ? null : Math.round((n / of) * 10_000) / 10_000;

/** A group's dimensions as table columns, in the order asked for. */
export const groupColumns = (dims: readonly TouchDimension[], g: TouchGroup) =>
  Object.fromEntries(dims.map((d) => [`first touch ${d}`, g[d] ?? '']));

/** A stable key of a group's values. */
export const groupKey = (dims: readonly TouchDimension[], g: TouchGroup) =>
  JSON.stringify(dims.map((d) => g[d] ?? null));
