// The Salesforce client's re-fetches and checks against a real local replay server: records by id,
// query locators kept on the API, secrets kept out of every message, options checked up front.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { json, text } from '../../test-helpers/replay-server.js';
import { SF } from '../../test-helpers/salesforce-fixtures.js';
import { createSalesforceClient } from './client.js';
import {
  CLIENT_SECRET,
  NEW_TOKEN,
  OLD_TOKEN,
  REFRESH,
  clientFor,
  collect,
  fromOf,
  replay,
  salesforce,
  soqlOf,
} from '../../test-helpers/salesforce-replay.js';

test('re-fetches by id: opportunities with their history and contact roles; ids are checked', async () => {
  const server = await replay(salesforce(new Set([NEW_TOKEN])));
  try {
    const { client } = clientFor(server.baseUrl);
    const details = await client.opportunityDetails([SF.acmeDeal, SF.globexDeal, SF.acmeDeal]);
    assert.equal(details.opportunities.length, 2);
    assert.equal(details.history.length, 7);
    assert.equal(details.contactRoles.length, 2);
    assert.deepEqual(
      server.requests.map((r) => /WHERE (\w+) IN \(([^)]*)\)/.exec(soqlOf(r))?.slice(1)),
      [
        ['Id', `'${SF.acmeDeal}', '${SF.globexDeal}'`],
        ['OpportunityId', `'${SF.acmeDeal}', '${SF.globexDeal}'`],
        ['OpportunityId', `'${SF.acmeDeal}', '${SF.globexDeal}'`],
      ],
    );
    // 201 ids take two queries
    const many = Array.from(
      { length: 201 },
      (_, i) => `0065e0000D${String(i).padStart(5, '0')}AAA`,
    );
    await client.byIds('Opportunity', many);
    assert.equal(server.requests.length, 5);
    await assert.rejects(client.byIds('Lead', ["x' OR Name != '"]), TypeError);
    assert.equal(server.requests.length, 5, 'nothing sent for a bad id');
  } finally {
    await server.close();
  }
});

test('a query locator outside the API is never followed (the token would go with it)', async () => {
  const server = await replay(() =>
    json(200, {
      totalSize: 4,
      done: false,
      nextRecordsUrl: 'https://evil.example/services/data/v62.0/query/x',
      records: [],
    }),
  );
  try {
    const { client } = clientFor(server.baseUrl);
    await assert.rejects(
      collect(client.query('Lead', 'SELECT Id FROM Lead')),
      /refusing to follow a query locator/,
    );
    await assert.rejects(
      collect(
        client.backfill({
          cursor: { stage: 'Lead', nextRecordsUrl: '//evil.example/x', since: {} },
        }),
      ),
      /refusing to follow a query locator/,
    );
    assert.equal(server.requests.length, 1);
  } finally {
    await server.close();
  }
});

test('tokens and secrets appear in no error, log entry or inspected client, even when a server echoes them', async () => {
  const server = await replay((req) => {
    if (req.method === 'POST') {
      return json(400, {
        error: 'invalid_grant',
        error_description: `bad refresh_token=${REFRESH}&client_secret=${CLIENT_SECRET}`,
      });
    }
    if (fromOf(req) === 'Lead')
      return json(401, [
        { message: `Session ${OLD_TOKEN} expired`, errorCode: 'INVALID_SESSION_ID' },
      ]);
    return text(502, `<html>bad gateway for Authorization: Bearer ${OLD_TOKEN}</html>`);
  });
  try {
    const { client, logs } = clientFor(server.baseUrl, {
      accessToken: OLD_TOKEN,
      maxRetries: 1,
      oauth: {
        refreshToken: REFRESH,
        clientId: 'cid',
        clientSecret: CLIENT_SECRET,
        loginUrl: server.baseUrl,
      },
    });
    const errors: unknown[] = [];
    await collect(client.query('Lead', 'SELECT Id FROM Lead')).catch((e: unknown) =>
      errors.push(e),
    );
    await collect(client.query('Contact', 'SELECT Id FROM Contact')).catch((e: unknown) =>
      errors.push(e),
    );
    assert.equal(errors.length, 2);
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
    for (const secret of [OLD_TOKEN, REFRESH, CLIENT_SECRET])
      for (const part of [secret, secret.slice(10, 40)])
        assert.ok(!seen.includes(part), `leaked ${part}`);
    assert.match(
      String(errors[0]),
      /oauth2\/token answered 400 \(invalid_grant\): bad refresh_token=\[secret\]&client_secret=\[secret\]$/,
    );
    assert.match(
      String(errors[1]),
      /answered 502: <html>bad gateway for Authorization: Bearer \[secret\]<\/html> after 2 attempts$/,
    );
  } finally {
    await server.close();
  }
});

test('options are checked before any request', () => {
  assert.throws(
    () => createSalesforceClient({ instanceUrl: 'ftp://x', accessToken: 't' }),
    /http\(s\) origin/,
  );
  assert.throws(
    () =>
      createSalesforceClient({ instanceUrl: 'https://x.my.salesforce.com/path', accessToken: 't' }),
    /origin/,
  );
  assert.throws(
    () => createSalesforceClient({ instanceUrl: 'https://x.my.salesforce.com' }),
    /access token or a refresh token/,
  );
  assert.throws(
    () =>
      createSalesforceClient({
        instanceUrl: 'https://x.my.salesforce.com',
        accessToken: 't',
        apiVersion: 'v62',
      }),
    /NN\.N/,
  );
  assert.throws(
    () =>
      createSalesforceClient({
        instanceUrl: 'https://x.my.salesforce.com',
        accessToken: 't',
        extraFields: { Lead: ['Id FROM User --'] },
      }),
    /is not a field/,
  );
});
