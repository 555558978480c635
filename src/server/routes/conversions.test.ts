// POST /api/conversions on a real server: a chat lead from a visitor the widget knew (by anonymous id)
// and a call from a person known only by e-mail are stored, joined to the visitors' histories and made
// leads credited to the channels that brought them; a conversion sent twice is stored once; bad input is
// a 400 naming the conversion's field, and stores nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientFor, startTestServer } from '../../test-helpers/server.js';

const post = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

test(
  'chat and call conversions become leads on the visitors who came from ads and e-mail; a resend is stored once',
  { timeout: 120_000 },
  async () => {
    const s = await startTestServer();
    const { send, api } = clientFor(s);
    try {
      const visits = await send([
        {
          type: 'page',
          messageId: 'v1',
          anonymousId: 'anon-chat',
          timestamp: '2026-05-01T10:00:00Z',
          context: { page: { url: 'https://acme.io/?gclid=abc' } },
        },
        {
          type: 'page',
          messageId: 'v2',
          anonymousId: 'anon-mail',
          timestamp: '2026-05-02T09:00:00Z',
          context: { page: { url: 'https://acme.io/?utm_source=newsletter&utm_medium=email' } },
        },
        // the newsletter reader once gave an e-mail (a download form)
        {
          type: 'identify',
          messageId: 'v3',
          anonymousId: 'anon-mail',
          timestamp: '2026-05-02T09:01:00Z',
          traits: { email: 'bo@example.com' },
        },
      ]);
      assert.equal(visits.status, 200);
      const body = {
        conversions: [
          {
            id: 'chat-17',
            type: 'chat',
            occurredAt: '2026-05-01T10:03:00Z',
            anonymousId: 'anon-chat',
            email: 'ann@example.com',
          },
          {
            id: 'call-9',
            type: 'call',
            occurredAt: '2026-05-03T15:00:00Z',
            email: 'BO@example.com',
            value: 120,
            currency: 'eur',
          },
        ],
      };
      const res = await api('/api/conversions', post(body));
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { received: 2, accepted: 2, rejected: [] });
      assert.equal((await api('/api/conversions', post(body))).status, 200);
      await s.app.ingest.settle();

      const ws = s.workspace.id;
      // 3 visit events + per conversion an identify and a track, once each
      assert.equal(await s.store.countEvents(ws), 7);
      const call = await s.store.queryEvents(ws, { type: 'track' });
      assert.deepEqual(call.map((e) => [e.event, e.anonymousId]).sort(), [
        ['Chat Started', 'anon-chat'],
        ['Phone Call', 'conversion:call-9'],
      ]);
      // each is a lead of the channel that brought its visitor (the call joined by the e-mail)
      assert.deepEqual(
        (await s.store.leadsByFirstTouchChannel(ws)).sort((a, b) =>
          a.channel.localeCompare(b.channel),
        ),
        [
          { channel: 'Email', leads: 1 },
          { channel: 'Paid Search', leads: 1 },
        ],
      );
      assert.equal(await s.store.countPersons(ws), 2);
    } finally {
      await s.close();
    }
  },
);

test(
  'bad conversions are a 400 naming the field, and nothing is stored',
  { timeout: 120_000 },
  async () => {
    const s = await startTestServer();
    const { api } = clientFor(s);
    try {
      const refused = async (conversion: Record<string, unknown>, field: string) => {
        const res = await api('/api/conversions', post({ conversions: [conversion] }));
        assert.equal(res.status, 400, JSON.stringify(conversion));
        const { error } = (await res.json()) as { error: { field: string; message: string } };
        assert.equal(error.field, field, error.message);
      };
      const ok = { id: 'c1', type: 'chat', occurredAt: '2026-05-01T10:00:00Z', email: 'a@b.co' };
      await refused({ ...ok, email: undefined }, 'conversions[0].email');
      await refused({ ...ok, type: 'sale' }, 'conversions[0].type');
      await refused({ ...ok, value: 10 }, 'conversions[0].currency');
      await refused({ ...ok, password: 'x' }, 'conversions[0]');
      await refused({ ...ok, occurredAt: 'yesterday' }, 'conversions[0].occurredAt');
      const none = await api('/api/conversions', post({ conversions: [] }));
      assert.equal(none.status, 400);
      await s.app.ingest.settle();
      assert.equal(await s.store.countEvents(s.workspace.id), 0);
    } finally {
      await s.close();
    }
  },
);
