// Deliveries to a real test server's webhook receivers, signed as each vendor signs them, and the
// tracked visitors the CRM records match: for the receipt loader's end-to-end tests.
import assert from 'node:assert/strict';
import { hubspotSignatureHeaders } from '../sources/hubspot/index.js';
import { pipedriveBasicAuthHeader } from '../sources/pipedrive/index.js';
import type { TestServer } from './server.js';

export const PIPEDRIVE_SECRET = 'pd-basic-password-receipts-01';
export const HUBSPOT_SECRET = 'hubspot-app-secret-receipts-7c1e';

/** PUT /api/connectors/:name with a workspace's secret key (the test server's own by default). */
export async function connect(
  s: TestServer,
  name: string,
  body: Record<string, unknown>,
  secretKey = s.secretKey,
): Promise<void> {
  const res = await fetch(`${s.base}/api/connectors/${name}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.ok(res.status === 201 || res.status === 200, `${name}: ${res.status} ${await res.text()}`);
}

export async function postPipedrive(s: TestServer, workspaceId: string, body: unknown) {
  const res = await fetch(`${s.base}/hooks/pipedrive/${workspaceId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: pipedriveBasicAuthHeader('closedloop', PIPEDRIVE_SECRET),
    },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.text());
}

export async function postHubSpot(s: TestServer, events: unknown[]) {
  const body = JSON.stringify(events);
  const uri = `${s.base}/hooks/hubspot/${s.workspace.id}`;
  const res = await fetch(uri, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...hubspotSignatureHeaders({ method: 'POST', uri, body }, HUBSPOT_SECRET, Date.now()),
    },
    body,
  });
  assert.equal(res.status, 200, await res.text());
}

/** A HubSpot webhook event changing one property of an object. */
export function hubspotChange(
  eventId: number,
  objectType: 'deal' | 'contact',
  objectId: number,
  propertyName: string,
  propertyValue: string,
  occurredAt: number,
) {
  return {
    eventId,
    subscriptionId: 6547123,
    portalId: 48975575,
    appId: 39522895,
    occurredAt,
    subscriptionType: `${objectType}.propertyChange`,
    attemptNumber: 0,
    objectId,
    propertyName,
    propertyValue,
    changeSource: 'CRM_UI',
  };
}

/** A visitor from a paid search ad who then gives their e-mail, through /v1/batch; derived. */
export async function trackVisitor(
  s: TestServer,
  anon: string,
  email: string,
  at: { visit: string; identify: string },
): Promise<void> {
  const res = await fetch(`${s.base}/v1/batch`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${s.workspace.writeKey}:`).toString('base64')}`,
    },
    body: JSON.stringify({
      batch: [
        {
          type: 'page',
          messageId: `${anon}-page`,
          anonymousId: anon,
          timestamp: at.visit,
          context: { page: { url: 'https://acme.io/?utm_source=google&utm_medium=cpc' } },
        },
        {
          type: 'identify',
          messageId: `${anon}-identify`,
          anonymousId: anon,
          timestamp: at.identify,
          traits: { email },
        },
      ],
    }),
  });
  assert.equal(res.status, 200, await res.text());
  await s.app.ingest.settle();
}

/** Polls until `check` holds (a retry timer's load), failing after `ms`. */
export async function until(check: () => Promise<boolean>, what: string, ms = 20_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
