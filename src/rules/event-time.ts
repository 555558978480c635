// When an event happened: the one range rule, in JavaScript. event-sql.ts renders the same rule in SQL
// for events that arrive without a time computed here (file imports, the store's appendEvents); a test
// feeds both the same events and requires the same times and verdicts.
//
//   receive time  r = receivedAt when given (imports) and not after the server's clock + 1 day, else the
//                 server's clock. (The live API drops a client's receivedAt.)
//   stated time   t0 = originalTimestamp ?? timestamp ?? receivedAt with clock-skew correction (live
//                 clients), timestamp ?? originalTimestamp ?? receivedAt without (imports).
//   correction    (live clients with sentAt) Segment's rule: r - (sentAt - t0). Used only when it lands in
//                 [2000-01-01, r + 1 day]: a wild sentAt can neither push a good time out of range nor be
//                 needed to rescue one.
//   range         before 2000-01-01: refused, naming the field t0 came from (or receivedAt).
//                 after r + 1 day: replaced by r; the original text is kept in context.originalTimestamp.
//                 no time at all: r.

import { formatIsoMicros, MICROS_PER_DAY, parseIsoParts } from './iso-time.js';

// Times are microseconds since the epoch as plain numbers: exact for years 1685-2255, which holds every
// time the rule can keep; a difference is taken from the exact parts, so a correction is exact too.

export const MIN_EVENT_TIME = '2000-01-01T00:00:00Z';
export const MIN_EVENT_MICROS = 946_684_800_000_000;
/** How far past the receive time an event time may be before it is replaced (clocks differ a little). */
export const FUTURE_SLACK_MICROS = MICROS_PER_DAY;
export const TOO_EARLY_REASON = `is before ${MIN_EVENT_TIME.slice(0, 10)}`;
/** Where a replaced future time's original text is kept. */
export const ORIGINAL_TIMESTAMP_KEY = 'originalTimestamp';

export type TimeField = 'timestamp' | 'originalTimestamp' | 'receivedAt';

export type EventTime =
  | {
      ok: true;
      /** canonical UTC text (microseconds) of the event time */
      ts: string;
      /** canonical UTC text of the receive time */
      receivedAt: string;
      /** set when a future time was replaced by the receive time: the original text as sent */
      replaced?: { field: TimeField; original: string };
    }
  | { ok: false; field: TimeField; reason: string };

type Parts = [number, number];

function parts(v: unknown): Parts | undefined {
  return typeof v === 'string' ? parseIsoParts(v) : undefined;
}

const micros = (p: Parts) => p[0] * 1_000_000 + p[1];

/** The events of one request share a receive time: format it once. */
let lastReceived = { us: NaN, text: '' };
function receivedText(us: number): string {
  if (lastReceived.us !== us) lastReceived = { us, text: formatIsoMicros(us) };
  return lastReceived.text;
}

/**
 * The event's time under the rule above. Expects an event that passed checkEvent (every present time
 * field is a date-time of the grammar); fields that are not are treated as absent.
 * @param now the server's receive time, in microseconds since the epoch
 * @param correct apply clock-skew correction from sentAt (live clients; not archives)
 */
export function eventTime(e: Record<string, unknown>, now: number, correct: boolean): EventTime {
  const T = parts(e.timestamp);
  const O = parts(e.originalTimestamp);
  const R = parts(e.receivedAt);
  const Rus = R && micros(R);
  if (Rus !== undefined && Rus < MIN_EVENT_MICROS)
    return { ok: false, field: 'receivedAt', reason: TOO_EARLY_REASON };
  const r = Rus !== undefined && Rus <= now + FUTURE_SLACK_MICROS ? Rus : now;
  const latest = r + FUTURE_SLACK_MICROS;
  const receivedAt = receivedText(r);
  let field: TimeField;
  let stated: Parts;
  if (correct ? O : T) [field, stated] = correct ? ['originalTimestamp', O!] : ['timestamp', T!];
  else if (correct ? T : O)
    [field, stated] = correct ? ['timestamp', T!] : ['originalTimestamp', O!];
  else if (R) [field, stated] = ['receivedAt', R];
  else return { ok: true, ts: receivedAt, receivedAt };
  if (correct && field !== 'receivedAt') {
    const S = parts(e.sentAt);
    if (S) {
      const corrected = r - ((S[0] - stated[0]) * 1_000_000 + (S[1] - stated[1]));
      if (corrected >= MIN_EVENT_MICROS && corrected <= latest)
        return { ok: true, ts: formatIsoMicros(corrected), receivedAt };
    }
  }
  const t0 = micros(stated);
  if (t0 < MIN_EVENT_MICROS) return { ok: false, field, reason: TOO_EARLY_REASON };
  if (t0 > latest)
    return {
      ok: true,
      ts: receivedAt,
      receivedAt,
      replaced: { field, original: e[field] as string },
    };
  return { ok: true, ts: formatIsoMicros(t0), receivedAt };
}

/** Microseconds since the epoch of a Date (the server's clock). */
export function dateMicros(d: Date): number {
  return d.getTime() * 1000;
}
