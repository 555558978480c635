// The oldest ClickHouse this engine runs on: a live derive deletes with lightweight updates (patch
// parts, `lightweight_delete_mode = 'lightweight_update'`), which came in 25.7. An older server would
// fail at the first live derive, long after start; so the open checks it and says why.
import type { ClickHouseConnection } from './connection.js';

export const MIN_CLICKHOUSE: readonly [number, number] = [25, 7];

/** `major.minor` of a `version()` text such as `26.7.2.1`, or undefined when it has no such start. */
export function versionOf(text: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.|$)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Whether a `version()` text is at least MIN_CLICKHOUSE (an unreadable one is not). */
export function isSupportedVersion(text: string): boolean {
  const v = versionOf(text);
  if (v === undefined) return false;
  const [major, minor] = v;
  return major > MIN_CLICKHOUSE[0] || (major === MIN_CLICKHOUSE[0] && minor >= MIN_CLICKHOUSE[1]);
}

/** Throws, saying which version runs and which is needed, when the server is older than MIN_CLICKHOUSE. */
export async function checkServerVersion(conn: ClickHouseConnection): Promise<string> {
  const [row] = await conn.query<{ v: string }>('SELECT version() AS v');
  const version = String(row?.v ?? '');
  if (!isSupportedVersion(version))
    throw new Error(
      `ClickHouse ${version || '(unknown version)'} is too old: ${MIN_CLICKHOUSE.join('.')} or later is ` +
        `needed (a live derive deletes with lightweight updates)`,
    );
  return version;
}
