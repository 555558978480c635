import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  basicAuth,
  pageCall,
  startTestServer,
  type TestServer,
} from '../../test-helpers/server.js';
import { scanDatabase } from '../../test-helpers/scan-db.js';

interface Created {
  workspace: { id: string; name: string; writeKey: string };
  secretKey: string;
}

const admin = (s: TestServer, path: string, init: RequestInit = {}) =>
  fetch(`${s.base}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${s.adminToken}`,
      ...(init.body && typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}),
      ...(init.headers ?? {}),
    },
  });
// the body is always read: a response left unread holds its connection open, and the server's close waits for it
const withKey = async (s: TestServer, key: string, path: string) => {
  const res = await fetch(`${s.base}${path}`, { headers: { authorization: `Bearer ${key}` } });
  const text = await res.text();
  return { status: res.status, json: async () => JSON.parse(text) as unknown };
};

const ndjson = (lines: unknown[]) => lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
const identifyCall = (id: string, anon: string, at: string, email: string) => ({
  type: 'identify',
  messageId: id,
  anonymousId: anon,
  timestamp: at,
  traits: { email },
});

test('workspaces over HTTP: create (secret key once), list (never a secret key), rotate-key (the old key stops), delete', async () => {
  const s = await startTestServer();
  try {
    const bad = await admin(s, '/api/workspaces', {
      method: 'POST',
      body: JSON.stringify({ name: 'Acme', currency: 'NOPE', timezone: 'UTC' }),
    });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { field: string } }).error.field, 'currency');

    const res = await admin(s, '/api/workspaces', {
      method: 'POST',
      body: JSON.stringify({ name: 'Acme', currency: 'gbp', timezone: 'Europe/London' }),
    });
    assert.equal(res.status, 201);
    const created = (await res.json()) as Created & { workspace: { currency: string } };
    assert.equal(created.workspace.currency, 'GBP');
    assert.equal((await withKey(s, created.secretKey, '/api/events')).status, 200);

    const listed = await admin(s, '/api/workspaces');
    const text = await listed.text();
    assert.deepEqual(
      (JSON.parse(text) as { workspaces: { id: string }[] }).workspaces.map((w) => w.id).sort(),
      [s.workspace.id, created.workspace.id].sort(),
    );
    assert.ok(!text.includes(created.secretKey) && !text.includes('secret'), text);

    const rotated = await admin(s, `/api/workspaces/${created.workspace.id}/rotate-key`, {
      method: 'POST',
    });
    assert.equal(rotated.status, 200);
    const { secretKey } = (await rotated.json()) as { secretKey: string };
    assert.notEqual(secretKey, created.secretKey);
    assert.equal((await withKey(s, created.secretKey, '/api/events')).status, 401);
    assert.equal((await withKey(s, secretKey, '/api/events')).status, 200);
    // the other workspace's key is untouched
    assert.equal((await withKey(s, s.secretKey, '/api/events')).status, 200);
    assert.equal(
      (await admin(s, '/api/workspaces/ws_missing/rotate-key', { method: 'POST' })).status,
      404,
    );
  } finally {
    await s.close();
  }
});

test('an NDJSON file streamed to the import route is imported as the CLI imports it, then seen through the API', async () => {
  const s = await startTestServer();
  try {
    const file = ndjson([
      pageCall(
        'i1',
        'anon-1',
        '2026-01-01T00:00:00Z',
        'https://shop.example/?utm_source=google&utm_medium=cpc&token=hunter2',
      ),
      { type: 'track', messageId: 'i2', anonymousId: 'anon-1', timestamp: '2026-01-01T00:00:01Z' },
      identifyCall('i3', 'anon-1', '2026-01-01T00:00:02Z', 'ann@example.com'),
    ]);
    const post = (body: Blob | string, headers: Record<string, string>) =>
      admin(s, `/api/workspaces/${s.workspace.id}/import`, { method: 'POST', body, headers });
    const res = await post(file, { 'content-type': 'application/x-ndjson' });
    assert.equal(res.status, 200);
    const r = (await res.json()) as {
      received: number;
      inserted: number;
      duplicates: number;
      rejectedCount: number;
      rejected: { line: number; field: string }[];
    };
    assert.deepEqual([r.received, r.inserted, r.duplicates, r.rejectedCount], [3, 2, 0, 1]);
    assert.deepEqual(
      r.rejected.map((x) => [x.line, x.field]),
      [[2, 'event']],
    );
    // the same file again, gzipped: everything already present
    const again = (await (
      await post(new Blob([gzipSync(file)]), {
        'content-type': 'application/x-ndjson',
        'content-encoding': 'gzip',
      })
    ).json()) as { inserted: number; duplicates: number };
    assert.deepEqual([again.inserted, again.duplicates], [0, 2]);
    // the upload is gone from the data directory
    assert.deepEqual(
      existsSync(join(s.dir, 'imports')) ? readdirSync(join(s.dir, 'imports')) : [],
      [],
    );
    // imported, redacted (as the CLI's import does) and derived: the person is found by e-mail
    const events = (await (await withKey(s, s.secretKey, '/api/events')).json()) as {
      events: { messageId: string; context: unknown }[];
    };
    assert.deepEqual(events.events.map((e) => e.messageId).sort(), ['i1', 'i3']);
    assert.ok(!JSON.stringify(events).includes('hunter2'), 'the token parameter is redacted');
    const people = (await (
      await withKey(s, s.secretKey, '/api/people?email=ann@example.com')
    ).json()) as { people: unknown[] };
    assert.equal(people.people.length, 1);
    // a rebuild re-derives the same rows from the same facts
    const rebuilt = await admin(s, `/api/workspaces/${s.workspace.id}/rebuild`, { method: 'POST' });
    assert.equal(rebuilt.status, 200);
    const { summary } = (await rebuilt.json()) as {
      summary: { sessions: number; identity: { persons: number } };
    };
    assert.deepEqual([summary.sessions, summary.identity.persons], [1, 1]);
    assert.equal(
      (await admin(s, '/api/workspaces/ws_missing/rebuild', { method: 'POST' })).status,
      404,
    );
    // a JSON body is not an import
    assert.equal((await post('{}', { 'content-type': 'application/json' })).status, 415);
    assert.equal(
      (
        await admin(s, '/api/workspaces/ws_missing/import', {
          method: 'POST',
          body: file,
          headers: { 'content-type': 'application/x-ndjson' },
        })
      ).status,
      404,
    );
  } finally {
    await s.close();
  }
});

test('deleting a workspace removes every row that names it and stops its keys; other workspaces keep theirs', async () => {
  const s = await startTestServer();
  try {
    const res = await admin(s, '/api/workspaces', {
      method: 'POST',
      body: JSON.stringify({ name: 'Gone', currency: 'USD', timezone: 'UTC' }),
    });
    const gone = (await res.json()) as Created;
    const id = gone.workspace.id;
    // facts by both paths (live ingestion and a file), a setting, derived rows
    const sent = await fetch(`${s.base}/v1/batch`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: basicAuth(gone.workspace.writeKey),
      },
      body: JSON.stringify({
        batch: [
          pageCall('g1', 'anon-g', '2026-01-02T00:00:00Z', 'https://gone.example/'),
          identifyCall('g2', 'anon-g', '2026-01-02T00:00:01Z', 'gone-person@example.com'),
        ],
      }),
    });
    assert.equal(sent.status, 200);
    await admin(s, `/api/workspaces/${id}/import`, {
      method: 'POST',
      body: ndjson([pageCall('g3', 'anon-h', '2026-01-03T00:00:00Z', 'https://gone.example/x')]),
      headers: { 'content-type': 'application/x-ndjson' },
    });
    assert.equal(
      (
        await admin(s, '/api/privacy/redaction', {
          method: 'PUT',
          body: JSON.stringify({ params: ['ref'] }),
          headers: { 'x-closedloop-workspace': id },
        })
      ).status,
      200,
    );
    // the test workspace has data of its own
    await fetch(`${s.base}/v1/batch`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: basicAuth(s.workspace.writeKey),
      },
      body: JSON.stringify({
        batch: [identifyCall('k1', 'anon-k', '2026-01-02T00:00:00Z', 'kept@example.com')],
      }),
    });
    await s.app.ingest.settle();
    const before = await scanDatabase(s.store, [
      id,
      'gone-person@example.com',
      s.workspace.id,
      'kept@example.com',
    ]);
    assert.ok(before.get(id)!.length > 3, JSON.stringify(before.get(id)));
    assert.ok(before.get('gone-person@example.com')!.length > 0);

    const del = await admin(s, `/api/workspaces/${id}`, { method: 'DELETE' });
    assert.equal(del.status, 200);
    const { removed } = (await del.json()) as { removed: Record<string, number> };
    assert.equal(removed.workspaces, 1);
    assert.equal(removed.events, 3);
    await s.app.ingest.settle();
    const after = await scanDatabase(s.store, [
      id,
      'gone-person@example.com',
      s.workspace.id,
      'kept@example.com',
    ]);
    assert.deepEqual(after.get(id), []);
    assert.deepEqual(after.get('gone-person@example.com'), []);
    assert.deepEqual(after.get(s.workspace.id), before.get(s.workspace.id));
    assert.deepEqual(after.get('kept@example.com'), before.get('kept@example.com'));
    // its keys stop at once
    assert.equal((await withKey(s, gone.secretKey, '/api/events')).status, 401);
    const late = await fetch(`${s.base}/v1/batch`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: basicAuth(gone.workspace.writeKey),
      },
      body: JSON.stringify({
        batch: [pageCall('g4', 'anon-g', '2026-01-04T00:00:00Z', 'https://gone.example/')],
      }),
    });
    assert.equal(late.status, 401);
    assert.equal((await admin(s, `/api/workspaces/${id}`, { method: 'DELETE' })).status, 404);
  } finally {
    await s.close();
  }
});
