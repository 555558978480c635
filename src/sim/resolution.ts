/**
 * The record's model of how the product resolves people and counts their leads, written from the
 * documented rules (docs/identity.md, docs/journeys.md) rather than from the product's code, so tests
 * that replay a world compare two independent accounts:
 *
 * - An email and a phone named by one event belong together. Persons are first formed from those links.
 * - An anonymous id linked to more than MAX_EMAILS_PER_ANONYMOUS_ID emails is quarantined: its own person,
 *   joining no one.
 * - Any other anonymous id joins the persons it is linked to, unless two of them hold an email: then it
 *   is a shared device, no one's as a whole. Its sessions go to the person whose identify (any event
 *   naming an email or phone) came next; after the last identify, to the last person. A person's span of
 *   the device starts at the first session after the previous person's last identify (or, within one
 *   session, at their own identify).
 * - A person's lead is their first lead event on their own devices and in their spans of shared ones; its
 *   first touch is their first session (same rule) at or before it.
 *
 * This differs from the humans simulated: two people on one shared device who identified by an email and
 * by a phone alone are one person to the product, and one human whose devices identified by different
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
const LEAD_EVENTS: ReadonlySet<string> = new Set([
  'form_submitted',
  'Form Submitted',
  'chat_started',
  'Chat Started',
  'phone_call',
  'Phone Call',
]);

/** The parts of a written event the product reads identity links and lead moments from. */
export type ObservedEvent = Pick<
  SegmentEvent,
  'type' | 'anonymousId' | 'timestamp' | 'event' | 'properties' | 'traits'
>;

export interface FirstSession {
  t: number;
  channel: ChannelId;
}

interface DeviceFacts {
  /** `email:…` / `phone:…` named on this anonymous id, each time. */
  claims: { id: string; at: number }[];
  /** Lead events on the device. */
  leads: number[];
  /**
   * The device's sessions so far, whoever had them, in time order (a live list the simulator keeps
   * growing). Only the first is needed unless the device turns out to be shared.
   */
  sessions: readonly FirstSession[];
}

export interface ResolvedLead {
  at: number;
  /** Channel of the person's first session at or before `at`, on any of their devices (or spans). */
  firstTouch: ChannelId | null;
}

export interface Resolution {
  /** Persons the product will count: every anonymous id seen, joined as above, plus quarantined-away identifiers. */
  persons: number;
  leads: ResolvedLead[];
  /** Anonymous ids split between persons. */
  sharedDevices: number;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

class Sets {
  private readonly parent = new Map<string, string>();
  add(x: string): void {
    if (!this.parent.has(x)) this.parent.set(x, x);
  }
  find(x: string): string {
    let r = x;
    for (let p = this.parent.get(r); p !== undefined && p !== r; p = this.parent.get(r)) r = p;
    this.parent.set(x, r);
    return r;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}

export class ResolvableIdentities {
  private readonly devices = new Map<string, DeviceFacts>();
  /** email ↔ phone pairs named by one event. */
  private readonly pairs: [string, string][] = [];

  /**
   * Reads the identity links and lead moment one written event gives the product. `sessions`: the
   * device's sessions (at least its first, already started: a device's events follow its first page view).
   */
  observe(e: ObservedEvent, sessions: readonly FirstSession[]): void {
    if (e.type === 'page') return;
    let email: string | undefined;
    let phone: string | undefined;
    if (e.type === 'identify') {
      email = text(e.traits?.['email']);
      phone = text(e.traits?.['phone']);
    } else {
      const fields = e.properties['fields'];
      const nested =
        typeof fields === 'object' && fields !== null && !Array.isArray(fields) ? fields : {};
      email = text(e.properties['email']) ?? text(nested['email']);
      phone = text(e.properties['phone']) ?? text(nested['phone']);
    }
    const lead =
      e.type === 'identify'
        ? email !== undefined || phone !== undefined
        : LEAD_EVENTS.has(e.event ?? '');
    if (email === undefined && phone === undefined && !lead) return;
    let facts = this.devices.get(e.anonymousId);
    if (facts === undefined) {
      facts = { claims: [], leads: [], sessions };
      this.devices.set(e.anonymousId, facts);
    }
    facts.sessions = sessions;
    const at = Date.parse(e.timestamp);
    const emailId = email === undefined ? undefined : `email:${email.toLowerCase()}`;
    const phoneId = phone === undefined ? undefined : `phone:${phone}`;
    if (emailId !== undefined) facts.claims.push({ id: emailId, at });
    if (phoneId !== undefined) facts.claims.push({ id: phoneId, at });
    if (emailId !== undefined && phoneId !== undefined) this.pairs.push([emailId, phoneId]);
    if (lead) facts.leads.push(at);
  }

  /** Resolves everything observed; `anonymousIds` is how many anonymous ids sent any event. */
  resolve(anonymousIds: number, maxEmails = MAX_EMAILS_PER_ANONYMOUS_ID): Resolution {
    const sets = new Sets();
    for (const [a, b] of this.pairs) {
      sets.add(a);
      sets.add(b);
      sets.union(a, b);
    }
    const quarantined = new Set<string>();
    for (const [anon, facts] of this.devices) {
      for (const c of facts.claims) sets.add(c.id);
      sets.add(`anonymous_id:${anon}`);
      if (
        new Set(facts.claims.filter((c) => c.id.startsWith('email:')).map((c) => c.id)).size >
        maxEmails
      )
        quarantined.add(anon);
    }
    // which devices see two persons holding an email (decided before any device joins anything)
    const holdsEmail = new Set<string>();
    for (const [, facts] of this.devices)
      for (const c of facts.claims) if (c.id.startsWith('email:')) holdsEmail.add(sets.find(c.id));
    const conflict = new Set<string>();
    for (const [anon, facts] of this.devices) {
      if (quarantined.has(anon)) continue;
      const named = new Set(
        facts.claims.map((c) => sets.find(c.id)).filter((r) => holdsEmail.has(r)),
      );
      if (named.size > 1) conflict.add(anon);
    }
    for (const [anon, facts] of this.devices) {
      if (quarantined.has(anon) || conflict.has(anon)) continue;
      for (const c of facts.claims) sets.union(`anonymous_id:${anon}`, c.id);
    }
    const shared = new Set<string>();
    for (const anon of conflict) {
      const facts = this.devices.get(anon)!;
      const persons = new Set(facts.claims.map((c) => sets.find(c.id)));
      if (persons.size > 1) shared.add(anon);
      else sets.union(`anonymous_id:${anon}`, facts.claims[0]!.id);
    }

    // each person's lead moments and sessions: whole devices, and spans of shared ones
    const leadsOf = new Map<string, number[]>();
    const sessionsOf = new Map<string, FirstSession[]>();
    const push = <T>(m: Map<string, T[]>, k: string, v: T): void =>
      void m.set(k, [...(m.get(k) ?? []), v]);
    const roots = new Set<string>();
    for (const [anon, facts] of this.devices) {
      for (const c of facts.claims) roots.add(sets.find(c.id));
      if (!shared.has(anon)) {
        const person = sets.find(`anonymous_id:${anon}`);
        roots.add(person);
        for (const t of facts.leads) push(leadsOf, person, t);
        if (facts.sessions[0] !== undefined) push(sessionsOf, person, facts.sessions[0]);
        continue;
      }
      const spans = spansOf(
        facts.claims.map((c) => ({ person: sets.find(c.id), at: c.at })),
        facts.sessions.map((s) => s.t),
      );
      const owner = (t: number): string => spans.find((s) => t >= s.from && t < s.until)!.person;
      for (const t of facts.leads) push(leadsOf, owner(t), t);
      for (const s of facts.sessions) push(sessionsOf, owner(s.t), s);
    }
    const leads: ResolvedLead[] = [];
    for (const [person, times] of leadsOf) {
      const at = Math.min(...times);
      let first: FirstSession | undefined;
      for (const s of sessionsOf.get(person) ?? [])
        if (s.t <= at && (first === undefined || s.t < first.t)) first = s;
      leads.push({ at, firstTouch: first?.channel ?? null });
    }
    // Anonymous ids that never identified are one person each; a shared device is no person of its own.
    return {
      persons: anonymousIds - this.devices.size + roots.size,
      leads,
      sharedDevices: shared.size,
    };
  }
}

/** A shared device's spans [from, until): up to each identify, from the first session after the previous person's. */
function spansOf(
  claims: { person: string; at: number }[],
  starts: readonly number[],
): { person: string; from: number; until: number }[] {
  claims.sort((x, y) => x.at - y.at || (x.person < y.person ? -1 : x.person > y.person ? 1 : 0));
  const runs: { person: string; first: number; last: number }[] = [];
  for (const c of claims) {
    const run = runs[runs.length - 1];
    if (run !== undefined && run.person === c.person) run.last = c.at;
    else runs.push({ person: c.person, first: c.at, last: c.at });
  }
  const spans: { person: string; from: number; until: number }[] = [];
  let from = -Infinity;
  runs.forEach((run, k) => {
    const next = runs[k + 1];
    let until = Infinity;
    if (next !== undefined) {
      const after = starts.filter((s) => s > run.last);
      const s = after.length > 0 ? Math.min(...after) : Infinity;
      until = s <= next.first ? s : next.first;
    }
    if (until > from) {
      spans.push({ person: run.person, from, until });
      from = until;
    }
  });
  return spans;
}
