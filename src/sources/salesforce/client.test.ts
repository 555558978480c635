// The REST/SOQL client against a real local HTTP server that replays Salesforce's query pages (the
// fixtures), its OAuth token endpoint, its limits and its failures. Waits are recorded, not waited.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { json, text } from '../../test-helpers/replay-server.js';
import { SF, salesforceFixture } from '../../test-helpers/salesforce-fixtures.js';
import { type SalesforceBackfillPage, type SalesforceCursor } from './client-types.js';
import { SalesforceApiError } from './client.js';

import {
  CLIENT_SECRET,
  LOCATOR,
  NEW_TOKEN,
  OLD_TOKEN,
  REFRESH,
  ROTATED,
  clientFor,
  collect,
  fromOf,
  replay,
  salesforce,
  sessionExpired,
  soqlOf,
  summary,
} from '../../test-helpers/salesforce-replay.js';

test('a backfill reads each object by SOQL in SystemModstamp order, following nextRecordsUrl', async () => {
  const server = await replay(salesforce(new Set([NEW_TOKEN])));
  try {
    const { client, sleeps } = clientFor(server.baseUrl, {
      multiCurrency: true,
      extraFields: { Lead: ['Closedloop_Anonymous_Id__c'], Opportunity: ['Loss_Reason__c'] },
      batchSize: 500,
    });
    const pages = await collect(client.backfill());
    assert.deepEqual(pages.map(summary), [
      ['Lead', 'ADA001,GRACE1', 'Lead:locator:2026-01-12T16:45:00.000Z'],
      ['Lead', 'ALAN01', 'Contact::2026-02-03T09:00:00.000Z'],
      ['Contact', 'ADA001,GLOBX1', 'Opportunity::2026-02-05T10:00:00.000Z'],
      ['Opportunity', 'DEAL01,DEAL02', 'OpportunityHistory::2026-03-02T17:30:00.000Z'],
      [
        'OpportunityHistory',
        'H00001,H00002,H00003,H00004,H00005,H00006,H00007',
        'OpportunityContactRole::2026-03-02T17:30:00.000Z',
      ],
      ['OpportunityContactRole', 'R00001,R00002', 'done::2026-02-05T10:00:00.000Z'],
    ]);
    assert.deepEqual(sleeps, []);
    const opp = pages[3]!;
    assert.equal(opp.object, 'Opportunity');
    if (opp.object === 'Opportunity')
      assert.equal(opp.records[1]!.Loss_Reason__c, 'Went with a competitor');
    const [lead, locator, contact, opportunity] = server.requests;
    assert.equal(lead!.url.pathname, '/services/data/v62.0/query');
    assert.equal(
      soqlOf(lead!),
      'SELECT Id, Email, Phone, MobilePhone, FirstName, LastName, Company, Status, LeadSource, IsConverted, ConvertedDate, ConvertedContactId, ConvertedAccountId, ConvertedOpportunityId, CreatedDate, LastModifiedDate, SystemModstamp, Closedloop_Anonymous_Id__c FROM Lead ORDER BY SystemModstamp ASC, Id ASC',
    );
    assert.equal(locator!.url.pathname, LOCATOR);
    assert.match(soqlOf(contact!), /FROM Contact ORDER BY SystemModstamp ASC, Id ASC$/);
    assert.match(soqlOf(opportunity!), /, CurrencyIsoCode, Loss_Reason__c FROM Opportunity /);
    for (const r of server.requests) {
      assert.equal(r.headers.authorization, `Bearer ${NEW_TOKEN}`);
      assert.equal(r.headers['sforce-query-options'], 'batchSize=500');
      assert.ok(!r.url.search.includes(NEW_TOKEN.slice(20)));
    }
    // queryAll, with IsDeleted, when deleted records are asked for
    const { client: all } = clientFor(server.baseUrl, { includeDeleted: true });
    await collect(all.query('Contact', all.soqlFor('Contact')));
    const last = server.requests.at(-1)!;
    assert.equal(last.url.pathname, '/services/data/v62.0/queryAll');
    assert.match(soqlOf(last), /, IsDeleted FROM Contact/);
  } finally {
    await server.close();
  }
});

test('a 401 INVALID_SESSION_ID refreshes the token once (shared by concurrent requests) and retries once', async () => {
  const accepted = new Set<string>(); // the old token is already expired
  const server = await replay(salesforce(accepted, true));
  try {
    const { client, tokens, logs } = clientFor(server.baseUrl, {
      accessToken: OLD_TOKEN,
      oauth: {
        refreshToken: REFRESH,
        clientId: '3MVG9lKcPoNINVB',
        clientSecret: CLIENT_SECRET,
        loginUrl: server.baseUrl,
      },
    });
    const [stages, statuses] = await Promise.all([
      client.opportunityStages(),
      client.leadStatuses(),
    ]);
    assert.equal(stages.length, 12);
    assert.equal(statuses.length, 6);
    const posts = server.requests.filter((r) => r.method === 'POST');
    assert.equal(posts.length, 1, 'one refresh for both requests');
    assert.equal(posts[0]!.headers['content-type'], 'application/x-www-form-urlencoded');
    const form = Object.fromEntries(new URLSearchParams(posts[0]!.body));
    assert.deepEqual(form, {
      grant_type: 'refresh_token',
      refresh_token: REFRESH,
      client_id: '3MVG9lKcPoNINVB',
      client_secret: CLIENT_SECRET,
    });
    // each request: once with the old token (401), once with the new one
    const gets = server.requests.filter((r) => r.method === 'GET');
    assert.deepEqual(
      gets.map((r) => [fromOf(r), r.headers.authorization === `Bearer ${NEW_TOKEN}`]).sort(),
      [
        ['LeadStatus', false],
        ['LeadStatus', true],
        ['OpportunityStage', false],
        ['OpportunityStage', true],
      ],
    );
    // the rotated refresh token is handed on to be stored, and used next time
    assert.deepEqual(tokens, [
      {
        accessToken: NEW_TOKEN,
        refreshToken: ROTATED,
        instanceUrl: 'https://acme.my.salesforce.com',
        issuedAt: 1767607200000,
      },
    ]);
    assert.deepEqual(
      logs.map((l) => [l.event, l.reason]),
      [['refresh', 'INVALID_SESSION_ID']],
    );
    accepted.clear();
    await client.byIds('Contact', [SF.adaContact]);
    const second = server.requests.filter((r) => r.method === 'POST')[1]!;
    assert.equal(new URLSearchParams(second.body).get('refresh_token'), ROTATED);
  } finally {
    await server.close();
  }
});

test('without an access token the client refreshes first; a session that stays invalid fails after one retry', async () => {
  let refreshes = 0;
  const server = await replay((req) => {
    if (req.method === 'POST') {
      refreshes++;
      return json(200, salesforceFixture('token.refresh'));
    }
    return json(401, sessionExpired); // even the new token
  });
  try {
    const { client } = clientFor(server.baseUrl, {
      accessToken: undefined,
      oauth: { refreshToken: REFRESH, clientId: 'cid', loginUrl: server.baseUrl },
    });
    await assert.rejects(client.leadStatuses(), (err: unknown) => {
      assert.ok(err instanceof SalesforceApiError);
      assert.equal(err.status, 401);
      assert.equal(err.errorCode, 'INVALID_SESSION_ID');
      return true;
    });
    // the first refresh for no token, one more for the 401, and no loop
    assert.equal(refreshes, 2);
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.url.pathname}`),
      [
        'POST /services/oauth2/token',
        'GET /services/data/v62.0/query',
        'POST /services/oauth2/token',
        'GET /services/data/v62.0/query',
      ],
    );
    // no refresh token: the 401 is the error
    const { client: plain } = clientFor(server.baseUrl, { accessToken: OLD_TOKEN });
    await assert.rejects(plain.leadStatuses(), /no refresh token is configured/);
  } finally {
    await server.close();
  }
});

test('429 waits as Retry-After says; REQUEST_LIMIT_EXCEEDED backs off unless the daily total is spent; a 500 backs off', async () => {
  const seen = new Map<string, number>();
  const base = salesforce(new Set([NEW_TOKEN]));
  const server = await replay((req) => {
    const from = fromOf(req);
    const n = (seen.get(from) ?? 0) + 1;
    seen.set(from, n);
    if (from === 'Lead' && n === 1)
      return json(429, [{ message: 'Too many requests', errorCode: 'REQUEST_LIMIT_EXCEEDED' }], {
        'retry-after': '3',
      });
    if (from === 'Contact' && n <= 2)
      return json(403, [
        { message: 'ConcurrentPerOrgLongTxn Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
      ]);
    if (from === 'Opportunity' && n === 1) {
      return text(500, '<html>Internal Server Error</html>');
    }
    if (from === 'OpportunityHistory')
      return json(403, [
        { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
      ]);
    return base(req);
  });
  try {
    const { client, sleeps, logs } = clientFor(server.baseUrl);
    const pages: SalesforceBackfillPage[] = [];
    let cursor: SalesforceCursor | null = null;
    await assert.rejects(
      (async () => {
        for await (const p of client.backfill()) {
          pages.push(p);
          cursor = p.cursor;
        }
      })(),
      (err: unknown) => {
        assert.ok(err instanceof SalesforceApiError);
        assert.equal(err.status, 403);
        assert.equal(err.errorCode, 'REQUEST_LIMIT_EXCEEDED');
        assert.equal(err.attempts, 1, 'the daily total is not retried');
        assert.match(
          err.message,
          /query \(OpportunityHistory\) answered 403 \(REQUEST_LIMIT_EXCEEDED\): TotalRequests Limit exceeded\.$/,
        );
        return true;
      },
    );
    assert.deepEqual(
      pages.map((p) => p.object),
      ['Lead', 'Lead', 'Contact', 'Opportunity'],
    );
    assert.equal(cursor!.stage, 'OpportunityHistory');
    // 429: Retry-After; 403 concurrency: 500 ms then 1 s (backoff, no jitter); 500: 500 ms
    assert.deepEqual(sleeps, [3000, 500, 1000, 500]);
    assert.deepEqual(
      logs.map((l) => [l.status, l.attempt, l.reason]),
      [
        [429, 1, 'Retry-After'],
        [403, 1, 'HTTP 403 REQUEST_LIMIT_EXCEEDED'],
        [403, 2, 'HTTP 403 REQUEST_LIMIT_EXCEEDED'],
        [500, 1, 'HTTP 500'],
      ],
    );
  } finally {
    await server.close();
  }
});

test('a backfill resumes from its cursor: the locator, or from SystemModstamp once the locator expired', async () => {
  let broken = true;
  let locatorExpired = false;
  const base = salesforce(new Set([NEW_TOKEN]));
  const server = await replay((req) => {
    if (broken && fromOf(req) === 'locator')
      return json(503, [{ message: 'Server Unavailable', errorCode: 'SERVER_UNAVAILABLE' }]);
    if (locatorExpired && fromOf(req) === 'locator') {
      locatorExpired = false; // the fresh query's own locator is live
      return json(400, [{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }]);
    }
    return base(req);
  });
  try {
    const { client, sleeps, logs } = clientFor(server.baseUrl, { maxRetries: 1 });
    let cursor: SalesforceCursor | null = null;
    const stored: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const p of client.backfill()) {
          stored.push(...p.records.map((r) => r.Id));
          cursor = p.cursor; // saved with the rows
        }
      })(),
      (err: unknown) =>
        err instanceof SalesforceApiError && err.status === 503 && err.attempts === 2,
    );
    assert.deepEqual(sleeps, [500]);
    const saved = JSON.parse(JSON.stringify(cursor)) as SalesforceCursor;
    assert.deepEqual(saved, {
      stage: 'Lead',
      nextRecordsUrl: LOCATOR,
      since: { Lead: '2026-01-12T16:45:00.000Z' },
    });
    // resumed from the locator: the next page, then the other objects
    broken = false;
    const before = server.requests.length;
    const resumed = await collect(client.backfill({ cursor: saved }));
    assert.deepEqual(
      resumed.map((p) => p.object),
      ['Lead', 'Contact', 'Opportunity', 'OpportunityHistory', 'OpportunityContactRole'],
    );
    assert.equal(server.requests[before]!.url.pathname, LOCATOR);
    const done = resumed.at(-1)!.cursor;
    assert.equal(done.stage, 'done');
    // an expired locator reads the object again from its watermark (inclusive, seconds)
    locatorExpired = true;
    const mark = server.requests.length;
    const again = await collect(client.backfill({ cursor: saved }));
    assert.deepEqual(
      again.slice(0, 2).map((p) => p.records.length),
      [2, 1],
    );
    assert.deepEqual(
      server.requests.slice(mark, mark + 2).map((r) => fromOf(r)),
      ['locator', 'Lead'],
    );
    assert.match(
      soqlOf(server.requests[mark + 1]!),
      / FROM Lead WHERE SystemModstamp >= 2026-01-12T16:45:00Z ORDER BY/,
    );
    assert.equal(logs.at(-1)!.reason, 'INVALID_QUERY_LOCATOR: reading again from SystemModstamp');
    // a done cursor reads nothing; its next pass reads every object from its watermark
    assert.deepEqual(await collect(client.backfill({ cursor: done })), []);
    const next = client.nextPass(done);
    assert.deepEqual(next, { stage: 'Lead', nextRecordsUrl: null, since: done.since });
    const passStart = server.requests.length;
    await collect(client.backfill({ cursor: next }));
    assert.deepEqual(
      server.requests
        .slice(passStart)
        .map((r) => /WHERE (.*) ORDER BY/.exec(soqlOf(r))?.[1] ?? fromOf(r)),
      [
        'SystemModstamp >= 2026-02-03T09:00:00Z',
        'locator', // the replay's first page of leads names its next page
        'SystemModstamp >= 2026-02-05T10:00:00Z',
        'SystemModstamp >= 2026-03-02T17:30:00Z',
        'SystemModstamp >= 2026-03-02T17:30:00Z',
        'SystemModstamp >= 2026-02-05T10:00:00Z',
      ],
    );
  } finally {
    await server.close();
  }
});
