// `closedloop sync <vendor> --workspace W [--from D --to D]`: a connector's backfill or incremental pull
// from its stored cursor, with a progress bar (objects read, new facts, errors; an ad platform's cost
// rows and days stored). --from/--to: an ad platform's days to read (default from its cursor). Beside a running server it asks the
// server to run it (POST /api/connectors/:name/sync) and follows its progress in the connector's
// lastSync; without one it runs on the store it opens. Exit 1 when the sync failed (it resumes where it
// stopped when run again), 2 for a usage error (an unknown vendor, Stripe before its sync exists).
import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { ConnectorError } from '../../connectors/errors.js';
import { connectorName, type ConnectorView } from '../../connectors/settings.js';
import { syncConnector, type SyncProgress } from '../../connectors/sync.js';
import {
  CONNECTOR_NAMES,
  isAdConnectorName,
  type ConnectorName,
} from '../../connectors/vendors.js';
import { batchedCrmIntake } from '../../derive/crm-intake.js';
import { withData } from '../context.js';
import { UsageError } from '../errors.js';
import type { ServerClient } from '../server-client.js';
import { localBox } from './connect.js';

interface SyncOptions {
  workspace: string;
  from?: string;
  to?: string;
  dataDir?: string;
  json?: boolean;
}

/** What the command prints: the local result, or the server's lastSync once the sync ended. */
interface Outcome {
  name: ConnectorName;
  status: 'ok' | 'failed';
  rows: number;
  errors: number;
  message: string | null;
}

const FLAGS = {
  name: 'vendor',
  'x-closedloop-workspace': '--workspace',
  credentials: 'vendor',
  from: '--from',
  to: '--to',
};

function vendorOf(name: string): ConnectorName {
  try {
    return connectorName(name);
  } catch (err) {
    if (err instanceof ConnectorError) throw new UsageError(err.message, 'vendor');
    throw err;
  }
}

function progressBar(name: ConnectorName, show: boolean) {
  if (!show) return undefined;
  const bar = new SingleBar(
    {
      format: isAdConnectorName(name)
        ? ` ${name} sync | {value} cost rows stored | {errors} errors`
        : ` ${name} sync | {value} objects read | {inserted} new facts | {errors} errors`,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  bar.start(0, 0, { inserted: 0, errors: 0 });
  return {
    update: (p: Pick<SyncProgress, 'rows' | 'errors'> & { inserted?: number | string }) =>
      bar.update(p.rows, { inserted: p.inserted ?? '?', errors: p.errors }),
    stop: () => bar.stop(),
  };
}

async function local(
  store: Parameters<Parameters<typeof withData>[1]['local']>[0],
  name: ConnectorName,
  o: SyncOptions,
  bar: ReturnType<typeof progressBar>,
): Promise<Outcome> {
  if (!(await store.getWorkspace(o.workspace)))
    throw new UsageError(`no workspace with id "${o.workspace}"`, '--workspace');
  try {
    const r = await syncConnector(store, localBox(o.dataDir), o.workspace, name, {
      intake: batchedCrmIntake(store, o.workspace),
      onProgress: (p) => bar?.update(p),
      from: o.from,
      to: o.to,
    });
    return { name, status: r.status, rows: r.rows, errors: r.errors, message: r.message };
  } catch (err) {
    if (err instanceof ConnectorError)
      throw new UsageError(err.message, FLAGS[err.field as keyof typeof FLAGS] ?? err.field);
    throw err;
  }
}

/** Asks the server to sync, then follows the connector's lastSync until it is no longer running. */
async function remote(
  server: ServerClient,
  name: ConnectorName,
  o: SyncOptions,
  bar: ReturnType<typeof progressBar>,
): Promise<Outcome> {
  await server.call('POST', `/api/connectors/${name}/sync`, {
    workspace: o.workspace,
    query: { from: o.from, to: o.to },
  });
  for (;;) {
    const { connectors } = await server.call<{ connectors: ConnectorView[] }>(
      'GET',
      '/api/connectors',
      { workspace: o.workspace },
    );
    const last = connectors.find((c) => c.name === name)?.lastSync;
    if (!last) throw new Error(`the ${name} connector disappeared during its sync`);
    bar?.update({ rows: last.rows, errors: last.errors });
    if (last.status !== 'running')
      return {
        name,
        status: last.status,
        rows: last.rows,
        errors: last.errors,
        message: last.message ?? null,
      };
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function register(program: Command): void {
  program
    .command('sync <vendor>')
    .description(
      `Run a connector's backfill or incremental pull from its stored cursor (${CONNECTOR_NAMES.join(', ')})`,
    )
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--from <day>', 'ad platforms: the first day to read (YYYY-MM-DD, with --to)')
    .option('--to <day>', 'ad platforms: the last day to read')
    .option('--data-dir <dir>', 'data directory')
    .option('--json', 'print JSON')
    .action(async (vendor: string, o: SyncOptions) => {
      const name = vendorOf(vendor);
      const bar = progressBar(name, !o.json && process.stderr.isTTY);
      let outcome: Outcome;
      try {
        outcome = await withData(o.dataDir, {
          local: (store) => local(store, name, o, bar),
          remote: (server) => remote(server, name, o, bar),
          flags: FLAGS,
        });
      } finally {
        bar?.stop();
      }
      if (o.json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
      else
        process.stdout.write(
          `${name} sync ${outcome.status}: ${outcome.rows} ${isAdConnectorName(name) ? 'cost rows' : 'objects'} read, ${outcome.errors} errors${outcome.message ? `; ${outcome.message}` : ''}\n`,
        );
      if (outcome.status === 'failed') {
        process.stderr.write(`the ${name} sync failed; run it again to resume where it stopped\n`);
        process.exitCode = 1;
      }
    });
}
