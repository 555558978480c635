// The state webhook events leave an object in, whatever order they arrive in. HubSpot delivers events
// at least once, retries failed deliveries later (the same eventId, a higher attemptNumber) and sends
// no previous values, so each property keeps the value of its latest event: the highest occurredAt,
// ties broken by the higher eventId (then by the value itself, so even a malformed duplicate cannot
// make the result depend on order). Creation, deletion and restore likewise decide whether the object
// exists; a merge marks the merged-away objects; an association change keeps its latest add or remove.
// Folding is commutative, associative and idempotent: replaying, duplicating or reordering events
// changes nothing, and a state can be folded further as events come.

import type { HubSpotCrmObject } from './schemas.js';
import type { HubSpotWebhookEvent } from './webhook-schemas.js';

/** What decided a slot of the state: the event's time, id and the value it set. */
export interface Stamp<T> {
  value: T;
  occurredAt: number;
  eventId: string;
}

export interface WebhookObjectState {
  objectType: string;
  objectId: string;
  /** Property name to its latest value. */
  properties: Record<string, Stamp<string | null>>;
  /** Whether the object exists, by its latest creation, restore, deletion or privacy deletion. */
  exists: Stamp<boolean> | null;
  /** The object this one was merged into. */
  mergedInto: Stamp<string> | null;
  /** `<object type>:<id>` to whether the association stands (latest add or remove). */
  associations: Record<string, Stamp<boolean>>;
  /** The earliest and latest event seen. */
  firstAt: number;
  lastAt: number;
}

/** Numeric order of decimal id strings, without losing precision on long ones. */
function compareIds(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
}

function compareValues(a: unknown, b: unknown): number {
  const x = JSON.stringify(a ?? null);
  const y = JSON.stringify(b ?? null);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** True when `a` is later than `b`: by time, then event id, then value. */
export function isLater<T>(a: Stamp<T>, b: Stamp<T>): boolean {
  return (
    (a.occurredAt - b.occurredAt ||
      compareIds(a.eventId, b.eventId) ||
      compareValues(a.value, b.value)) > 0
  );
}

function keep<T>(current: Stamp<T> | null | undefined, next: Stamp<T>): Stamp<T> {
  return current && !isLater(next, current) ? current : next;
}

const stateKey = (objectType: string, objectId: string) => `${objectType}:${objectId}`;

function stateOf(
  states: Map<string, WebhookObjectState>,
  objectType: string,
  objectId: string,
  at: number,
): WebhookObjectState {
  const key = stateKey(objectType, objectId);
  let s = states.get(key);
  if (!s) {
    s = {
      objectType,
      objectId,
      properties: {},
      exists: null,
      mergedInto: null,
      associations: {},
      firstAt: at,
      lastAt: at,
    };
    states.set(key, s);
  }
  s.firstAt = Math.min(s.firstAt, at);
  s.lastAt = Math.max(s.lastAt, at);
  return s;
}

/**
 * Folds events into per-object states (keyed `<object type>:<id>`), into `states` if given. The
 * result does not depend on the order of the events, nor on how often each is delivered.
 */
export function foldWebhookEvents(
  events: Iterable<HubSpotWebhookEvent>,
  states: Map<string, WebhookObjectState> = new Map(),
): Map<string, WebhookObjectState> {
  for (const e of events) {
    const stamp = <T>(value: T): Stamp<T> => ({
      value,
      occurredAt: e.occurredAt,
      eventId: e.eventId,
    });
    switch (e.action) {
      case 'propertyChange': {
        const s = stateOf(states, e.objectType, e.objectId, e.occurredAt);
        s.properties[e.propertyName] = keep(s.properties[e.propertyName], stamp(e.propertyValue));
        break;
      }
      case 'creation':
      case 'restore':
      case 'deletion':
      case 'privacyDeletion': {
        const s = stateOf(states, e.objectType, e.objectId, e.occurredAt);
        s.exists = keep(s.exists, stamp(e.action === 'creation' || e.action === 'restore'));
        break;
      }
      case 'merge': {
        stateOf(states, e.objectType, e.primaryObjectId, e.occurredAt);
        for (const merged of e.mergedObjectIds) {
          if (merged === e.primaryObjectId) continue;
          const s = stateOf(states, e.objectType, merged, e.occurredAt);
          s.mergedInto = keep(s.mergedInto, stamp(e.primaryObjectId));
        }
        break;
      }
      case 'associationChange': {
        const s = stateOf(states, e.objectType, e.fromObjectId, e.occurredAt);
        const key = `${e.toObjectType ?? 'object'}:${e.toObjectId}`;
        s.associations[key] = keep(s.associations[key], stamp(!e.removed));
        break;
      }
      case 'other':
        break;
    }
  }
  return states;
}

/**
 * The objects to re-fetch after these events, each once: every contact, company and deal an event
 * named and that was not merged away or deleted last. A re-fetch is what dates a stage change and
 * gives its pipeline and amount.
 */
export function objectsToRefetch(
  events: Iterable<HubSpotWebhookEvent>,
): Array<{ objectType: 'contact' | 'company' | 'deal'; objectId: string }> {
  const states = foldWebhookEvents(events);
  const out: Array<{ objectType: 'contact' | 'company' | 'deal'; objectId: string }> = [];
  for (const s of states.values()) {
    if (s.objectType !== 'contact' && s.objectType !== 'company' && s.objectType !== 'deal')
      continue;
    if (s.mergedInto || s.exists?.value === false) continue;
    out.push({ objectType: s.objectType, objectId: s.objectId });
  }
  return out.sort(
    (a, b) =>
      (a.objectType < b.objectType ? -1 : a.objectType > b.objectType ? 1 : 0) ||
      compareIds(a.objectId, b.objectId),
  );
}

/**
 * A state as a CRM object snapshot (its properties as the latest events left them), for when a
 * re-fetch cannot be made: the mapping reads it as it reads an API answer, without history.
 */
export function stateAsObject(state: WebhookObjectState): HubSpotCrmObject {
  const properties: Record<string, string | null> = {};
  for (const [name, s] of Object.entries(state.properties)) properties[name] = s.value;
  return {
    id: state.objectId,
    properties,
    createdAt: new Date(state.firstAt).toISOString(),
    updatedAt: new Date(state.lastAt).toISOString(),
    archived: state.exists?.value === false,
  };
}
