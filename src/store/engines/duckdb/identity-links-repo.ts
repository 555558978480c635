// Identity links stated by other sources than events (a CRM's contact ↔ e-mail, an import): facts.
import type { IdentityLink } from '../../types.js';
import type { Db } from './connection.js';
import { queryNeutral } from './dialect.js';
import { listIdentityLinksSql, toIdentityLink } from '../neutral/inspection-queries.js';

export async function appendIdentityLinks(
  db: Db,
  workspaceId: string,
  links: readonly IdentityLink[],
): Promise<number> {
  if (links.length === 0) return 0;
  return db.transaction(async (conn) => {
    const stmt = await conn.prepare(
      `INSERT INTO identity_links (workspace_id, from_kind, from_value, to_kind, to_value, source, linked_at)
       VALUES ($ws, $fk, $fv, $tk, $tv, $src, CAST($at AS TIMESTAMPTZ))`,
    );
    for (const l of links) {
      stmt.bind({
        ws: workspaceId,
        fk: l.fromKind,
        fv: l.fromValue,
        tk: l.toKind,
        tv: l.toValue,
        src: l.source,
        at: l.at,
      });
      await stmt.run();
    }
    return links.length;
  });
}

export async function listIdentityLinks(db: Db, workspaceId: string): Promise<IdentityLink[]> {
  return (await queryNeutral(db, listIdentityLinksSql(workspaceId))).map(toIdentityLink);
}
