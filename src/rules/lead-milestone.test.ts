import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rebuild } from '../derive/derive.js';
import { withPropertyStore, PROPERTY_TIMEOUT_MS, storeRuns } from '../test-helpers/store.js';
import { leadOf, type LeadCandidate } from './lead-milestone.js';

test('leadOf: the first lead event sets the time; a form, chat or call within the minute names the source before an identify', () => {
  const e = (
    messageId: string,
    ts: number,
    type: string,
    event: string | null = null,
    email: string | null = null,
  ): LeadCandidate => ({ messageId, ts, type, event, email, phone: null });
  assert.equal(leadOf([e('1', 0, 'page'), e('2', 5, 'track', 'Clicked')]), undefined);
  assert.deepEqual(
    leadOf([e('1', 1000, 'identify', null, 'a@x.io'), e('2', 30_000, 'track', 'Form Submitted')]),
    { at: 1000, source: 'form', messageId: '2' },
  );
  assert.deepEqual(
    leadOf([e('1', 1000, 'identify', null, 'a@x.io'), e('2', 62_000, 'track', 'chat_started')]),
    { at: 1000, source: 'identify', messageId: '1' },
  );
  assert.equal(
    leadOf([e('1', 1000, 'identify')]),
    undefined,
    'an identify without e-mail or phone makes no lead',
  );
  assert.deepEqual(leadOf([e('1', 9000, 'track', 'Phone Call')]), {
    at: 9000,
    source: 'call',
    messageId: '1',
  });
});

const eventArb = fc.record({
  anon: fc.constantFrom('a1', 'a2', 'a3', 'a4'),
  second: fc.integer({ min: 0, max: 240 }),
  kind: fc.constantFrom(
    'page',
    'identify-email',
    'identify-phone',
    'identify-bare',
    'form_submitted',
    'Form Submitted',
    'Chat Started',
    'phone_call',
    'Phone Call',
    'Clicked',
  ),
});

test(
  "the engine derives each person's lead exactly as the JavaScript reference does, on random histories loaded through the bulk path",
  { timeout: PROPERTY_TIMEOUT_MS },
  async () => {
    await withPropertyStore(async (nextRun) => {
      await fc.assert(
        fc.asyncProperty(fc.array(eventArb, { minLength: 1, maxLength: 30 }), async (drawn) => {
          const { store, workspaceId: ws, load } = await nextRun();
          const base = Date.parse('2026-04-01T09:00:00Z');
          // each anonymous id has its own e-mail and phone, so each is one person
          const events = drawn.map((d, i) => {
            const messageId = `m${String(i).padStart(3, '0')}`;
            const timestamp = new Date(base + d.second * 1000).toISOString();
            const common = { messageId, anonymousId: d.anon, timestamp };
            if (d.kind === 'page')
              return { ...common, type: 'page', context: { page: { url: 'https://acme.io/' } } };
            if (d.kind.startsWith('identify')) {
              const traits =
                d.kind === 'identify-email'
                  ? { email: `${d.anon}@acme.io` }
                  : d.kind === 'identify-phone'
                    ? { phone: `+4420790000${d.anon.slice(1)}0` }
                    : { plan: 'free' };
              return { ...common, type: 'identify', traits };
            }
            return { ...common, type: 'track', event: d.kind };
          });
          assert.equal(await load(events), events.length);
          await rebuild(store, ws);

          for (const anon of new Set(drawn.map((d) => d.anon))) {
            const mine: LeadCandidate[] = events
              .filter((e) => e.anonymousId === anon)
              .map((e) => {
                const traits = (e as { traits?: { email?: string; phone?: string } }).traits;
                return {
                  messageId: e.messageId,
                  ts: Date.parse(e.timestamp),
                  type: e.type,
                  event: (e as { event?: string }).event ?? null,
                  email: traits?.email ?? null,
                  phone: traits?.phone ?? null,
                };
              });
            const want = leadOf(mine);
            const [personId] = await store.personsByIdentifier(ws, 'anonymous_id', anon);
            assert.ok(personId, `${anon} has a person`);
            const journey = await store.personJourney(ws, personId);
            const leads = (journey?.timeline ?? []).flatMap((t) =>
              t.kind === 'milestone' && t.milestone === 'lead' ? [t] : [],
            );
            const got = leads.map((l) => ({
              at: Date.parse(l.at),
              source: l.source,
              messageId: l.messageId,
            }));
            assert.deepEqual(got, want ? [want] : [], anon);
          }
        }),
        { numRuns: storeRuns(50), seed: 20261206 },
      );
    });
  },
);
