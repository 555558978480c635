// The CRM CSV path on the world the Salesforce and Pipedrive world tests read (CRM_WORLD): its crm.csv
// imported by `closedloop import crm`'s code path, on the suite's engine, gives the same truth those
// tests hold their paths to, so the three paths agree on the same world: per person, the same MQL, SQL,
// opportunity and customer milestones at the same second and value, and the same won revenue.
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SIM_CRM_CSV, crmCsvSimWriter } from '../cli/sim-crm-csv.js';
import { importCrm } from '../derive/crm-import.js';
import { rebuild } from '../derive/derive.js';
import {
  crmTruthWriter,
  differences,
  expectedView,
  simulateCrmWorld,
  storedView,
} from '../test-helpers/crm-world-paths.js';
import { withStore } from '../test-helpers/events.js';
import { tempDir } from '../test-helpers/tmp.js';

test(
  'the CRM CSV of the Salesforce and Pipedrive world tests’ world gives the same truth',
  { timeout: 600_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      const truth = crmTruthWriter();
      const csv = crmCsvSimWriter(join(dir, SIM_CRM_CSV));
      await simulateCrmWorld(dir, [truth, csv]);
      await withStore(async (store) => {
        await store.importEventsFile('w', join(dir, 'events.ndjson'));
        await rebuild(store, 'w');
        const imported = await importCrm(store, 'w', createReadStream(csv.file.path));
        assert.deepEqual(imported.errors, []);
        const expected = await expectedView(store, 'w', truth);
        assert.ok(expected.revenue.size >= 20, `${expected.revenue.size} customers`);
        const viaCsv = await storedView(store, 'w', truth);
        assert.deepEqual(differences(viaCsv.milestones, expected.milestones), []);
        assert.deepEqual(differences(viaCsv.revenue, expected.revenue), []);
      });
    } finally {
      cleanup();
    }
  },
);
