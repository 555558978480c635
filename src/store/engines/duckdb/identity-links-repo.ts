// Identity links stated by other sources than events (a CRM's contact ↔ e-mail, an import): facts.
import type { IdentityLink } from '../../types.js';
import type { Db } from './connection.js';

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
  const rows = await db.query(
    `SELECT from_kind, from_value, to_kind, to_value, source,
       strftime(linked_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS at
     FROM identity_links WHERE workspace_id = $ws ORDER BY linked_at, recorded_at`,
    { ws: workspaceId },
  );
  return rows.map((r) => ({
    fromKind: String(r.from_kind),
    fromValue: String(r.from_value),
    toKind: String(r.to_kind),
    toValue: String(r.to_value),
    source: String(r.source),
    at: String(r.at),
  }));
}
