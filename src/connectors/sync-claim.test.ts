// One sync of a connector at a time: a second start in this process, or while another process (another
// lease holder on the same control plane) syncs it, is a 409 saying so; the claim ends with the sync.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchedCrmIntake } from '../derive/crm-intake.js';
import { startHubSpotPortal } from '../test-helpers/hubspot-portal.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import { secretBox } from '../util/secret-box.js';
import { createWorkspace } from '../workspaces/create.js';
import { ConnectorError } from './errors.js';
import { setConnector } from './settings.js';
import { startConnectorSync } from './sync.js';

const box = secretBox('sync-claim-secret-key-0123456789-0123456789');

test('a connector syncs once at a time: here and in another process a second start is a 409; the claim ends with the sync', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  const portal = await startHubSpotPortal({ contacts: 3, companies: 1, deals: 4 });
  try {
    const { workspace } = await createWorkspace(store, {
      name: 'Claim',
      currency: 'USD',
      timezone: 'UTC',
    });
    const ws = workspace.id;
    await setConnector(store, box, ws, 'hubspot', {
      apiKey: 'pat-na1-claim-0a1b2c3d',
      baseUrl: portal.baseUrl,
    });
    const start = () =>
      startConnectorSync(store, box, ws, 'hubspot', {
        intake: batchedCrmIntake(store, ws),
        client: { pageSize: 2, sleep: async () => {} },
      });
    const refusal = async () => {
      try {
        await start();
      } catch (err) {
        assert.ok(err instanceof ConnectorError);
        return { status: err.status, message: err.message };
      }
      assert.fail('a second sync started');
    };

    // another process syncs it: it holds the lease
    assert.ok(await store.acquireLease(`sync:${ws}:hubspot`, 'other-host:/data', 60_000));
    assert.deepEqual(await refusal(), {
      status: 409,
      message: 'a hubspot sync is already running in another process',
    });
    await store.releaseLease(`sync:${ws}:hubspot`, 'other-host:/data');

    // here: while one runs, a second is refused; once it ends, another process may take the lease
    const first = await start();
    assert.deepEqual(await refusal(), {
      status: 409,
      message: 'a hubspot sync is already running',
    });
    assert.equal((await first.done).status, 'ok');
    assert.ok(await store.acquireLease(`sync:${ws}:hubspot`, 'other-host:/data', 60_000));
    await store.releaseLease(`sync:${ws}:hubspot`, 'other-host:/data');
    assert.equal((await (await start()).done).status, 'ok');
  } finally {
    await portal.close();
    await store.close();
    cleanup();
  }
});
