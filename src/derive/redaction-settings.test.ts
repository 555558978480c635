import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../config/config.js';
import { withStore } from '../test-helpers/events.js';
import {
  getRedactionSettings,
  RedactionRulesCache,
  RedactionSettings,
  setRedactionSettings,
} from './redaction-settings.js';
import { redactEvent } from '../collect/redact-event.js';

test('redactParams from the environment (comma-separated) or the config file (a list); bad names are refused', () => {
  assert.deepEqual(
    loadConfig({ env: { CLOSEDLOOP_REDACT_PARAMS: 'nonce, member_ref' }, cwd: '/nonexistent' })
      .redactParams,
    ['nonce', 'member_ref'],
  );
  assert.deepEqual(loadConfig({ env: {}, cwd: '/nonexistent' }).redactParams, []);
  assert.deepEqual(
    loadConfig({ env: {}, cwd: '/nonexistent', overrides: { redactParams: ['a[b]'] } })
      .redactParams,
    ['a[b]'],
  );
  for (const bad of ['utm_source', 'has space', 'x'.repeat(65)]) {
    assert.throws(
      () => loadConfig({ env: { CLOSEDLOOP_REDACT_PARAMS: bad }, cwd: '/nonexistent' }),
      (e: unknown) => e instanceof ConfigError && /CLOSEDLOOP_REDACT_PARAMS/.test(e.message),
    );
  }
});

test(
  'settings: validated, stored per workspace, defaults when unset',
  { timeout: 60_000 },
  async () => {
    assert.equal(
      RedactionSettings.safeParse({ params: ['ok'], identifyParam: 'cl_email' }).success,
      true,
    );
    for (const bad of [
      { params: ['utm_x'] },
      { params: ['a b'] },
      { params: ['x'], identifyParam: 'X' },
      { params: Array.from({ length: 101 }, (_, i) => `n${i}`) },
      { other: 1 },
    ]) {
      assert.equal(
        RedactionSettings.safeParse(bad).success,
        false,
        JSON.stringify(bad).slice(0, 60),
      );
    }
    await withStore(async (store) => {
      assert.deepEqual(await getRedactionSettings(store, 'w'), { params: [], identifyParam: null });
      await setRedactionSettings(store, 'w', { params: ['nonce'], identifyParam: 'cl_email' });
      assert.deepEqual(await getRedactionSettings(store, 'w'), {
        params: ['nonce'],
        identifyParam: 'cl_email',
      });
    });
  },
);

test(
  'the live cache: configuration and workspace names apply; invalidate picks a change up at once',
  { timeout: 60_000 },
  async () => {
    await withStore(async (store) => {
      const cache = new RedactionRulesCache(store, ['member_ref'], 60_000);
      const emitted: unknown[] = [];
      // as the live path does (collect/accept-batch.ts): the cached rules, then the one redaction function
      const apply = async (event: Record<string, unknown>) => {
        const r = redactEvent(event, await cache.rulesFor('w'));
        if (r.identify) emitted.push(r.identify);
        return r.event;
      };
      const page = {
        type: 'page',
        anonymousId: 'a',
        context: { page: { url: 'https://x.test/?member_ref=1&nonce=2&cl_email=a%40b.io' } },
      };
      assert.equal(cache.cached('w'), undefined, 'nothing cached before the first read');
      const first = await apply(page);
      const rules = cache.cached('w');
      assert.ok(rules, 'the read rules are cached');
      assert.equal(await cache.rulesFor('w'), rules, 'rulesFor answers from the cache too');
      assert.equal(
        (first.context as { page: { url: string } }).page.url,
        'https://x.test/?member_ref=[redacted]&nonce=2&cl_email=[email]',
      );
      await setRedactionSettings(store, 'w', { params: ['nonce'], identifyParam: 'cl_email' });
      const cached = await apply(page);
      assert.equal(
        (cached.context as { page: { url: string } }).page.url,
        'https://x.test/?member_ref=[redacted]&nonce=2&cl_email=[email]',
        'cached until invalidated',
      );
      cache.invalidate('w');
      assert.equal(cache.cached('w'), undefined, 'invalidated');
      const fresh = await apply(page);
      assert.equal(
        (fresh.context as { page: { url: string } }).page.url,
        'https://x.test/?member_ref=[redacted]&nonce=[redacted]',
      );
      assert.equal(emitted.length, 1);
    });
  },
);
