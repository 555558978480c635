// `closedloop connect <vendor>`: set a workspace's connector (credentials and webhook secret encrypted at
// rest under CLOSEDLOOP_SECRET_KEY), through the running server when one holds the data directory.
//   closedloop connect <hubspot|salesforce|pipedrive|stripe> --workspace W --webhook-secret S
//     [--api-key K | --access-token T | --client-id I --client-secret C --refresh-token R]
//     [--base-url U] [--login-url U] [--organization-id 00D...] [--webhook-user U]
//   closedloop connect google-ads --workspace W --developer-token T --client-id I --client-secret C
//     --refresh-token R --customer-id 123-456-7890 [--login-customer-id 111-222-3333]
//   closedloop connect meta --workspace W --access-token T --ad-account-id act_123
//   closedloop connect linkedin --workspace W (--access-token T | --refresh-token R --client-id I
//     --client-secret C) --ad-account-id 123
//   closedloop connect microsoft-ads --workspace W --developer-token T --client-id I --refresh-token R
//     --account-id 123 --customer-id 456
//   (the ad platforms also take --base-url U and --token-url U)
//   closedloop connectors list --workspace W [--json]
//   closedloop connectors remove <vendor> --workspace W
import type { Command } from 'commander';
import { resolveSecretKey, SecretKeyError } from '../../config/secret-key.js';
import { ConnectorError } from '../../connectors/errors.js';
import {
  connectorName,
  listConnectors,
  removeConnector,
  setConnector,
  type ConnectorView,
} from '../../connectors/settings.js';
import { CONNECTOR_NAMES } from '../../connectors/vendors.js';
import type { Store } from '../../store/store.js';
import { secretBox, type SecretBox } from '../../util/secret-box.js';
import { cliConfig, printRows, withData } from '../context.js';
import { UsageError } from '../errors.js';

interface ConnectOptions {
  workspace: string;
  webhookSecret?: string;
  apiKey?: string;
  accessToken?: string;
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  baseUrl?: string;
  loginUrl?: string;
  organizationId?: string;
  webhookUser?: string;
  developerToken?: string;
  customerId?: string;
  loginCustomerId?: string;
  adAccountId?: string;
  accountId?: string;
  tokenUrl?: string;
  multiCurrency?: boolean;
  dataDir?: string;
  json?: boolean;
}

// the API's field names and the flags that set them (an error naming a field names its flag)
const FLAGS: Record<string, string> = {
  webhookSecret: '--webhook-secret',
  apiKey: '--api-key',
  accessToken: '--access-token',
  clientId: '--client-id',
  clientSecret: '--client-secret',
  refreshToken: '--refresh-token',
  baseUrl: '--base-url',
  loginUrl: '--login-url',
  organizationId: '--organization-id',
  webhookUser: '--webhook-user',
  developerToken: '--developer-token',
  customerId: '--customer-id',
  loginCustomerId: '--login-customer-id',
  adAccountId: '--ad-account-id',
  accountId: '--account-id',
  tokenUrl: '--token-url',
  multiCurrency: '--multi-currency',
  name: 'vendor',
  'x-closedloop-workspace': '--workspace',
};

/** The local path's box: the data directory's key (or CLOSEDLOOP_SECRET_KEY), a short one a usage error. */
export function localBox(dataDir: string | undefined): SecretBox {
  try {
    return secretBox(resolveSecretKey(cliConfig({ dataDir }).dataDir).key);
  } catch (err) {
    if (err instanceof SecretKeyError) throw new UsageError(err.message, 'CLOSEDLOOP_SECRET_KEY');
    throw err;
  }
}

async function local<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ConnectorError)
      throw new UsageError(err.message, err.field ? (FLAGS[err.field] ?? err.field) : undefined);
    throw err;
  }
}

async function knownWorkspace(store: Store, id: string): Promise<void> {
  if (!(await store.getWorkspace(id)))
    throw new UsageError(`no workspace with id "${id}"`, '--workspace');
}

function vendorOf(name: string) {
  try {
    return connectorName(name);
  } catch (err) {
    if (err instanceof ConnectorError) throw new UsageError(err.message, 'vendor');
    throw err;
  }
}

function describe(c: ConnectorView): string {
  const creds = Object.keys(c.credentials);
  const options = Object.entries(c.options);
  return [
    `${c.name} connector set`,
    ...(c.webhookPath ? [`  webhook secret  ${c.webhookSecret ?? 'not set'}`] : []),
    `  credentials     ${creds.length ? creds.map((k) => `${k}: set`).join(', ') : 'none'}`,
    ...(options.length
      ? [`  settings        ${options.map(([k, v]) => `${k}: ${String(v)}`).join(', ')}`]
      : []),
    `  base URL        ${c.baseUrl ?? '(the vendor default)'}`,
    ...(c.webhookPath ? [`  webhook URL     <this server's public URL>${c.webhookPath}`] : []),
    '',
  ].join('\n');
}

export function register(program: Command): void {
  program
    .command('connect <vendor>')
    .description(
      `Set a workspace's connector (${CONNECTOR_NAMES.join(', ')}): credentials and webhook secret, encrypted at rest`,
    )
    .requiredOption('--workspace <id>', 'workspace id')
    .option(
      '--webhook-secret <secret>',
      "the vendor's webhook secret: HubSpot's app secret, Stripe's whsec_..., Pipedrive's Basic-auth password, Salesforce's endpoint token",
    )
    .option('--api-key <key>', 'API key or private app token (HubSpot, Pipedrive, Stripe)')
    .option('--access-token <token>', 'an access token (Salesforce)')
    .option('--client-id <id>', 'OAuth client id')
    .option('--client-secret <secret>', 'OAuth client secret')
    .option('--refresh-token <token>', 'OAuth refresh token')
    .option('--base-url <url>', "the vendor API's base URL (Salesforce: the org's My Domain URL)")
    .option('--login-url <url>', 'Salesforce login URL (https://test.salesforce.com for sandboxes)')
    .option('--organization-id <id>', "Salesforce: accept only this org's Outbound Messages")
    .option('--webhook-user <name>', "Pipedrive: the webhook's Basic-auth user name")
    .option('--developer-token <token>', 'Google Ads or Microsoft Advertising developer token')
    .option(
      '--customer-id <id>',
      'Google Ads: the account pulled; Microsoft Advertising: its customer',
    )
    .option('--login-customer-id <id>', 'Google Ads: the manager account the access goes through')
    .option('--ad-account-id <id>', 'Meta (act_...) or LinkedIn ad account pulled')
    .option('--account-id <id>', 'Microsoft Advertising: the account pulled')
    .option('--token-url <url>', "ad platforms: the OAuth token endpoint, when not the platform's")
    .option(
      '--multi-currency',
      'Salesforce: a multi-currency org (amounts read with CurrencyIsoCode)',
    )
    .option('--data-dir <dir>', 'data directory')
    .option('--json', 'print JSON')
    .action(async (vendor: string, opts: ConnectOptions) => {
      const name = vendorOf(vendor);
      const body: Record<string, string | boolean> = {};
      for (const field of Object.keys(FLAGS)) {
        const v = (opts as unknown as Record<string, unknown>)[field];
        if (typeof v === 'string' || v === true) body[field] = v;
      }
      const { connector } = await withData(opts.dataDir, {
        local: async (store) => {
          await knownWorkspace(store, opts.workspace);
          const box = localBox(opts.dataDir);
          return local(() => setConnector(store, box, opts.workspace, name, body));
        },
        remote: (server) =>
          server.call<{ connector: ConnectorView }>('PUT', `/api/connectors/${name}`, {
            workspace: opts.workspace,
            json: body,
          }),
        flags: FLAGS,
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(connector, null, 2)}\n`);
      else process.stdout.write(describe(connector));
    });

  const connectors = program
    .command('connectors')
    .description("A workspace's connectors: list (never a secret), remove");
  connectors
    .command('list')
    .description("The workspace's connectors and their last sync")
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--data-dir <dir>', 'data directory')
    .option('--json', 'print JSON')
    .action(async (opts: { workspace: string; dataDir?: string; json?: boolean }) => {
      const list = await withData(opts.dataDir, {
        local: async (store) => {
          await knownWorkspace(store, opts.workspace);
          return listConnectors(store, localBox(opts.dataDir), opts.workspace);
        },
        remote: async (server) =>
          (
            await server.call<{ connectors: ConnectorView[] }>('GET', '/api/connectors', {
              workspace: opts.workspace,
            })
          ).connectors,
        flags: FLAGS,
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      printRows(
        list.map((c) => ({
          connector: c.name,
          webhookSecret: c.webhookSecret ?? '-',
          credentials: Object.keys(c.credentials).join(',') || '-',
          baseUrl: c.baseUrl ?? '-',
          lastSync: c.lastSync ? `${c.lastSync.at} ${c.lastSync.status}` : '-',
          webhookPath: c.webhookPath ?? '-',
        })),
        false,
      );
    });
  connectors
    .command('remove <vendor>')
    .description('Delete a connector and its stored secrets')
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--data-dir <dir>', 'data directory')
    .action(async (vendor: string, opts: { workspace: string; dataDir?: string }) => {
      const name = vendorOf(vendor);
      await withData(opts.dataDir, {
        local: async (store) => {
          await knownWorkspace(store, opts.workspace);
          await local(() => removeConnector(store, opts.workspace, name));
        },
        remote: async (server) => {
          await server.call('DELETE', `/api/connectors/${name}`, { workspace: opts.workspace });
        },
        flags: FLAGS,
      });
      process.stdout.write(`${name} connector removed\n`);
    });
}
