// A workspace's derived rows as they are stored, one view each, so an operator can see why a number is
// what it is (which session got which channel, which ids make a person, what was quarantined, how a
// person's conversion was credited). `closedloop inspect <view>` and GET /api/inspect/<view> show the
// same rows, from the same query schema. Read-only.
import { z } from 'zod';
import type { Store } from '../store/store.js';

const LIMIT = 'must be an integer from 1 to 100000';

/** What every view may be given (each reads what it needs): a query string's shape, as the CLI's flags. */
export const InspectQuery = z
  .object({
    anonymousId: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('only this anonymous id (sessions)'),
    person: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe('only this person (identities, credits)'),
    limit: z.coerce
      .number({ error: LIMIT })
      .int(LIMIT)
      .min(1, LIMIT)
      .max(100_000, LIMIT)
      .default(100)
      .describe('at most this many rows (sessions; default 100)'),
  })
  .strict();
export type InspectQuery = z.output<typeof InspectQuery>;

/** A view asked for without what it needs (the credits view without a person). */
export class InspectParamError extends Error {
  constructor(
    readonly field: keyof InspectQuery,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'InspectParamError';
  }
}

export type InspectRow = Record<string, unknown>;

export interface InspectView {
  name: string;
  description: string;
  run(store: Store, workspaceId: string, q: InspectQuery): Promise<InspectRow[]>;
}

export const INSPECT_VIEWS: readonly InspectView[] = [
  {
    name: 'sessions',
    description: 'sessions with their landing, source, medium and channel',
    run: async (store, ws, q) =>
      (
        await store.listSessions(ws, {
          ...(q.anonymousId ? { anonymousIds: [q.anonymousId] } : {}),
          limit: q.limit,
        })
      ).map((s) => ({
        session: s.sessionId,
        anonymousId: s.anonymousId,
        started: s.startedAt,
        channel: s.channel,
        source: s.source,
        medium: s.medium,
        campaign: s.campaign,
        rule: s.channelRule,
        landing: s.landingUrl,
      })),
  },
  {
    name: 'channels',
    description: 'sessions per channel',
    run: (store, ws) => store.sessionsByChannel(ws),
  },
  {
    name: 'identities',
    description:
      'every identifier and the person it belongs to (a shared device with its time span)',
    run: async (store, ws, q) =>
      (await store.currentIdentities(ws))
        .filter((r) => q.person === undefined || r.personId === q.person)
        .map((r) => ({
          person: r.personId,
          kind: r.kind,
          value: r.value,
          from: r.span?.from ?? null,
          until: r.span?.until ?? null,
        })),
  },
  {
    name: 'quarantine',
    description: 'identifiers kept from merging persons, and why',
    run: async (store, ws) =>
      (await store.quarantinedIdentifiers(ws)).map((q) => ({
        ...q,
        sources: q.sources.join(', '),
      })),
  },
  {
    name: 'links',
    description: 'identity links stated by other sources than events',
    run: async (store, ws) => (await store.listIdentityLinks(ws)).map((l) => ({ ...l })),
  },
  {
    name: 'leads',
    description: 'leads per channel of their first touch',
    run: (store, ws) => store.leadsByFirstTouchChannel(ws),
  },
  {
    name: 'credits',
    description: "a person's attribution credits, every model and milestone",
    run: async (store, ws, q) => {
      if (!q.person) throw new InspectParamError('person', 'which person? (a person id, p_...)');
      return (await store.personCredits(ws, q.person)).map((c) => ({ ...c }));
    },
  },
];
