// `closedloop inspect <view>`: a workspace's derived rows as they are stored, so an operator can see why a
// number is what it is (which session got which channel, which ids make a person, what was quarantined,
// how a person's conversion was credited). Read-only.
import type { Command } from 'commander';
import type { Store } from '../../store/store.js';
import { printRows, withStore } from '../context.js';
import { UsageError } from '../errors.js';

interface Flags {
  workspace: string;
  dataDir?: string;
  json?: boolean;
  anonymousId?: string;
  person?: string;
  limit?: string;
}

type View = (store: Store, ws: string, flags: Flags) => Promise<Record<string, unknown>[]>;

const limitOf = (flags: Flags): number => {
  const n = Number(flags.limit ?? 100);
  if (!Number.isInteger(n) || n < 1 || n > 100_000)
    throw new UsageError(`must be an integer from 1 to 100000, got "${flags.limit}"`, '--limit');
  return n;
};

const VIEWS: Record<string, { description: string; run: View }> = {
  sessions: {
    description:
      'sessions with their landing, source, medium and channel (--anonymous-id, --limit)',
    run: async (store, ws, f) =>
      (
        await store.listSessions(ws, {
          ...(f.anonymousId ? { anonymousIds: [f.anonymousId] } : {}),
          limit: limitOf(f),
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
  channels: {
    description: 'sessions per channel',
    run: (store, ws) => store.sessionsByChannel(ws),
  },
  identities: {
    description:
      'every identifier and the person it belongs to (a shared device with its time span)',
    run: async (store, ws, f) =>
      (await store.currentIdentities(ws))
        .filter((r) => f.person === undefined || r.personId === f.person)
        .map((r) => ({
          person: r.personId,
          kind: r.kind,
          value: r.value,
          from: r.span?.from ?? null,
          until: r.span?.until ?? null,
        })),
  },
  quarantine: {
    description: 'identifiers kept from merging persons, and why',
    run: async (store, ws) =>
      (await store.quarantinedIdentifiers(ws)).map((q) => ({
        ...q,
        sources: q.sources.join(', '),
      })),
  },
  links: {
    description: 'identity links stated by other sources than events',
    run: async (store, ws) => (await store.listIdentityLinks(ws)).map((l) => ({ ...l })),
  },
  leads: {
    description: 'leads per channel of their first touch',
    run: (store, ws) => store.leadsByFirstTouchChannel(ws),
  },
  credits: {
    description: "a person's attribution credits, every model and milestone (--person)",
    run: async (store, ws, f) => {
      if (!f.person) throw new UsageError('which person? (--person p_...)', '--person');
      return (await store.personCredits(ws, f.person)).map((c) => ({ ...c }));
    },
  },
};

export function register(program: Command): void {
  const inspect = program
    .command('inspect')
    .description("A workspace's derived rows as stored: why a number is what it is (read-only)");
  for (const [name, view] of Object.entries(VIEWS)) {
    inspect
      .command(name)
      .description(view.description)
      .requiredOption('--workspace <id>', 'workspace id')
      .option('--anonymous-id <id>', 'only this anonymous id (sessions)')
      .option('--person <id>', 'only this person (identities, credits)')
      .option('--limit <n>', 'at most this many rows (sessions; default 100)')
      .option('--data-dir <dir>', 'data directory')
      .option('--json', 'print JSON')
      .action(async (flags: Flags) => {
        const rows = await withStore(flags.dataDir, async (store) => {
          if (!(await store.getWorkspace(flags.workspace)))
            throw new UsageError(`no workspace with id "${flags.workspace}"`, '--workspace');
          return view.run(store, flags.workspace, flags);
        });
        printRows(rows, Boolean(flags.json));
      });
  }
}
