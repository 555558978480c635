import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  cdcRefetches,
  compareEvents,
  foldChangeEvents,
  stateAsRecord,
  type CdcState,
} from './cdc-state.js';
import {
  parseChangeEvents,
  type CdcChangeType,
  type SalesforceChangeEvent,
} from './cdc-schemas.js';
import { salesforceFixture, SF } from '../../test-helpers/salesforce-fixtures.js';

// a longer search when asked (e.g. SALESFORCE_PROPERTY_RUNS=500 SALESFORCE_PROPERTY_SEED=7)
const RUNS = {
  numRuns: Number(process.env.SALESFORCE_PROPERTY_RUNS ?? 40),
  seed: Number(process.env.SALESFORCE_PROPERTY_SEED ?? 15),
  endOnFailure: true,
};

const values = (state: CdcState, key: string) => {
  const s = state.records.get(key)!;
  return Object.fromEntries(Object.entries(s.fields).map(([k, v]) => [k, v.value]));
};

test('the fixture events leave each record as its latest events say; several ids share one event', () => {
  const events = parseChangeEvents(salesforceFixture('cdc.events'));
  const state = foldChangeEvents(events);
  const grace = values(state, `Lead:${SF.graceLead}`);
  assert.equal(grace.Status, 'Working - Contacted'); // the UPDATE after the CREATE
  assert.equal(grace['Name.FirstName'], 'Grace'); // a compound field, flattened
  assert.equal(grace.Email, 'grace@navy.example'); // from the CREATE: an UPDATE sends only changes
  assert.equal(state.records.get(`Lead:${SF.graceLead}`)!.exists?.value, true);
  // one event named two opportunities: both hold its fields, and only those
  for (const id of [SF.acmeDeal, SF.otherDeal]) {
    const deal = values(state, `Opportunity:${id}`);
    assert.equal(deal.StageName, 'Closed Won');
    assert.equal(deal.IsWon, true);
    assert.equal(deal.Amount, undefined);
  }
  const lost = values(state, `Opportunity:${SF.globexDeal}`);
  assert.equal(lost.NextStep, null); // nulled
  assert.equal(lost.Loss_Reason__c, 'Went with a competitor');
  // deleted, then undeleted with its fields back
  const alan = state.records.get(`Lead:${SF.alanLead}`)!;
  assert.equal(alan.exists?.value, true);
  assert.equal(values(state, `Lead:${SF.alanLead}`).Status, 'Nurturing');
  const ada = stateAsRecord(state.records.get(`Lead:${SF.adaLead}`)!);
  assert.equal(ada.Id, SF.adaLead);
  assert.equal(ada.ConvertedContactId, SF.adaContact);
  // the gap event's record and the overflowed object are to be read again
  assert.deepEqual(cdcRefetches(state), {
    records: [{ entityName: 'Opportunity', recordId: SF.gapDeal }],
    objects: ['Contact'],
  });
  // folding the same events again, or in reverse, changes nothing
  const again = foldChangeEvents([...events].reverse(), foldChangeEvents(events));
  assert.deepEqual(again, state);
});

test('a diff-only field is not applied and asks for a re-fetch; a deleted record is not re-fetched', () => {
  const [diff, gone] = parseChangeEvents([
    {
      ChangeEventHeader: {
        entityName: 'Lead',
        recordIds: [SF.graceLead],
        changeType: 'UPDATE',
        commitTimestamp: 5,
        changedFields: ['Description', 'Status'],
        diffFields: ['Description'],
      },
      Description: '@@ -1 +1 @@',
      Status: 'Closed - Not Converted',
    },
    {
      ChangeEventHeader: {
        entityName: 'Lead',
        recordIds: [SF.alanLead],
        changeType: 'GAP_DELETE',
        commitTimestamp: 6,
      },
    },
  ]);
  const state = foldChangeEvents([diff!, gone!]);
  assert.deepEqual(values(state, `Lead:${SF.graceLead}`), { Status: 'Closed - Not Converted' });
  assert.equal(state.records.get(`Lead:${SF.alanLead}`)!.exists?.value, false);
  assert.deepEqual(cdcRefetches(state).records, [{ entityName: 'Lead', recordId: SF.graceLead }]);
});

// --- property: any order, any duplicates, any batching give the state of the events in commit order

const IDS = [SF.acmeDeal, SF.globexDeal, SF.otherDeal];
const FIELDS = ['StageName', 'Amount', 'NextStep', 'Name.LastName'] as const;
const TYPES: CdcChangeType[] = [
  'CREATE',
  'UPDATE',
  'UPDATE',
  'UPDATE',
  'DELETE',
  'UNDELETE',
  'GAP_UPDATE',
];

const eventArb = (n: number) =>
  fc
    .record({
      type: fc.constantFrom(...TYPES),
      ids: fc.subarray(IDS, { minLength: 1 }),
      second: fc.integer({ min: 0, max: 6 }), // few seconds: ties are common
      sequence: fc.integer({ min: 1, max: 3 }),
      set: fc.subarray([...FIELDS]),
      nulled: fc.subarray([...FIELDS], { maxLength: 1 }),
      value: fc.constantFrom('Prospecting', 'Closed Won', 'Closed Lost', '100', '250.5'),
    })
    .map((g) => {
      const fields: Record<string, unknown> = {};
      const changed: string[] = [];
      const nulled = g.type === 'UPDATE' ? g.nulled : [];
      for (const f of [...g.set, ...nulled]) {
        if (changed.includes(f)) continue;
        changed.push(f);
        const v = nulled.includes(f) ? null : `${g.value}/${f}`;
        if (f === 'Name.LastName') fields.Name = { LastName: v };
        else fields[f] = v;
      }
      const gap = g.type.startsWith('GAP_') || g.type === 'DELETE';
      return {
        ChangeEventHeader: {
          entityName: 'Opportunity',
          recordIds: g.ids,
          changeType: g.type,
          commitTimestamp: 1_771_000_000_000 + g.second * 1000,
          // one commit per event: its system change number orders commits of the same millisecond
          commitNumber: 10_769_924_300_000 + n,
          sequenceNumber: g.sequence,
          transactionKey: `txn-${n}`,
          changedFields: g.type === 'UPDATE' ? changed : [],
          nulledFields: nulled,
        },
        ...(gap ? {} : fields),
      };
    });

const eventsArb = fc
  .integer({ min: 1, max: 60 })
  .chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => eventArb(i))))
  .map((raw) => parseChangeEvents(raw));

/** The plain reading: apply each event to a record, in commit order, one after another. */
function sequential(events: readonly SalesforceChangeEvent[]) {
  const out = new Map<
    string,
    { fields: Record<string, unknown>; exists: boolean | null; refetch: boolean }
  >();
  for (const e of [...events].sort(compareEvents)) {
    for (const id of e.recordIds) {
      const key = `${e.entityName}:${id}`;
      const r = out.get(key) ?? { fields: {}, exists: null, refetch: false };
      out.set(key, r);
      const type = e.changeType.replace(/^GAP_/, '');
      if (e.changeType.startsWith('GAP_')) r.refetch = true;
      if (type === 'CREATE' || type === 'UNDELETE') r.exists = true;
      if (type === 'DELETE') r.exists = false;
      if (e.changeType.startsWith('GAP_') || type === 'DELETE') continue;
      // every field sent (compound ones by component), or on an UPDATE the changed ones
      const sentNames = Object.entries(e.fields).flatMap(([k, v]) =>
        v && typeof v === 'object' ? Object.keys(v).map((p) => `${k}.${p}`) : [k],
      );
      for (const name of e.changedFields.length ? e.changedFields : sentNames) {
        const [top, part] = name.split('.');
        const sent = part
          ? (e.fields[top!] as Record<string, unknown> | undefined)?.[part]
          : e.fields[name];
        r.fields[name] = sent ?? null;
      }
    }
  }
  return out;
}

function project(state: CdcState) {
  return new Map(
    [...state.records].map(([key, s]) => [
      key,
      {
        fields: Object.fromEntries(Object.entries(s.fields).map(([k, v]) => [k, v.value])),
        exists: s.exists?.value ?? null,
        refetch: s.refetch,
      },
    ]),
  );
}

test('property: any order, duplicates and batching of the same events give the state of commit order', () => {
  fc.assert(
    fc.property(
      eventsArb,
      fc.array(fc.nat(), { minLength: 120, maxLength: 120 }),
      fc.integer({ min: 1, max: 7 }),
      (events, keys, batch) => {
        // a shuffle with some events delivered twice, folded in batches into one state
        const delivered = [...events, ...events.filter((_, i) => keys[i]! % 3 === 0)];
        const order = delivered
          .map((e, i) => ({ e, k: keys[i % keys.length]! * 1000 + i }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.e);
        let state: CdcState | undefined;
        for (let i = 0; i < order.length; i += batch)
          state = foldChangeEvents(order.slice(i, i + batch), state);
        const once = foldChangeEvents(events);
        assert.deepEqual(project(state!), project(once));
        const expected = sequential(events);
        assert.deepEqual(
          new Map([...project(once)].sort(([a], [b]) => (a < b ? -1 : 1))),
          new Map([...expected].sort(([a], [b]) => (a < b ? -1 : 1))),
        );
      },
    ),
    RUNS,
  );
});
