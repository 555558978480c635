/**
 * The record's model of how the product resolves people and counts their leads, written from the
 * documented rules (docs/journeys.md) rather than from the product's code, so tests that replay a world
 * compare two independent accounts. Persons are the connected components of anonymous ids joined to the
 * emails and phones they sent, except that an anonymous id linked to more than
 * MAX_EMAILS_PER_ANONYMOUS_ID emails is quarantined and joins no one. A person's lead is their first
 * lead event on any of their devices; its first touch is their first session at or before it.
 *
 * This differs from the humans simulated: two people on one shared device are one person (and one lead)
 * to the product, which cannot tell them apart, and one human whose devices identified by different
 * identifiers (a phone call on one, an email form on the other) is two. Holds only devices that sent an
 * identifying or lead event (people who converted), not every visitor.
 */
import type { ChannelId } from './channels.js';
import type { SegmentEvent } from './types.js';

/**
 * The product's default over-merge limit (DEFAULT_MAX_EMAILS_PER_IDENTIFIER in model/identity/graph.ts;
 * derive.test.ts checks they agree). The simulator sends no user ids, so the user-id limit never applies.
 */
export const MAX_EMAILS_PER_ANONYMOUS_ID = 3;

/** Track events that make their person a lead (with the identify that carries an email or phone). */
const LEAD_EVENTS: ReadonlySet<string> = new Set(['form_submitted', 'Form Submitted', 'chat_started', 'Chat Started', 'phone_call', 'Phone Call']);

/** The parts of a written event the product reads identity links and lead moments from. */
export type ObservedEvent = Pick<SegmentEvent, 'type' | 'anonymousId' | 'timestamp' | 'event' | 'properties' | 'traits'>;

export interface FirstSession {
  t: number;
  channel: ChannelId;
}

interface DeviceFacts {
  /** `email:…` / `phone:…` identifiers this anonymous id was linked to. */
  identifiers: Set<string>;
  /** Earliest lead event on the device (Infinity when none). */
  leadAt: number;
  /** The device's first session, whoever had it: the product gives it to the device's person. */
  firstSession: FirstSession | undefined;
}

export interface ResolvedLead {
  at: number;
  /** Channel of the person's first session at or before `at`, on any of their devices. */
  firstTouch: ChannelId | null;
}

export interface Resolution {
  /** Persons the product will count: every anonymous id seen, joined as above, plus quarantined-away identifiers. */
  persons: number;
  leads: ResolvedLead[];
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

export class ResolvableIdentities {
  private readonly devices = new Map<string, DeviceFacts>();

  /**
   * Reads the identity links and lead moment one written event gives the product. `firstSession` is the
   * first session on the event's device (already set: a device's events follow its first page view).
   */
  observe(e: ObservedEvent, firstSession: FirstSession | undefined): void {
    if (e.type === 'page') return;
    let email: string | undefined;
    let phone: string | undefined;
    if (e.type === 'identify') {
      email = text(e.traits?.['email']);
      phone = text(e.traits?.['phone']);
    } else {
      const fields = e.properties['fields'];
      const nested = typeof fields === 'object' && fields !== null && !Array.isArray(fields) ? fields : {};
      email = text(e.properties['email']) ?? text(nested['email']);
      phone = text(e.properties['phone']) ?? text(nested['phone']);
    }
    const lead = e.type === 'identify' ? email !== undefined || phone !== undefined : LEAD_EVENTS.has(e.event ?? '');
    if (email === undefined && phone === undefined && !lead) return;
    let facts = this.devices.get(e.anonymousId);
    if (facts === undefined) {
      facts = { identifiers: new Set(), leadAt: Infinity, firstSession };
      this.devices.set(e.anonymousId, facts);
    }
    if (email !== undefined) facts.identifiers.add(`email:${email.toLowerCase()}`);
    if (phone !== undefined) facts.identifiers.add(`phone:${phone}`);
    if (lead) facts.leadAt = Math.min(facts.leadAt, Date.parse(e.timestamp));
  }

  /** Resolves everything observed; `anonymousIds` is how many anonymous ids sent any event. */
  resolve(anonymousIds: number, maxEmails = MAX_EMAILS_PER_ANONYMOUS_ID): Resolution {
    const parent = new Map<string, string>();
    const find = (x: string): string => {
      let r = x;
      for (let p = parent.get(r); p !== undefined && p !== r; p = parent.get(r)) r = p;
      parent.set(x, r);
      return r;
    };
    const union = (a: string, b: string): void => {
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent.set(ra, rb);
    };
    for (const [anon, facts] of this.devices) {
      const node = `anonymous_id:${anon}`;
      parent.set(node, node);
      // Decided on all links at once, as the product does: a quarantined id keeps its identifiers apart.
      const emails = [...facts.identifiers].filter((i) => i.startsWith('email:')).length;
      const quarantined = emails > maxEmails;
      for (const id of facts.identifiers) {
        if (!parent.has(id)) parent.set(id, id);
        if (!quarantined) union(node, id);
      }
    }
    const roots = new Set<string>();
    for (const node of parent.keys()) roots.add(find(node));

    const byPerson = new Map<string, DeviceFacts[]>();
    for (const [anon, facts] of this.devices) {
      const root = find(`anonymous_id:${anon}`);
      byPerson.set(root, [...(byPerson.get(root) ?? []), facts]);
    }
    const leads: ResolvedLead[] = [];
    for (const devices of byPerson.values()) {
      const at = Math.min(...devices.map((d) => d.leadAt));
      if (at === Infinity) continue;
      let first: FirstSession | undefined;
      for (const { firstSession: f } of devices) if (f !== undefined && f.t <= at && (first === undefined || f.t < first.t)) first = f;
      leads.push({ at, firstTouch: first?.channel ?? null });
    }
    // Anonymous ids that never identified are one person each.
    return { persons: anonymousIds - this.devices.size + roots.size, leads };
  }
}
