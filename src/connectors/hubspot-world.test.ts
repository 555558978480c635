// One simulated world (the fast `demo` funnel: a few hundred leads, tens of won deals) as a HubSpot portal
// (src/sim/hubspot-writer.ts) on the replay server. Imported through `closedloop sync hubspot`'s code
// path, it gives the simulator's truth: per person the same MQL/SQL/opportunity/customer milestones at
// the same moments with the same values, and the same won revenue per customer; and the same as the
// CSV path (the world's crm.csv through `closedloop import crm`'s code path) on the same world. The
// world's webhooks, signed as HubSpot signs v3 and delivered shuffled to the real receiver, leave every
// deal in the state the sync gives and the world ends with.
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SIM_CRM_CSV, crmCsvSimWriter } from '../cli/sim-crm-csv.js';
import { batchedCrmIntake } from '../derive/crm-intake.js';
import { importCrm } from '../derive/crm-import.js';
import { rebuild } from '../derive/derive.js';
import { HUBSPOT_DEAL_STAGE, HubSpotSimWriter } from '../sim/hubspot-writer.js';
import { simulate } from '../sim/index.js';
import { hubspotSignatureHeaders } from '../sources/hubspot/index.js';
import type { Store } from '../store/store.js';
import {
  crmTruthWriter,
  differences,
  expectedView,
  personNames,
  storedView,
} from '../test-helpers/crm-world-paths.js';
import { TEST_WORKSPACE, withStore } from '../test-helpers/events.js';
import { startHubSpotWorldPortal } from '../test-helpers/hubspot-world-portal.js';
import { connect, HUBSPOT_SECRET } from '../test-helpers/receipt-hooks.js';
import { startTestServer } from '../test-helpers/server.js';
import { tempDir } from '../test-helpers/tmp.js';
import { secretBox } from '../util/secret-box.js';
import { setConnector } from './settings.js';
import { syncConnector } from './sync.js';

const TOKEN = 'pat-na1-world-0a1b2c3d-4e5f-4a6b-8c7d';
const box = secretBox('hubspot-world-test-key-0123456789-0123456789');
const WORLD = { seed: 5, days: 60, visitorsPerDay: 250, end: '2026-03-31', crm: 'demo' } as const;

async function simulateWorld(dir: string) {
  const truth = crmTruthWriter();
  const hubspot = new HubSpotSimWriter();
  const csv = crmCsvSimWriter(join(dir, SIM_CRM_CSV));
  const sim = await simulate(WORLD, { outDir: dir, extraWriters: [truth, hubspot, csv] });
  return { sim, truth, hubspot, csv, events: join(dir, 'events.ndjson') };
}

async function addWorkspace(store: Store, id: string, events: string) {
  if (id !== TEST_WORKSPACE.id)
    await store.createWorkspace({
      ...TEST_WORKSPACE,
      id,
      name: id,
      writeKey: `k-${id}`,
      secretKeyHash: `h-${id}`,
    });
  await store.importEventsFile(id, events);
  await rebuild(store, id);
}

/** Per deal: stage, outcome and amount, as the workspace holds them. */
async function dealState(store: Store, ws: string) {
  return (await store.crmDeals(ws))
    .map((d) => `${d.dealId}:${d.stage}:${d.outcome}:${d.amount?.minor}${d.amount?.currency}`)
    .sort();
}

test(
  'a simulated world through the HubSpot sync gives the truth’s milestones per person and won revenue per customer, as the CSV path does',
  { timeout: 480_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      const { sim, truth, hubspot, csv, events } = await simulateWorld(dir);
      assert.ok(sim.record.leads.total >= 200, `${sim.record.leads.total} leads`);
      assert.ok(sim.record.crm.dealsWon >= 20, `${sim.record.crm.dealsWon} won deals`);
      const portal = await startHubSpotWorldPortal(hubspot);
      try {
        await withStore(async (store) => {
          await addWorkspace(store, 'w', events);
          await setConnector(store, box, 'w', 'hubspot', {
            apiKey: TOKEN,
            baseUrl: portal.baseUrl,
          });
          const r = await syncConnector(store, box, 'w', 'hubspot', {
            intake: batchedCrmIntake(store, 'w'),
            client: { sleep: async () => {} },
          });
          assert.equal(r.status, 'ok', r.message ?? '');
          assert.equal(r.errors, 0);
          assert.equal(r.rows, hubspot.contactsAt().length + hubspot.dealsAt().length);

          // persons are named by their contacts' e-mails and phones: the same in every workspace
          const want = await expectedView(store, 'w', truth);
          assert.ok(want.milestones.size > 100, `${want.milestones.size} persons`);
          const got = await storedView(store, 'w', truth);
          assert.deepEqual(differences(got.milestones, want.milestones), []);
          assert.equal(got.revenue.size, sim.record.crm.dealsWon);
          assert.deepEqual(differences(got.revenue, want.revenue), []);

          // the same world through the CSV path, in a workspace of its own
          await addWorkspace(store, 'csv', events);
          const imported = await importCrm(store, 'csv', createReadStream(csv.file.path));
          assert.deepEqual(imported.errors, []);
          const viaCsv = await storedView(store, 'csv', truth);
          assert.deepEqual(
            differences(viaCsv.milestones, got.milestones),
            [],
            'the CSV path and the HubSpot path give each person the same milestones',
          );
          // its one-off payments are the won deals' revenue, person by person
          const names = await personNames(store, 'csv', truth);
          const paid = new Map<string, number>();
          for (const x of await store.revenueRecords('csv')) {
            const [p] = await store.personsByIdentifier(
              'csv',
              x.match.emails.length ? 'email' : 'phone',
              x.match.emails[0] ?? x.match.phones[0]!,
            );
            assert.ok(p, x.key);
            const name = names.get(p) ?? `unknown person ${p}`;
            paid.set(name, (paid.get(name) ?? 0) + x.amount.minor / 100);
          }
          assert.deepEqual(differences(paid, got.revenue), []);
        });
      } finally {
        await portal.close();
      }
    } finally {
      cleanup();
    }
  },
);

/** A seeded shuffle (mulberry32), so a failure replays. */
function shuffled<T>(list: readonly T[], seed: number): T[] {
  let a = seed;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

test(
  'the world’s HubSpot webhooks, signed and delivered out of order, leave each deal as the sync does and as the world ends',
  { timeout: 480_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      const { hubspot, events } = await simulateWorld(dir);
      const portal = await startHubSpotWorldPortal(hubspot);
      const s = await startTestServer(
        {},
        { receiptLoader: { backoffMs: { base: 50, max: 200 }, tuning: { maxRetries: 2 } } },
      );
      try {
        const ws = s.workspace.id;
        await s.store.importEventsFile(ws, events);
        await rebuild(s.store, ws);
        await connect(s, 'hubspot', {
          webhookSecret: HUBSPOT_SECRET,
          apiKey: TOKEN,
          baseUrl: portal.baseUrl,
        });
        // shuffled events, regrouped into arrays of up to 100, each array signed as HubSpot signs it
        const deliveries = shuffled(hubspot.events, 15);
        for (let i = 0; i < deliveries.length; i += 100) {
          const body = JSON.stringify(deliveries.slice(i, i + 100));
          const uri = `${s.base}/hooks/hubspot/${ws}`;
          const res = await fetch(uri, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...hubspotSignatureHeaders({ method: 'POST', uri, body }, HUBSPOT_SECRET, Date.now()),
            },
            body,
          });
          assert.equal(res.status, 200, await res.text());
        }
        await s.app.receipts.idle();
        assert.equal(
          (await s.store.listWebhookReceipts({ workspaceId: ws, unloaded: true })).length,
          0,
        );
        const hooked = await dealState(s.store, ws);

        // the world's own last word on each deal
        const final = hubspot
          .dealsAt()
          .map((d) => {
            const p = d.properties as Record<string, string>;
            return `${String(d.id)}:${p.dealstage}:${outcomeOf(p.dealstage!)}:${Number(p.amount) * 100}${p.deal_currency_code!.toLowerCase()}`;
          })
          .sort();
        assert.equal(hooked.length, final.length);
        assert.deepEqual(hooked, final);

        // and the sync's, in a workspace of its own
        await withStore(async (store) => {
          await setConnector(store, box, 'w', 'hubspot', {
            apiKey: TOKEN,
            baseUrl: portal.baseUrl,
          });
          const r = await syncConnector(store, box, 'w', 'hubspot', {
            intake: batchedCrmIntake(store, 'w'),
            client: { sleep: async () => {} },
          });
          assert.equal(r.status, 'ok', r.message ?? '');
          assert.deepEqual(await dealState(store, 'w'), hooked);
        });
      } finally {
        await s.close();
        await portal.close();
      }
    } finally {
      cleanup();
    }
  },
);

function outcomeOf(stage: string): string {
  return stage === HUBSPOT_DEAL_STAGE.won
    ? 'won'
    : stage === HUBSPOT_DEAL_STAGE.lost
      ? 'lost'
      : 'open';
}
