// The first run's owner: `npm start` on an empty data directory makes one owner over every workspace
// with a random password and prints both once, so a newcomer signs in to the dashboard at once (issue
// 18). Only while the install has no user: an owner made with `closedloop user create` is never joined
// by this one.
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/store.js';
import { createUser } from '../users/users.js';

export const DEMO_OWNER_EMAIL = 'owner@closedloop.local';

/** The owner made now, with the password to show once; null when the install has a user already. */
export async function firstRunOwner(
  store: Store,
): Promise<{ email: string; password: string } | null> {
  if ((await store.listUsers()).length > 0) return null;
  const password = randomBytes(18).toString('base64url');
  await createUser(store, { email: DEMO_OWNER_EMAIL, role: 'owner', password });
  return { email: DEMO_OWNER_EMAIL, password };
}
