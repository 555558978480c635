import { z } from 'zod';
import type { Store } from '../store/store.js';
import type { Workspace } from '../store/types.js';
import { hashSecret, newSecretKey, newWorkspaceId, newWriteKey } from './keys.js';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const TIMEZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

export const NewWorkspaceInput = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  currency: z
    .string()
    .transform((s) => s.toUpperCase())
    .refine((c) => CURRENCIES.has(c), 'must be an ISO 4217 currency code such as GBP, USD or EUR'),
  timezone: z
    .string()
    .refine((t) => TIMEZONES.has(t), 'must be an IANA time zone such as Europe/London'),
});
export type NewWorkspaceInput = z.input<typeof NewWorkspaceInput>;

export class InvalidInput extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'InvalidInput';
  }
}

/** Parses with a schema, turning the first problem into an InvalidInput naming its field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new InvalidInput(issue.path.join('.') || '(input)', issue.message);
}

/** Creates a workspace and returns it with its secret key, which is never retrievable again. */
export async function createWorkspace(
  store: Store,
  input: NewWorkspaceInput,
): Promise<{ workspace: Workspace; secretKey: string }> {
  const v = parseInput(NewWorkspaceInput, input);
  const secretKey = newSecretKey();
  const workspace = await store.createWorkspace({
    id: newWorkspaceId(),
    name: v.name,
    currency: v.currency,
    timezone: v.timezone,
    writeKey: newWriteKey(),
    secretKeyHash: hashSecret(secretKey),
  });
  return { workspace, secretKey };
}

/** The workspace a secret key belongs to, or undefined. */
export function workspaceForSecret(
  store: Store,
  secretKey: string,
): Promise<Workspace | undefined> {
  return store.findWorkspaceBySecretHash(hashSecret(secretKey));
}
