// A workspace's connectors: set (merging into what is stored, secrets sealed), shown (never a secret:
// "set" or absent), deleted, and opened for the receivers and syncs that need the secrets.
import type { ConnectorSyncStatus, StoredConnector } from '../store/areas/connectors.js';
import type { Store } from '../store/store.js';
import type { SecretBox } from '../util/secret-box.js';
import { adRunPending } from './ad-cursor.js';
import { ConnectorError } from './errors.js';
import { forgetReceivers } from './receiver-cache.js';
import {
  CONNECTOR_NAMES,
  ALL_CONNECTOR_SCHEMAS,
  CREDENTIAL_FIELDS,
  isAdConnectorName,
  isConnectorName,
  type ConnectorName,
  type CredentialField,
} from './vendors.js';

export type Credentials = Partial<Record<CredentialField, string>>;

/** A connector with its secrets opened: for the receivers and syncs, never for a response. */
export interface OpenedConnector {
  workspaceId: string;
  name: ConnectorName;
  webhookSecret: string | null;
  credentials: Credentials;
  baseUrl: string | null;
  options: Record<string, unknown>;
  cursor: unknown;
}

/** A connector as the API and CLI show it. */
export interface ConnectorView {
  name: ConnectorName;
  webhookSecret: 'set' | null;
  /** The credential fields that are set, each `"set"`. */
  credentials: Partial<Record<CredentialField, 'set'>>;
  baseUrl: string | null;
  options: Record<string, unknown>;
  /**
   * The receiver's path, to paste into the vendor's webhook settings after the server's public URL;
   * null for the ad platforms, which send none.
   */
  webhookPath: string | null;
  lastSync: ConnectorSyncStatus | null;
  resumable: boolean;
  updatedAt: string;
}

const context = (workspaceId: string, name: string, field: string) =>
  `connector/${workspaceId}/${name}/${field}`;

/** The connector name of a path, or a 400 naming the known ones. */
export function connectorName(name: string): ConnectorName {
  if (isConnectorName(name)) return name;
  throw new ConnectorError(
    400,
    'unknown_connector',
    `unknown connector "${name.slice(0, 50)}"; known: ${CONNECTOR_NAMES.join(', ')}`,
    'name',
  );
}

export const webhookPath = (name: ConnectorName, workspaceId: string) =>
  `/hooks/${name}/${encodeURIComponent(workspaceId)}`;

function view(c: StoredConnector, box: SecretBox): ConnectorView {
  const name = connectorName(c.vendor);
  const credentials: Partial<Record<CredentialField, 'set'>> = {};
  for (const field of Object.keys(openCredentials(c, box)) as CredentialField[])
    credentials[field] = 'set';
  return {
    name,
    webhookSecret: c.webhookSecret ? 'set' : null,
    credentials,
    baseUrl: c.baseUrl,
    options: c.options,
    webhookPath: isAdConnectorName(name) ? null : webhookPath(name, c.workspaceId),
    lastSync: c.lastSync,
    // an ad connector always keeps its last day: resumable only while a run is left unfinished
    resumable: isAdConnectorName(name)
      ? adRunPending(c.cursor)
      : c.cursor !== null && c.cursor !== undefined,
    updatedAt: c.updatedAt,
  };
}

function openCredentials(c: StoredConnector, box: SecretBox): Credentials {
  if (!c.credentials) return {};
  return JSON.parse(
    box.open(c.credentials, context(c.workspaceId, c.vendor, 'credentials')),
  ) as Credentials;
}

/** The stored connector with its secrets opened, or undefined when there is none. */
export async function openConnector(
  store: Store,
  box: SecretBox,
  workspaceId: string,
  name: ConnectorName,
): Promise<OpenedConnector | undefined> {
  const c = await store.getConnector(workspaceId, name);
  if (!c) return undefined;
  return {
    workspaceId,
    name,
    webhookSecret: c.webhookSecret
      ? box.open(c.webhookSecret, context(workspaceId, name, 'webhookSecret'))
      : null,
    credentials: openCredentials(c, box),
    baseUrl: c.baseUrl,
    options: c.options,
    cursor: c.cursor,
  };
}

/** The input checked by the vendor's schema: a 400 naming the first bad field. */
export function parseConnectorInput(name: ConnectorName, body: unknown): Record<string, unknown> {
  const r = ALL_CONNECTOR_SCHEMAS[name].safeParse(body ?? {});
  if (r.success) return r.data as Record<string, unknown>;
  const issue = r.error.issues[0]!;
  const unknownKey =
    issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys[0] : undefined;
  const field = unknownKey ?? (issue.path.map(String).join('.') || 'body');
  const message = unknownKey
    ? `${unknownKey}: not a setting of the ${name} connector (known: ${Object.keys(ALL_CONNECTOR_SCHEMAS[name].shape).join(', ')})`
    : `${field}: ${issue.message}`;
  throw new ConnectorError(400, 'invalid_input', message, field);
}

/**
 * Creates or changes a workspace's connector: each field given replaces the stored one (null clears
 * it), each left out keeps it; secrets are sealed before they reach the store. Returns its view.
 */
export async function setConnector(
  store: Store,
  box: SecretBox,
  workspaceId: string,
  name: ConnectorName,
  body: unknown,
): Promise<{ connector: ConnectorView; created: boolean }> {
  const input = parseConnectorInput(name, body);
  const before = await openConnector(store, box, workspaceId, name);
  const credentials: Credentials = { ...(before?.credentials ?? {}) };
  for (const field of CREDENTIAL_FIELDS) {
    if (!(field in input) || input[field] === undefined) continue;
    if (input[field] === null) delete credentials[field];
    else credentials[field] = String(input[field]);
  }
  const options: Record<string, unknown> = { ...(before?.options ?? {}) };
  for (const [key, value] of Object.entries(input)) {
    if (key === 'webhookSecret' || key === 'baseUrl') continue;
    if ((CREDENTIAL_FIELDS as readonly string[]).includes(key) || value === undefined) continue;
    if (value === null) delete options[key];
    else options[key] = value;
  }
  const hook =
    input.webhookSecret === undefined
      ? before?.webhookSecret
      : (input.webhookSecret as string | null);
  const baseUrl = input.baseUrl === undefined ? before?.baseUrl : (input.baseUrl as string | null);
  await store.putConnector({
    workspaceId,
    vendor: name,
    credentials:
      Object.keys(credentials).length > 0
        ? box.seal(JSON.stringify(credentials), context(workspaceId, name, 'credentials'))
        : null,
    webhookSecret: hook ? box.seal(hook, context(workspaceId, name, 'webhookSecret')) : null,
    baseUrl: baseUrl ?? null,
    options,
  });
  forgetReceivers(store, workspaceId, name);
  const stored = await store.getConnector(workspaceId, name);
  if (!stored) throw new Error(`connector ${name} of ${workspaceId} vanished after it was stored`);
  return { connector: view(stored, box), created: before === undefined };
}

/** A workspace's connectors as shown (no secret). */
export async function listConnectors(
  store: Store,
  box: SecretBox,
  workspaceId: string,
): Promise<ConnectorView[]> {
  return (await store.listConnectors(workspaceId))
    .filter((c) => isConnectorName(c.vendor))
    .map((c) => view(c, box));
}

/** Deletes a workspace's connector: a 404 when there is none. */
export async function removeConnector(
  store: Store,
  workspaceId: string,
  name: ConnectorName,
): Promise<void> {
  const deleted = await store.deleteConnector(workspaceId, name);
  forgetReceivers(store, workspaceId, name);
  if (!deleted)
    throw new ConnectorError(404, 'not_found', `no ${name} connector in this workspace`, 'name');
}
