import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { classifyLandings, DEFAULT_SESSION_SETTINGS, deriveSessions } from '../derive/sessions.js';
import { anyLandingUrl as anyUrl } from '../test-helpers/landing-urls.js';
import { PROPERTY_TIMEOUT_MS, storeRuns, withPropertyStore } from '../test-helpers/store.js';

test(
  "sessions through the bulk path: each records its landing's click ids, and the landing key its click ids are blinded in classifies as the landing does",
  { timeout: PROPERTY_TIMEOUT_MS },
  async () => {
    const sorted = (o: Readonly<Record<string, string>>) => Object.entries(o).sort();
    await withPropertyStore(async (nextRun) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.tuple(
              anyUrl,
              fc.constantFrom('https://www.facebook.com/', 'https://www.google.com/', ''),
            ),
            { minLength: 1, maxLength: 30 },
          ),
          async (landings) => {
            const { store, workspaceId: ws, load } = await nextRun();
            const events = landings.map(([url, referrer], i) => ({
              type: 'page',
              messageId: `m${i}`,
              anonymousId: `a${i}`,
              timestamp: '2026-05-01T10:00:00Z',
              context: { page: { url, ...(referrer ? { referrer } : {}) } },
            }));
            assert.equal(await load(events), events.length);
            await deriveSessions(store, ws);
            const sessions = await store.listSessions(ws);
            assert.equal(sessions.length, landings.length);
            const want = classifyLandings(
              sessions.map((s) => ({
                landingUrl: s.landingUrl,
                referrer: s.referrer,
                campaignContext: null,
              })),
              DEFAULT_SESSION_SETTINGS,
            );
            assert.deepEqual(
              sessions.map((s) => [s.source, s.medium, s.channel, sorted(s.clickIds)]),
              want.map((a) => [a.source, a.medium, a.channel, sorted(a.clickIds)]),
            );
          },
        ),
        { numRuns: storeRuns(25), seed: 20261206 },
      );
    });
  },
);
