import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withStore } from '../test-helpers/events.js';
import { RANGE, reportWorld } from '../test-helpers/report-world.js';
import { performance } from './performance.js';
import { changeAttributionSettings } from '../derive/attribution-report.js';

test('perf smoke', async () => {
  await withStore(async (store) => {
    await reportWorld(store);
    const r = await performance.run({ store, workspaceId: 'w' }, performance.params.parse({ ...RANGE, model: 'last_touch' }));
    console.log(JSON.stringify(r.rows.map(x=>[x.channel,x.spend,x.sessions,x.visitors,x.leads,x.cpl])), JSON.stringify(r.totals));
    await changeAttributionSettings(store, 'w', { conversion: 'opportunity' });
    const o = await performance.run({ store, workspaceId: 'w' }, performance.params.parse({ ...RANGE, model: 'linear', groupBy: 'channel,campaign,device,firstTouchChannel,landingPage,keyword' }));
    console.log(JSON.stringify(o.rows, null, 0));
    assert.ok(true);
  });
});
