// The HubSpot client's single requests against a real local replay server: deal associations,
// re-fetches, the token kept out of every message, and an OAuth app's refresh. Waits are recorded.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { json, text } from '../../test-helpers/replay-server.js';
import { HubSpotApiError, type BackfillCursor } from './client.js';
import {
  TOKEN,
  clientFor,
  collect,
  hubspot,
  replay,
  summary,
} from '../../test-helpers/hubspot-replay.js';

test('a deals page whose contacts cannot be read is not handed out, so its cursor re-reads it', async () => {
  let broken = true;
  const server = await replay((req) => {
    if (broken && req.method === 'POST')
      return json(403, {
        status: 'error',
        message: "This app hasn't been granted all required scopes to make this call.",
        category: 'MISSING_SCOPES',
        correlationId: 'c-403',
      });
    return hubspot(req);
  });
  try {
    const { client, sleeps } = clientFor(server.baseUrl);
    const seen: string[] = [];
    const cursor: BackfillCursor = { stage: 'deals', after: null };
    await assert.rejects(
      (async () => {
        for await (const page of client.backfill({ cursor })) seen.push(page.kind);
      })(),
      (err: unknown) =>
        err instanceof HubSpotApiError && err.status === 403 && err.category === 'MISSING_SCOPES',
    );
    assert.deepEqual(seen, []);
    assert.deepEqual(sleeps, [], 'a 4xx is not retried');
    broken = false;
    const pages = await collect(client.backfill({ cursor }));
    assert.deepEqual(pages.map(summary), [
      ['deals', '4500,4501', '4500>101,4501>102', 'deals:4502'],
      ['deals', '4502', '4502>', 'done:'],
    ]);
  } finally {
    await server.close();
  }
});

test("a deal's contacts past one answer are asked for again from the deal's own cursor", async () => {
  const server = await replay((req) => {
    const inputs = (req.json as { inputs: Array<{ id: string; after?: string }> }).inputs;
    const to = (ids: number[]) =>
      ids.map((id) => ({
        toObjectId: id,
        associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 3, label: null }],
      }));
    return json(200, {
      status: 'COMPLETE',
      results: inputs.map((i) =>
        i.id === '7' && !i.after
          ? {
              from: { id: '7' },
              to: to([1, 2]),
              paging: { next: { after: 'Mg%3D%3D', link: 'x' } },
            }
          : { from: { id: i.id }, to: i.id === '7' ? to([3]) : to([9]) },
      ),
      startedAt: '2026-03-05T10:00:00.000Z',
      completedAt: '2026-03-05T10:00:00.001Z',
    });
  });
  try {
    const { client } = clientFor(server.baseUrl);
    const result = await client.dealContacts(['7', '8']);
    assert.deepEqual(
      result.map((r) => [r.dealId, r.contacts.map((c) => c.toObjectId)]),
      [
        ['7', ['1', '2', '3']],
        ['8', ['9']],
      ],
    );
    assert.deepEqual(
      server.requests.map((r) => r.json),
      [{ inputs: [{ id: '7' }, { id: '8' }] }, { inputs: [{ id: '7', after: 'Mg%3D%3D' }] }],
    );
    assert.deepEqual(await client.dealContacts([]), []);
    assert.equal(server.requests.length, 2);
  } finally {
    await server.close();
  }
});

test('a re-fetch reads one object with its history; a deleted one is null; a dropped connection is retried', async () => {
  const server = await replay(hubspot);
  try {
    const { client, logs } = clientFor(server.baseUrl);
    const deal = await client.getObject('deals', '4501');
    assert.equal(deal?.properties.closed_lost_reason, 'Went with a competitor');
    assert.equal(deal?.propertiesWithHistory?.dealstage?.length, 3);
    const asked = server.requests[0]!.url;
    assert.equal(asked.pathname, '/crm/v3/objects/deals/4501');
    assert.equal(asked.searchParams.get('propertiesWithHistory'), 'dealstage');
    assert.equal(await client.getObject('deals', '4599'), null);
    await assert.rejects(client.getObject('deals', '../contacts'), TypeError);
    // a dropped connection is retried with backoff, then fails with status 0
    const { client: dropping, logs: dropLogs } = clientFor(server.baseUrl, { maxRetries: 1 });
    await assert.rejects(
      dropping.getObject('deals', '4500', { properties: ['drop'], propertiesWithHistory: [] }),
      (err: unknown) =>
        err instanceof HubSpotApiError &&
        err.status === 0 &&
        err.attempts === 2 &&
        /no answer after 2 attempts/.test(err.message),
    );
    assert.deepEqual(
      dropLogs.map((l) => [l.event, l.status, l.attempt]),
      [['retry', 0, 1]],
    );
    assert.deepEqual(logs, []);
  } finally {
    await server.close();
  }
});

test('the access token appears in no error, log entry or inspected client, even when a server echoes it', async () => {
  const server = await replay((req) => {
    if (req.url.pathname.endsWith('/contacts')) {
      return json(401, {
        status: 'error',
        message: `Authentication credentials not found. Token ${TOKEN} is expired.`,
        correlationId: 'c-401',
        category: 'EXPIRED_AUTHENTICATION',
      });
    }
    return text(502, `<html>bad gateway for Authorization: Bearer ${TOKEN}</html>`);
  });
  try {
    const { client, logs } = clientFor(server.baseUrl, { maxRetries: 1 });
    const errors: unknown[] = [];
    for (const object of ['contacts', 'deals'] as const) {
      await collect(client.pages(object)).catch((err: unknown) => errors.push(err));
    }
    await client.getObject('contacts', '101').catch((err: unknown) => errors.push(err));
    assert.equal(errors.length, 3);
    const seen = [
      ...errors.flatMap((e) => [
        String(e),
        inspect(e),
        JSON.stringify(e),
        (e as Error).stack ?? '',
      ]),
      JSON.stringify(logs),
      inspect(client, { depth: 5, showHidden: true }),
      JSON.stringify(client),
    ].join('\n');
    assert.ok(!seen.includes(TOKEN), 'the token leaked');
    assert.ok(!seen.includes(TOKEN.slice(8)), 'part of the token leaked');
    assert.match(
      String(errors[0]),
      /answered 401 \(EXPIRED_AUTHENTICATION\): Authentication credentials not found\. Token \[access token\] is expired\.$/,
    );
    assert.match(
      String(errors[1]),
      /answered 502: <html>bad gateway for Authorization: Bearer \[access token\]<\/html> after 2 attempts/,
    );
  } finally {
    await server.close();
  }
});

test('an OAuth app: 401 EXPIRED_AUTHENTICATION asks for a new token once and retries with it', async () => {
  const FRESH = 'CJT1-oauth-access-token-0002';
  const server = await replay((req) =>
    req.headers.authorization === `Bearer ${FRESH}`
      ? hubspot(req)
      : json(401, {
          status: 'error',
          message: 'The OAuth token used to make this call expired 3 minute(s) ago.',
          correlationId: 'c-expired',
          category: 'EXPIRED_AUTHENTICATION',
        }),
  );
  try {
    let refreshes = 0;
    const { client, logs } = clientFor(server.baseUrl, {
      refreshAccessToken: async () => {
        refreshes++;
        return FRESH;
      },
    });
    const pipelines = await client.dealPipelines();
    assert.equal(pipelines.length, 2);
    assert.equal(refreshes, 1);
    assert.deepEqual(
      server.requests.map((r) => r.headers.authorization),
      [`Bearer ${TOKEN}`, `Bearer ${FRESH}`],
    );
    assert.deepEqual(
      logs.map((l) => [l.event, l.reason]),
      [['refresh', 'EXPIRED_AUTHENTICATION']],
    );
    // without a refresh callback the 401 is the error
    const { client: fixed } = clientFor(server.baseUrl);
    await assert.rejects(
      fixed.dealPipelines(),
      (err: unknown) => err instanceof HubSpotApiError && err.category === 'EXPIRED_AUTHENTICATION',
    );
  } finally {
    await server.close();
  }
});
