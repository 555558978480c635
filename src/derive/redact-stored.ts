// The current redaction rules applied to facts already stored: `closedloop redact`, and the end of every
// file import (which bulk-loads in SQL, so its events never passed the live path's redaction).
import { redactEvent } from '../collect/redact-event.js';
import { compileRedaction, hintWords, type CompiledRedaction } from '../collect/redaction-rules.js';
import type { Store } from '../store/store.js';
import type { RawEvent, RedactableEvent, RedactionRun } from '../store/types.js';
import { rebuild } from './derive.js';
import { getRedactionSettings, rulesFrom } from './redaction-settings.js';

export interface StoredRedaction extends RedactionRun {
  /** Identify events added for campaign links (the workspace's identify parameter). */
  identifies: number;
}

/**
 * Redacts the stored events of a workspace (or of one import batch) with the configuration's names, the
 * workspace's settings and `names`; the rewrite is audited in the store. The caller re-derives.
 */
export async function redactStored(
  store: Store,
  workspaceId: string,
  opts: { configNames: readonly string[]; names?: readonly string[]; batchId?: string },
): Promise<StoredRedaction> {
  const settings = await getRedactionSettings(store, workspaceId);
  const rules = rulesFrom(settings, opts.configNames, opts.names ?? []);
  const compiled = compileRedaction(rules);
  const identifies: RawEvent[] = [];
  const run = await store.redactStoredEvents(
    workspaceId,
    { batchId: opts.batchId, hint: hintWords(rules), extraNames: rules.extraNames ?? [] },
    storedEventRedactor(compiled, (e) => identifies.push(e)),
  );
  // an identify per campaign link, as the live path journals them (already stored ones are duplicates)
  if (identifies.length > 0)
    await store.appendEvents(workspaceId, identifies, { origin: 'import', receivedAt: new Date() });
  return { ...run, identifies: identifies.length };
}

/**
 * The redaction function the store runs over stored events: the event's changed properties and context
 * and the names redacted, or undefined when nothing changes (an event already redacted, on a second run).
 * A page whose URL carried the identify parameter hands its identify to `onIdentify`.
 */
export function storedEventRedactor(
  compiled: CompiledRedaction,
  onIdentify: (identify: RawEvent) => void,
): (e: RedactableEvent) => { properties: unknown; context: unknown; names: string[] } | undefined {
  return (e) => {
    const event: RawEvent = { type: e.type, messageId: e.messageId, timestamp: e.timestamp };
    if (e.anonymousId !== null) event.anonymousId = e.anonymousId;
    if (e.userId !== null) event.userId = e.userId;
    if (e.properties !== null) event.properties = e.properties;
    if (e.context !== null) event.context = e.context;
    const r = redactEvent(event, compiled);
    const same = (a: unknown, b: unknown) =>
      JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
    // already redacted (a second run, or a snippet that redacts): nothing to rewrite
    if (
      r.event === event ||
      (same(r.event.properties, event.properties) && same(r.event.context, event.context))
    )
      return undefined;
    if (r.identify) onIdentify(r.identify);
    return {
      properties: r.event.properties ?? null,
      context: r.event.context ?? null,
      names: r.names,
    };
  };
}

export interface WorkspaceRedaction extends StoredRedaction {
  /** Whether the workspace was re-derived (only when the facts changed). */
  rederived: boolean;
}

/**
 * `closedloop redact`, on the store or through the server: the workspace's stored events redacted with the
 * current rules and `names`, then, when the facts changed, the workspace re-derived (the landing URLs of
 * its sessions, and everything after them).
 */
export async function redactWorkspace(
  store: Store,
  workspaceId: string,
  opts: { configNames: readonly string[]; names: readonly string[] },
): Promise<WorkspaceRedaction> {
  const run = await redactStored(store, workspaceId, opts);
  const rederived = run.rowsChanged > 0 || run.identifies > 0;
  if (rederived) await rebuild(store, workspaceId);
  return { ...run, rederived };
}
