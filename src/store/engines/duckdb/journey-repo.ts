// A person's journey, read for the timeline API: identifiers, sessions with their pages, events,
// milestones and identity changes, oldest first.
import { listValue } from '@duckdb/node-api';
import type { JourneyItem, PersonJourney } from '../../types.js';
import { VARCHAR_LIST, type Db, type Row } from './connection.js';
import { isoSql, parseJson, str } from './rows.js';
import { listSessions } from './sessions-repo.js';

/** Everything known about one person, oldest first: sessions with their pages, events, milestones, identity changes. */
export async function personJourney(db: Db, ws: string, personId: string): Promise<PersonJourney | undefined> {
  const ids = await db.query('SELECT kind, value FROM identities WHERE workspace_id = $ws AND person_id = $p ORDER BY kind, value', { ws, p: personId });
  if (ids.length === 0) return undefined;
  const identifiers = ids.map((r) => ({ kind: String(r.kind), value: String(r.value) }));
  const anon = identifiers.filter((i) => i.kind === 'anonymous_id').map((i) => i.value);
  const users = identifiers.filter((i) => i.kind === 'user_id').map((i) => i.value);
  const params = { ws, anon: listValue(anon), users: listValue(users) };
  const sessions = anon.length > 0 ? await listSessions(db, ws, { anonymousIds: anon }) : [];
  const events = await db.query(
    `SELECT ${isoSql('ts')} AS at, type, event, anonymous_id, user_id, page_url AS url,
       context->>'$.page.title' AS title, properties, traits
     FROM events WHERE workspace_id = $ws
       AND (list_contains($anon::VARCHAR[], anonymous_id) OR list_contains($users::VARCHAR[], user_id))
     ORDER BY ts, message_id`,
    params,
    { anon: VARCHAR_LIST, users: VARCHAR_LIST },
  );
  const items: JourneyItem[] = [];
  const bySession = new Map(sessions.map((s) => [s.sessionId, { kind: 'session' as const, at: s.startedAt, session: s, pages: [] as { at: string; url: string | null; title: string | null }[] }]));
  for (const e of events as Row[]) {
    const at = String(e.at);
    if (e.type === 'page' || e.type === 'screen') {
      const s = sessions.find((x) => x.anonymousId === e.anonymous_id && x.startedAt <= at && at <= x.endedAt);
      if (s) {
        bySession.get(s.sessionId)!.pages.push({ at, url: str(e.url), title: str(e.title) });
        continue;
      }
    }
    items.push({
      kind: 'event', at, type: String(e.type), event: str(e.event), anonymousId: str(e.anonymous_id), userId: str(e.user_id),
      properties: parseJson(e.properties), traits: parseJson(e.traits),
    });
  }
  items.push(...bySession.values());
  const milestones = await db.query(
    `SELECT ${isoSql('reached_at')} AS at, milestone, source, message_id FROM milestones WHERE workspace_id = $ws AND person_id = $p`,
    { ws, p: personId },
  );
  for (const m of milestones) items.push({ kind: 'milestone', at: String(m.at), milestone: String(m.milestone), source: String(m.source), messageId: str(m.message_id) });
  const changes = await db.query(
    `SELECT ${isoSql('recorded_at')} AS at, change, person_id, others, reason, detail FROM identity_changes
     WHERE workspace_id = $ws AND (person_id = $p OR list_contains(CAST(others AS VARCHAR[]), $p)) ORDER BY recorded_at`,
    { ws, p: personId },
  );
  for (const c of changes) {
    items.push({ kind: 'identity', at: String(c.at), change: String(c.change), others: (parseJson(c.others) as string[]) ?? [], reason: str(c.reason), detail: str(c.detail) });
  }
  items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const times = items.map((i) => i.at);
  return { personId, identifiers, firstSeen: times[0] ?? null, lastSeen: times.at(-1) ?? null, timeline: items };
}
