import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fn, sql } from '../store/engines/neutral/sql.js';
import { withClickIdsSql } from '../store/engines/neutral/url-params.js';
import { queryData } from '../test-helpers/engine-access.js';
import { rowsRelation } from '../test-helpers/engine-values.js';
import { openTestStore, PROPERTY_TIMEOUT_MS, storeRuns } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import type { Store } from '../store/store.js';
import { anyLandingUrl as anyUrl } from '../test-helpers/landing-urls.js';
import { CLICK_ID_PARAMS, clickIdsOf } from './campaign-params.js';

test('clickIdsOf: names in any case and trimmed, values decoded and trimmed, the first non-empty value of each', () => {
  assert.deepEqual(clickIdsOf('https://a.example/?GCLID=&gclid=%20x+y%20&gclid=z&utm_source=g'), {
    gclid: 'x y',
  });
  assert.deepEqual(clickIdsOf('https://a.example/?g%63lid=1&%20fbclid=2&foo=3#msclkid=4'), {
    gclid: '1',
    fbclid: '2',
  });
  assert.deepEqual(clickIdsOf('https://a.example/?gclid=%E9%80%41'), { gclid: '\ufffdA' });
  assert.deepEqual(clickIdsOf('http://[bad/?gclid=1'), {}, 'a URL that does not parse has none');
  assert.deepEqual(clickIdsOf(null), {});
});

/** The engine's click ids of each URL, through the SQL the sessions derive runs. */
async function engineClickIds(store: Store, urls: readonly string[]): Promise<unknown[]> {
  const staged = sql`(SELECT i, v AS landing_url FROM (${rowsRelation(urls.map((v) => ({ v })))}) u)`;
  const rows = await queryData(
    store,
    sql`SELECT i, ${fn.jsonAsText('click_ids')} AS click_ids FROM ${withClickIdsSql(staged, CLICK_ID_PARAMS)} c ORDER BY i`,
  );
  return rows.map((r) => JSON.parse(String(r.click_ids)) as unknown);
}

test('hand cases on the engine: ill-formed UTF-8, escaped and padded names, a second ? and tabs in the URL', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    const urls = [
      'https://a.example/?gclid=%E9',
      'https://a.example/?gclid=%E0%A0&fbclid=%F0%9F%98%80%C3',
      'https://a.example/?g%63lid=1&%20msclkid%09=2&ttclid=%09',
      'https://a.example/?a=1?gclid=2',
      'https://a.example/?gc\tlid=3\n',
      'https://a.example/?MSCL\u212aID=k&GCL\u0130D=i',
      'a.example/x?gclid=%zz%',
    ];
    assert.deepEqual(
      await engineClickIds(store, urls),
      urls.map((u) => clickIdsOf(u)),
    );
  } finally {
    await store.close();
    cleanup();
  }
});

test(
  'the engine reads the click ids of a landing exactly as the JavaScript reference does, on arbitrary URLs',
  { timeout: PROPERTY_TIMEOUT_MS },
  async () => {
    const { dir, cleanup } = tempDir();
    const store = await openTestStore(dir);
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(anyUrl, { minLength: 1, maxLength: 30 }), async (urls) => {
          assert.deepEqual(
            await engineClickIds(store, urls),
            urls.map((u) => clickIdsOf(u)),
          );
        }),
        { numRuns: storeRuns(200), seed: 20261206 },
      );
    } finally {
      await store.close();
      cleanup();
    }
  },
);
