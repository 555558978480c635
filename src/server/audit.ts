// The access audit log (docs/access.md): sign-ins, users, members, API keys and connectors changed, by
// whom, from which address. A line names ids, never a credential.
import type { FastifyRequest } from 'fastify';
import type { Store } from '../store/store.js';
import { actorName } from './access.js';

export async function audit(
  store: Store,
  req: FastifyRequest,
  e: { action: string; workspaceId: string | null; target: string | null; actor?: string },
): Promise<void> {
  await store.appendAudit({
    workspaceId: e.workspaceId,
    actor: e.actor ?? actorName(req),
    action: e.action,
    target: e.target,
    address: req.ip ?? null,
  });
}
