// Identifiers: the anonymous id (long-lived) and the session id (ends after inactivity), kept together
// in one value "<anonymous id>.<session id>.<last activity ms>". The time also makes every write
// differ from what is stored, which the cookie-domain search in store.ts relies on.
import { sessionMs } from './config.js';
import { get, set } from './store.js';

/** 128 random bits as digits (crypto.randomUUID is missing on plain-http pages). */
export const uid = (): string => crypto.getRandomValues(new Uint32Array(4)).join('');

/**
 * [anonymous id, session id]: reads or mints them; every use renews the lifetime (N days after the
 * last visit) and the activity time, and a new session starts once the gap exceeds the timeout.
 */
export const ids = (): string[] => {
  const time = Date.now();
  let [id, session, last] = (get('id') || '').split('.');
  id = id || uid();
  session = time - (last as unknown as number) < sessionMs ? session : uid();
  set('id', [id, session, time].join('.'));
  return [id, session!];
};
