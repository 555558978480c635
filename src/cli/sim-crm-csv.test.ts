// One simulated world through the CSV path (the simulator's crm.csv read by `closedloop import crm`'s
// code path, on the suite's engine) gives the simulator's truth: per person, the same lifecycle
// milestones at the same moments, opportunities valued at the pipeline amount, customers at the won
// amount; and the same revenue per customer. A second import changes nothing.
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { rebuild } from '../derive/derive.js';
import { importCrm } from '../derive/crm-import.js';
import { normaliseIdentifier } from '../derive/identity/index.js';
import { simulate, type CrmChange, type SimWriter } from '../sim/index.js';
import type { Store } from '../store/store.js';
import { withStore } from '../test-helpers/events.js';
import { tempDir } from '../test-helpers/tmp.js';
import { SIM_CRM_CSV, crmCsvSimWriter } from './sim-crm-csv.js';

const STAGES = ['mql', 'sql', 'opportunity', 'customer'] as const;

interface Contact {
  email: string | null;
  phone: string | null;
  /** milestone -> each time it was reached, with the amount when the change carried one */
  reached: Map<string, Array<[number, number | null]>>;
  revenue: number;
}

function reach(k: Contact, m: string, at: number, value: number | null): void {
  const list = k.reached.get(m) ?? [];
  list.push([at, value]);
  k.reached.set(m, list);
}

/** What the simulator says happened, per contact. */
function truthWriter(): SimWriter & { contacts: Map<string, Contact> } {
  const contacts = new Map<string, Contact>();
  return {
    contacts,
    event() {},
    crm(c: CrmChange) {
      const at = Date.parse(c.at);
      if (c.kind === 'contact_stage') {
        const k = contacts.get(c.contactId) ?? {
          email: c.email,
          phone: c.phone,
          reached: new Map(),
          revenue: 0,
        };
        contacts.set(c.contactId, k);
        if (c.stage !== 'lead') reach(k, c.stage, at, null);
        return;
      }
      const k = contacts.get(c.contactId)!;
      // the deal's opening is the opportunity, its win the customer: both carry the deal's amount
      const m = c.stage === 'open' ? 'opportunity' : c.stage === 'won' ? 'customer' : null;
      if (m !== null) reach(k, m, at, c.amount);
      if (c.stage === 'won') k.revenue += c.amount;
    },
    async close() {},
  };
}

async function personOf(store: Store, k: Contact): Promise<string | null> {
  const id = (
    k.email !== null
      ? normaliseIdentifier({ kind: 'email', value: k.email })
      : normaliseIdentifier({ kind: 'phone', value: k.phone! })
  )?.identifier;
  const [p] = id ? await store.personsByIdentifier('w', id.kind, id.value) : [];
  return p ?? null;
}

async function reachedByPerson(store: Store): Promise<Map<string, string>> {
  const out = new Map<string, string[]>();
  for (const m of STAGES) {
    const { conversions } = await store.attributionInputs('w', m, undefined, {
      convertingOnly: true,
    });
    for (const c of conversions) {
      const list = out.get(c.personId) ?? [];
      list.push(`${m}@${new Date(c.at).toISOString()}=${c.value}`);
      out.set(c.personId, list);
    }
  }
  return new Map([...out].map(([p, l]) => [p, l.sort().join(' ')]));
}

test(
  'a simulated world imported through the CRM CSV gives the truth’s milestones per person and revenue per customer',
  { timeout: 240_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      const truth = truthWriter();
      const csv = crmCsvSimWriter(join(dir, SIM_CRM_CSV));
      const sim = await simulate(
        { seed: 11, days: 150, visitorsPerDay: 60, end: '2026-03-31' },
        { outDir: dir, extraWriters: [csv, truth] },
      );
      assert.ok(sim.record.crm.dealsWon >= 5, `only ${sim.record.crm.dealsWon} won deals`);
      await withStore(async (store) => {
        await store.importEventsFile('w', join(dir, 'events.ndjson'));
        await rebuild(store, 'w');
        const first = await importCrm(store, 'w', createReadStream(csv.file.path));
        assert.deepEqual(first.errors, []);
        assert.equal(first.rows, csv.file.rows);
        assert.equal(first.revenue.inserted, sim.record.crm.dealsWon);

        // per person (one person may be several contacts): each milestone's first time, valued at
        // the earliest amount that reached it
        const perPerson = new Map<string, Map<string, Array<[number, number | null]>>>();
        const revenue = new Map<string, number>();
        for (const k of truth.contacts.values()) {
          const person = await personOf(store, k);
          assert.ok(person, `contact ${k.email ?? k.phone} reached no person`);
          if (k.revenue > 0) revenue.set(person, (revenue.get(person) ?? 0) + k.revenue);
          const mine = perPerson.get(person) ?? new Map<string, Array<[number, number | null]>>();
          for (const [m, list] of k.reached) mine.set(m, [...(mine.get(m) ?? []), ...list]);
          if (mine.size > 0) perPerson.set(person, mine);
        }
        const expected = new Map(
          [...perPerson].map(([person, reached]) => {
            const parts = [...reached].map(([m, list]) => {
              const sorted = [...list].sort((a, b) => a[0] - b[0]);
              const value = sorted.find((x) => x[1] !== null)?.[1] ?? 0;
              return `${m}@${new Date(sorted[0]![0]).toISOString()}=${value}`;
            });
            return [person, parts.sort().join(' ')] as const;
          }),
        );
        assert.ok(expected.size > 100, `${expected.size} persons`);
        const actual = await reachedByPerson(store);
        const differ = [...new Set([...actual.keys(), ...expected.keys()])].filter(
          (p) => actual.get(p) !== expected.get(p),
        );
        assert.deepEqual(
          differ.map((p) => [p, actual.get(p), expected.get(p)]),
          [],
        );

        // revenue per customer: the revenue records, matched by their e-mail or phone
        const paid = new Map<string, number>();
        for (const r of await store.revenueRecords('w')) {
          const person = await personOf(store, {
            email: r.match.emails[0] ?? null,
            phone: r.match.phones[0] ?? null,
            reached: new Map(),
            revenue: 0,
          });
          assert.ok(person, r.key);
          paid.set(person, (paid.get(person) ?? 0) + r.amount.minor / 100);
        }
        assert.deepEqual(paid, revenue);

        const again = await importCrm(store, 'w', createReadStream(csv.file.path));
        assert.deepEqual([again.changes.inserted, again.revenue.inserted], [0, 0]);
        assert.deepEqual(await reachedByPerson(store), actual);
      });
    } finally {
      cleanup();
    }
  },
);
