// The webhook receivers' one path, for every vendor: find the workspace's connector (404 when there is
// none, the same answer whether the workspace exists or not), check the delivery's own credential with
// the stored webhook secret (401 naming the reason), read the payload with the vendor's schema (400
// naming the field), then append the receipt, verified and as it arrived, before answering 2xx. A
// redelivery finds its key stored and is answered the same, storing nothing.
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  HubSpotPayloadError,
  HubSpotSignatureError,
  parseWebhookBody as parseHubSpotBody,
  verifyHubSpotSignature,
} from '../sources/hubspot/index.js';
import {
  parseStripeEvent,
  StripePayloadError,
  StripeSignatureError,
  verifyStripeSignature,
} from '../sources/stripe/index.js';
import {
  OUTBOUND_ACK,
  OUTBOUND_CONTENT_TYPE,
  OutboundMessageError,
  parseChangeEvents,
  parseOutboundMessage,
  SalesforcePayloadError,
} from '../sources/salesforce/index.js';
import {
  PipedriveAuthError,
  PipedrivePayloadError,
  parseWebhookText as parsePipedriveText,
  verifyPipedriveBasicAuth,
} from '../sources/pipedrive/index.js';
import type { Store } from '../store/store.js';
import type { SecretBox } from '../util/secret-box.js';
import { ConnectorError } from './errors.js';
import { receiverConnector } from './receiver-cache.js';
import { openConnector, type OpenedConnector } from './settings.js';
import type { WebhookConnectorName } from './vendors.js';

export type Headers = Record<string, string | string[] | undefined>;

/** A delivery as the route received it. */
export interface Delivery {
  workspaceId: string;
  method: string;
  /** The full URI the vendor called (the public URL when behind a proxy): HubSpot signs it. */
  uri: string;
  headers: Headers;
  query: Record<string, unknown>;
  /** The raw bytes, as received. */
  body: Buffer;
  /** Now, in ms (tests). */
  now?: number;
}

/** What the route answers. */
export interface Answer {
  status: 200;
  /** The workspace the receipt is stored under. */
  workspaceId: string;
  contentType: string;
  body: string;
  /** Whether this delivery was new (false: a redelivery, nothing stored). */
  stored: boolean;
}

/** A payload read by its vendor's schema: the receipt's key, and how many events it holds. */
interface Read {
  key: string;
  events: number;
  contentType: string;
  answer?: { contentType: string; body: string };
}

const header = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');
/** A key from the ids a payload names (order-free), so a regrouped redelivery keys the same. */
const keyOf = (ids: readonly string[]) =>
  ids.length === 1 ? ids[0]! : `sha256:${sha256([...ids].sort().join('\n'))}`;

const unauthorized = (reason: string, message: string, field: string) =>
  new ConnectorError(401, reason, message, field);
const malformed = (path: string, message: string) =>
  new ConnectorError(400, 'invalid_payload', message, path === '(root)' ? 'body' : path);

function utf8(body: Buffer): string {
  const text = body.toString('utf8');
  // a replacement character the bytes did not hold: not UTF-8
  if (Buffer.byteLength(text) !== body.length || !Buffer.from(text, 'utf8').equals(body))
    throw new ConnectorError(400, 'invalid_payload', 'body is not UTF-8 text', 'body');
  return text;
}

function json(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ConnectorError(400, 'invalid_json', 'body is not valid JSON', 'body');
  }
}

function hubspot(c: OpenedConnector, d: Delivery, text: string): Read {
  try {
    verifyHubSpotSignature(
      {
        method: d.method,
        uri: d.uri,
        body: d.body,
        signature: header(d.headers, 'x-hubspot-signature-v3'),
        timestamp: header(d.headers, 'x-hubspot-request-timestamp'),
      },
      { secrets: c.webhookSecret ?? '', ...(d.now !== undefined ? { now: d.now } : {}) },
    );
  } catch (err) {
    if (err instanceof HubSpotSignatureError)
      throw unauthorized(err.reason, err.message, 'x-hubspot-signature-v3');
    throw err;
  }
  try {
    const events = parseHubSpotBody(json(text));
    return {
      key: keyOf(events.map((e) => String(e.eventId))),
      events: events.length,
      contentType: 'application/json',
    };
  } catch (err) {
    if (err instanceof HubSpotPayloadError) throw malformed(err.path, err.message);
    throw err;
  }
}

function stripe(c: OpenedConnector, d: Delivery, text: string): Read {
  try {
    verifyStripeSignature(header(d.headers, 'stripe-signature'), d.body, {
      secrets: c.webhookSecret ?? '',
      ...(d.now !== undefined ? { now: d.now } : {}),
    });
  } catch (err) {
    if (err instanceof StripeSignatureError)
      throw unauthorized(err.reason, err.message, 'stripe-signature');
    throw err;
  }
  try {
    const parsed = parseStripeEvent(json(text));
    return { key: parsed.event.id, events: 1, contentType: 'application/json' };
  } catch (err) {
    if (err instanceof StripePayloadError) throw malformed(err.path, err.message);
    throw err;
  }
}

// Salesforce signs nothing: Outbound Messages can only be given a URL, so the secret travels as its
// `token` query parameter (HTTPS keeps it off the wire); a CDC relay may send it as a Bearer token
function salesforceToken(c: OpenedConnector, d: Delivery): void {
  const auth = header(d.headers, 'authorization');
  const given =
    auth && /^bearer\s/i.test(auth)
      ? auth.replace(/^bearer\s+/i, '').trim()
      : typeof d.query.token === 'string'
        ? d.query.token
        : undefined;
  if (!given)
    throw unauthorized(
      'missing_token',
      'no webhook token: the endpoint URL carries ?token=<webhook secret>, or send Authorization: Bearer <webhook secret>',
      'token',
    );
  const digest = (s: string) => createHash('sha256').update(s).digest();
  if (!timingSafeEqual(digest(given), digest(c.webhookSecret ?? '')))
    throw unauthorized(
      'wrong_token',
      'the webhook token does not match the configured secret',
      'token',
    );
}

function salesforce(c: OpenedConnector, d: Delivery, text: string): Read {
  salesforceToken(c, d);
  const type = (header(d.headers, 'content-type') ?? '').toLowerCase();
  if (type.includes('xml')) {
    const org = typeof c.options.organizationId === 'string' ? c.options.organizationId : undefined;
    try {
      const message = parseOutboundMessage(text, org ? { organizationId: org } : {});
      return {
        key: `outbound:${keyOf(message.notifications.map((n) => n.id))}`,
        events: message.notifications.length,
        contentType: 'text/xml',
        answer: { contentType: OUTBOUND_CONTENT_TYPE, body: OUTBOUND_ACK },
      };
    } catch (err) {
      if (err instanceof OutboundMessageError) {
        if (err.reason === 'wrong_organization')
          throw unauthorized(err.reason, err.message, 'OrganizationId');
        throw new ConnectorError(400, err.reason, err.message, 'body');
      }
      throw err;
    }
  }
  try {
    const events = parseChangeEvents(json(text));
    const ids = events.map(
      (e) => e.replayId ?? `${e.transactionKey ?? ''}:${e.sequenceNumber}:${e.commitNumber}`,
    );
    return { key: `cdc:${keyOf(ids)}`, events: events.length, contentType: 'application/json' };
  } catch (err) {
    if (err instanceof SalesforcePayloadError) throw malformed(err.path, err.message);
    throw err;
  }
}

function pipedrive(c: OpenedConnector, d: Delivery, text: string): Read {
  try {
    const user = typeof c.options.webhookUser === 'string' ? c.options.webhookUser : null;
    verifyPipedriveBasicAuth(header(d.headers, 'authorization'), {
      password: c.webhookSecret ?? '',
      user,
    });
  } catch (err) {
    if (err instanceof PipedriveAuthError)
      throw unauthorized(err.reason, err.message, 'authorization');
    throw err;
  }
  try {
    const event = parsePipedriveText(text);
    // v1 has no event id: the body itself (a retry of it is byte for byte the same delivery)
    return {
      key: event.eventId ?? `sha256:${sha256(d.body)}`,
      events: 1,
      contentType: 'application/json',
    };
  } catch (err) {
    if (err instanceof PipedrivePayloadError) throw malformed(err.path, err.message);
    throw err;
  }
}

const READERS: Record<
  WebhookConnectorName,
  (c: OpenedConnector, d: Delivery, text: string) => Read
> = {
  hubspot,
  stripe,
  salesforce,
  pipedrive,
};

/**
 * Receives one delivery for `name`: verified, read, appended (durable) and answered; or a
 * ConnectorError (404 no receiver, 401 credential, 400 payload) with nothing stored.
 */
export async function receiveWebhook(
  store: Store,
  box: SecretBox,
  name: WebhookConnectorName,
  d: Delivery,
): Promise<Answer> {
  // a connector exists only in a workspace that does (deleting the workspace deletes its connectors)
  const c = await receiverConnector(store, d.workspaceId, name, () =>
    openConnector(store, box, d.workspaceId, name),
  );
  if (!c || !c.webhookSecret)
    throw new ConnectorError(
      404,
      'not_found',
      `no ${name} webhook receiver here: set the workspace's ${name} connector with its webhook secret first`,
      'workspaceId',
    );
  const text = utf8(d.body);
  const read = READERS[name](c, d, text);
  const outcome = await store.appendWebhookReceipt({
    workspaceId: c.workspaceId,
    vendor: name,
    key: read.key,
    receivedAt: new Date(d.now ?? Date.now()).toISOString(),
    contentType: read.contentType,
    body: text,
  });
  const stored = outcome === 'stored';
  return {
    status: 200,
    workspaceId: c.workspaceId,
    stored,
    ...(read.answer ?? {
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify({ received: read.events, duplicate: !stored }),
    }),
  };
}
