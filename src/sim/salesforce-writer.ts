/**
 * The simulated world's CRM as a Salesforce org would hold it, for the Salesforce connector's world
 * tests: each CRM change becomes the writes Salesforce makes, as records and as Change Data Capture
 * events. A lead is a Lead (`Open - Not Contacted`); its MQL sets Status `Working - Contacted`; its SQL
 * is the lead's conversion (an Account and a Contact created, the lead `Closed - Converted` with its
 * links); its deal is an Opportunity (`Prospecting`, the primary contact as its ContactId and an
 * OpportunityContactRole) that ends `Closed Won` or `Closed Lost`. Field history tracking is on: each
 * Status change and the conversion leave a LeadHistory row, each stage an OpportunityHistory row.
 *
 * `recordsAt(t)` is the org as a SOQL backfill at `t` would read it; `changeEvents(after)` the CDC
 * events of every later write, as a CometD client receives them. Salesforce keeps datetimes to the
 * second, so every time here is the simulator's, floored to the second.
 */
import type { CrmChange, SegmentEvent, SimWriter } from './types.js';

export type SalesforceWorldObject =
  | 'Lead'
  | 'LeadHistory'
  | 'Account'
  | 'Contact'
  | 'Opportunity'
  | 'OpportunityHistory'
  | 'OpportunityContactRole';

type Fields = Record<string, unknown>;

/** One write: a record created or updated, in its transaction. */
export interface SalesforceWrite {
  at: number;
  object: SalesforceWorldObject;
  id: string;
  changeType: 'CREATE' | 'UPDATE';
  fields: Fields;
  transaction: number;
  sequence: number;
}

/** A record as the REST API returns it (`attributes`, fields, datetimes as Salesforce writes them). */
export type SalesforceRow = Fields & { Id: string };

/** Objects whose changes Change Data Capture publishes (history rows have no change events). */
const CDC_OBJECTS = new Set<SalesforceWorldObject>(['Lead', 'Account', 'Contact', 'Opportunity']);
/** History rows are never modified: they have a CreatedDate (OpportunityHistory a SystemModstamp too). */
const HISTORY = new Set<SalesforceWorldObject>(['LeadHistory', 'OpportunityHistory']);

const PREFIX: Record<SalesforceWorldObject, string> = {
  Lead: '00Q',
  LeadHistory: '017',
  Account: '001',
  Contact: '003',
  Opportunity: '006',
  OpportunityHistory: '008',
  OpportunityContactRole: '00K',
};

export const SIM_ORG_ID = '00DSIM000000001AAA';
export const SIM_USER_ID = '005SIM000000001AAA';

/** Salesforce's datetime text (`2026-01-05T10:30:00.000+0000`). */
export const sfDateTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
const sfDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DAY = 86_400_000;

interface Person {
  leadId: string;
  status: string;
  email: string | null;
  phone: string | null;
  company: string;
  n: number;
  contactId: string | null;
  accountId: string | null;
  opportunityId: string | null;
  stage: string | null;
}

/** The org: every write in time order, and the views a backfill and a CDC subscriber get. */
export class SalesforceWorld {
  readonly writes: SalesforceWrite[] = [];
  private readonly people = new Map<string, Person>();
  private readonly counters = new Map<string, number>();
  private transaction = 0;

  constructor(readonly options: { multiCurrency?: boolean; currency?: string } = {}) {}

  private id(object: SalesforceWorldObject): string {
    const n = (this.counters.get(object) ?? 0) + 1;
    this.counters.set(object, n);
    return `${PREFIX[object]}SIM${n.toString(36).toUpperCase().padStart(9, '0')}AAA`;
  }

  /** Applies one simulated CRM change as the org's writes (one transaction). */
  apply(c: CrmChange): void {
    const at = Math.floor(Date.parse(c.at) / 1000) * 1000;
    this.transaction++;
    let sequence = 0;
    const write = (object: SalesforceWorldObject, id: string, fields: Fields, create: boolean) => {
      this.writes.push({
        at,
        object,
        id,
        changeType: create ? 'CREATE' : 'UPDATE',
        fields,
        transaction: this.transaction,
        sequence: ++sequence,
      });
      return id;
    };
    const status = (p: Person, value: string) => {
      write('Lead', p.leadId, { Status: value }, false);
      write(
        'LeadHistory',
        this.id('LeadHistory'),
        { LeadId: p.leadId, Field: 'Status', OldValue: p.status, NewValue: value },
        true,
      );
      p.status = value;
    };
    const convert = (p: Person) => {
      p.accountId = write('Account', this.id('Account'), { Name: p.company }, true);
      p.contactId = write(
        'Contact',
        this.id('Contact'),
        {
          AccountId: p.accountId,
          Email: p.email,
          Phone: p.phone,
          LastName: `Contact ${p.n}`,
          LeadSource: 'Web',
        },
        true,
      );
      write(
        'Lead',
        p.leadId,
        {
          Status: 'Closed - Converted',
          IsConverted: true,
          ConvertedDate: sfDate(at),
          ConvertedContactId: p.contactId,
          ConvertedAccountId: p.accountId,
        },
        false,
      );
      const history = { LeadId: p.leadId, OldValue: p.status };
      write(
        'LeadHistory',
        this.id('LeadHistory'),
        { ...history, Field: 'Status', NewValue: 'Closed - Converted' },
        true,
      );
      write('LeadHistory', this.id('LeadHistory'), { ...history, Field: 'leadConverted' }, true);
      p.status = 'Closed - Converted';
    };

    if (c.kind === 'contact_stage') {
      if (c.stage === 'lead') {
        const p: Person = {
          leadId: this.id('Lead'),
          status: 'Open - Not Contacted',
          email: c.email,
          phone: c.phone,
          company: c.company,
          n: this.people.size + 1,
          contactId: null,
          accountId: null,
          opportunityId: null,
          stage: null,
        };
        this.people.set(c.contactId, p);
        write(
          'Lead',
          p.leadId,
          {
            Email: p.email,
            Phone: p.phone,
            LastName: `Lead ${p.n}`,
            Company: p.company,
            Status: p.status,
            LeadSource: 'Web',
            IsConverted: false,
          },
          true,
        );
        write('LeadHistory', this.id('LeadHistory'), { LeadId: p.leadId, Field: 'created' }, true);
        return;
      }
      const p = this.people.get(c.contactId);
      if (!p) return;
      if (c.stage === 'mql' && p.contactId === null) status(p, 'Working - Contacted');
      else if (c.stage === 'sql' && p.contactId === null) convert(p);
      // opportunity and customer are the deal's own changes below
      return;
    }
    const p = this.people.get(c.contactId);
    if (!p) return;
    if (p.contactId === null) convert(p);
    const currency = this.options.multiCurrency
      ? { CurrencyIsoCode: (this.options.currency ?? c.currency).toUpperCase() }
      : {};
    if (c.stage === 'open') {
      p.stage = 'Prospecting';
      const opportunity = {
        StageName: 'Prospecting',
        Amount: c.amount,
        CloseDate: sfDate(at + 30 * DAY),
        Probability: 10,
      };
      p.opportunityId = write(
        'Opportunity',
        this.id('Opportunity'),
        {
          Name: `${p.company} - new business`,
          AccountId: p.accountId,
          ContactId: p.contactId,
          ...opportunity,
          ...currency,
          IsClosed: false,
          IsWon: false,
          ForecastCategoryName: 'Pipeline',
          Type: 'New Business',
          LeadSource: 'Web',
        },
        true,
      );
      write(
        'OpportunityContactRole',
        this.id('OpportunityContactRole'),
        {
          OpportunityId: p.opportunityId,
          ContactId: p.contactId,
          Role: 'Decision Maker',
          IsPrimary: true,
        },
        true,
      );
      write(
        'OpportunityHistory',
        this.id('OpportunityHistory'),
        { OpportunityId: p.opportunityId, ...opportunity, ForecastCategory: 'Pipeline' },
        true,
      );
      return;
    }
    if (p.opportunityId === null) return;
    // the amount stays: the update (and its change event) carries only what changed
    const won = c.stage === 'won';
    const closed = {
      StageName: won ? 'Closed Won' : 'Closed Lost',
      CloseDate: sfDate(at),
      Probability: won ? 100 : 0,
    };
    write(
      'Opportunity',
      p.opportunityId,
      { ...closed, IsClosed: true, IsWon: won, ForecastCategoryName: won ? 'Closed' : 'Omitted' },
      false,
    );
    write(
      'OpportunityHistory',
      this.id('OpportunityHistory'),
      {
        OpportunityId: p.opportunityId,
        ...closed,
        Amount: c.amount,
        ForecastCategory: won ? 'Closed' : 'Omitted',
      },
      true,
    );
  }

  /** Every record of an object as it stood at `at` (writes up to and including it), in id order. */
  recordsAt(object: SalesforceWorldObject, at: number): SalesforceRow[] {
    const rows = new Map<string, { row: SalesforceRow; created: number; modified: number }>();
    for (const w of this.writes) {
      if (w.at > at) break;
      if (w.object !== object) continue;
      const r = rows.get(w.id) ?? { row: { Id: w.id }, created: w.at, modified: w.at };
      Object.assign(r.row, w.fields);
      r.modified = w.at;
      rows.set(w.id, r);
    }
    return [...rows.values()]
      .map(({ row, created, modified }) => {
        const out: SalesforceRow = {
          attributes: { type: object, url: `/services/data/v62.0/sobjects/${object}/${row.Id}` },
          ...row,
          IsDeleted: false,
          CreatedDate: sfDateTime(created),
        };
        if (!HISTORY.has(object)) out.LastModifiedDate = sfDateTime(modified);
        if (object !== 'LeadHistory') out.SystemModstamp = sfDateTime(modified);
        return out;
      })
      .sort((a, b) => (a.Id < b.Id ? -1 : a.Id > b.Id ? 1 : 0));
  }

  /**
   * The Change Data Capture events of the writes after `after` (up to `until`), in commit order, as a
   * CometD client receives them: a CREATE with the record's fields, an UPDATE with the changed ones.
   */
  changeEvents(after: number, until = Infinity): Fields[] {
    const out: Fields[] = [];
    let replayId = 0;
    for (const w of this.writes) {
      if (!CDC_OBJECTS.has(w.object)) continue;
      replayId++;
      if (w.at <= after || w.at > until) continue;
      const { LastName, ...rest } = w.fields;
      const fields: Fields = { ...rest };
      if (LastName !== undefined) fields.Name = { LastName };
      const changed = Object.keys(w.fields).map((f) => (f === 'LastName' ? 'Name.LastName' : f));
      if (w.changeType === 'CREATE') {
        fields.CreatedDate = sfDateTime(w.at);
        fields.CreatedById = SIM_USER_ID;
        fields.OwnerId = SIM_USER_ID;
      }
      // a conversion's lead update carries no LastModifiedDate (Salesforce's CDC guide)
      if (!(w.object === 'Lead' && w.fields.IsConverted === true))
        fields.LastModifiedDate = sfDateTime(w.at);
      out.push({
        data: {
          schema: `sim-${w.object}`,
          payload: {
            ChangeEventHeader: {
              entityName: w.object,
              recordIds: [w.id],
              changeType: w.changeType,
              changeOrigin: 'com/salesforce/api/rest/62.0;client=closedloop-sim',
              transactionKey: `sim-${w.transaction.toString(16).padStart(8, '0')}`,
              sequenceNumber: w.sequence,
              commitTimestamp: w.at,
              commitNumber: 10_000_000_000 + replayId,
              commitUser: SIM_USER_ID,
              changedFields:
                w.changeType === 'UPDATE'
                  ? [...changed, ...('LastModifiedDate' in fields ? ['LastModifiedDate'] : [])]
                  : [],
              nulledFields: [],
              diffFields: [],
            },
            ...fields,
          },
          event: { replayId },
        },
        channel: `/data/${w.object}ChangeEvent`,
      });
    }
    return out;
  }
}

/** A writer that builds the org as the world runs. */
export function salesforceSimWriter(
  options: { multiCurrency?: boolean; currency?: string } = {},
): SimWriter & { world: SalesforceWorld } {
  const world = new SalesforceWorld(options);
  return {
    world,
    event(_e: SegmentEvent) {},
    crm(c: CrmChange) {
      world.apply(c);
    },
    async close() {},
  };
}
