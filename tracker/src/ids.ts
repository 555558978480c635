// Identifiers: random ids, the anonymous id (long-lived) and the session id (ends after inactivity).
import { idMaxAge, sessionMs } from './config.js';
import { get, set } from './store.js';

/** 128 random bits as digits (crypto.randomUUID is missing on plain-http pages). */
export const uid = (): string => crypto.getRandomValues(new Uint32Array(4)).join('');

/** Read or mint the anonymous id; every use renews its lifetime, so it expires N days after the last visit. */
export const anonymousId = (): string => {
  const id = get('id') || uid();
  set('id', id, idMaxAge);
  return id;
};

/** Stored as "<id>.<last activity ms>"; a new id once the gap exceeds the session timeout. */
export const sessionId = (): string => {
  const time = Date.now();
  let [id, last] = (get('s') || '').split('.');
  id = time - (last as unknown as number) < sessionMs ? id : uid();
  set('s', id + '.' + time, sessionMs / 1e3);
  return id!;
};
