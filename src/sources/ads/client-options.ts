// What every ad platform's client takes besides its credentials: where it points (tests point it at a
// local replay), and the HTTP layer's tuning (waits recorded in tests, retries, logging).
import { createScrubber, type HttpClientOptions, type Scrubber } from '../http/index.js';

export type AdClientTuning = Pick<
  HttpClientOptions,
  | 'sleep'
  | 'random'
  | 'now'
  | 'log'
  | 'maxRetries'
  | 'timeoutMs'
  | 'backoffMs'
  | 'maxWaitMs'
  | 'signal'
>;

/** An OAuth access token and how to get a new one (a refresh-token grant, done by the caller). */
export interface AdOAuth {
  accessToken?: string | null;
  refresh: (reason: string) => Promise<string>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Throws unless from..to is a period of days. */
export function checkPeriod(from: string, to: string): void {
  if (!DAY.test(from) || !DAY.test(to) || from > to)
    throw new RangeError(`not a period of days: ${from}..${to}`);
}

/** The days from..to cut into slices of at most `days` days each. */
export function slices(from: string, to: string, days: number): { from: string; to: string }[] {
  checkPeriod(from, to);
  const out: { from: string; to: string }[] = [];
  const step = 86_400_000;
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += days * step) {
    const last = Math.min(end, t + (days - 1) * step);
    out.push({
      from: new Date(t).toISOString().slice(0, 10),
      to: new Date(last).toISOString().slice(0, 10),
    });
  }
  return out;
}

/** A scrubber that also masks the given secrets (a developer token sent as a header). */
export function scrubberWith(...secrets: string[]): Scrubber {
  const s = createScrubber('[secret]');
  for (const x of secrets) s.add(x);
  return s;
}
