// Identifiers: the anonymous id (long-lived) and the session id (ends after inactivity), kept together
// in one value "<anonymous id>.<session id>.<last activity ms>". The time also makes every write
// differ from what is stored, which the cookie-domain search in store.ts relies on.
import { data } from './config.js';
import { get, set, state } from './store.js';

/** 128 random bits as digits (crypto.randomUUID is missing on plain-http pages). */
export const uid = (): string => crypto.getRandomValues(new Uint32Array(4)).join('');

/** The ids as the last ids() call left them. */
export let anonymousId: string | undefined;
export let sessionId: string | undefined;

/**
 * Reads or mints the anonymous and session ids; every use renews the lifetime (N days after the last
 * visit) and the activity time, and a new session starts once the gap exceeds data-session-minutes
 * (missing or empty: 30).
 */
export const ids = (): void => {
  const time = Date.now();
  let last: unknown;
  [anonymousId, sessionId, last] = (get('id', state) || '').split('.');
  anonymousId ||= uid();
  // (written as not-less-than: with no stored time the gap is NaN, which must start a session too)
  if (!(time - (last as number) < ((data.sessionMinutes as unknown as number) || 30) * 6e4))
    sessionId = uid();
  set('id', [anonymousId, sessionId, time].join('.'));
};
