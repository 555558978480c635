/**
 * The simulated world's CRM as a HubSpot portal would hold it, and the webhooks HubSpot would send for
 * the same changes. Contacts (e-mail or phone, `lifecyclestage` with its history and HubSpot's
 * `hs_lifecyclestage_<stage>_date`, `lastmodifieddate`/`hs_lastmodifieddate`), deals (amount in the
 * site's currency, `dealstage` in the stock pipeline with its history, `closedate`), each deal's contact
 * (v4 association, type 3) and the stock pipeline. Any object can be read as it stood at a moment
 * (`asOf`), so a test can backfill a portal mid-way through the world and then sync what changed
 * after. Ids are numeric as HubSpot's are, in order of creation. Plain JSON: the shapes are HubSpot's
 * documented ones (docs/crm.md), read by src/sources/hubspot as any real answer is.
 */
import type { CrmChange, LifecycleStage, SegmentEvent, SimWriter } from './types.js';

type Json = Record<string, unknown>;

/** HubSpot's stock lifecycle stage of each simulator stage. */
export const HUBSPOT_LIFECYCLE: Record<LifecycleStage, string> = {
  lead: 'lead',
  mql: 'marketingqualifiedlead',
  sql: 'salesqualifiedlead',
  opportunity: 'opportunity',
  customer: 'customer',
};

/** The stock pipeline's stage a simulated deal is in: opened, won or lost. */
export const HUBSPOT_DEAL_STAGE = {
  open: 'appointmentscheduled',
  won: 'closedwon',
  lost: 'closedlost',
} as const;

export const HUBSPOT_SIM_PORTAL_ID = 48_975_575;
const FIRST_CONTACT_ID = 100_001;
const FIRST_DEAL_ID = 7_000_001;

interface SimContact {
  id: string;
  email: string | null;
  phone: string | null;
  company: string;
  stages: Array<{ stage: string; at: number }>;
}

interface SimDeal {
  id: string;
  contactId: string;
  company: string;
  amount: number;
  currency: string;
  stages: Array<{ stage: string; at: number }>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Entries up to `asOf` (all when undefined). */
const upTo = <T extends { at: number }>(list: readonly T[], asOf: number | undefined): T[] =>
  asOf === undefined ? [...list] : list.filter((x) => x.at <= asOf);

export class HubSpotSimWriter implements SimWriter {
  private readonly contacts = new Map<string, SimContact>();
  private readonly deals = new Map<string, SimDeal>();
  // the same objects by their HubSpot id
  private readonly contactIds = new Map<string, SimContact>();
  private readonly dealIds = new Map<string, SimDeal>();
  /** The webhook events, in the order the changes happened. */
  readonly events: Json[] = [];
  private eventId = 1;

  event(_e: SegmentEvent): void {}

  crm(c: CrmChange): void {
    const at = Date.parse(c.at);
    if (c.kind === 'contact_stage') {
      let k = this.contacts.get(c.contactId);
      const stage = HUBSPOT_LIFECYCLE[c.stage];
      if (!k) {
        k = {
          id: String(FIRST_CONTACT_ID + this.contacts.size),
          email: c.email,
          phone: c.phone,
          company: c.company,
          stages: [],
        };
        this.contacts.set(c.contactId, k);
        this.contactIds.set(k.id, k);
        this.emit('contact.creation', k.id, at);
      }
      k.stages.push({ stage, at });
      this.emit('contact.propertyChange', k.id, at, {
        propertyName: 'lifecyclestage',
        propertyValue: stage,
      });
      return;
    }
    const contact = this.contacts.get(c.contactId);
    if (!contact) return;
    let d = this.deals.get(c.dealId);
    const stage = HUBSPOT_DEAL_STAGE[c.stage];
    if (!d) {
      d = {
        id: String(FIRST_DEAL_ID + this.deals.size),
        contactId: contact.id,
        company: c.company,
        amount: c.amount,
        currency: c.currency,
        stages: [],
      };
      this.deals.set(c.dealId, d);
      this.dealIds.set(d.id, d);
      this.emit('deal.creation', d.id, at);
      this.emit('deal.propertyChange', d.id, at, {
        propertyName: 'amount',
        propertyValue: String(c.amount),
      });
      this.emit('deal.associationChange', d.id, at, {
        associationType: 'DEAL_TO_CONTACT',
        fromObjectId: Number(d.id),
        toObjectId: Number(contact.id),
        associationRemoved: false,
        isPrimaryAssociation: false,
      });
    }
    d.stages.push({ stage, at });
    this.emit('deal.propertyChange', d.id, at, { propertyName: 'dealstage', propertyValue: stage });
  }

  async close(): Promise<void> {}

  private emit(type: string, objectId: string, at: number, fields: Json = {}): void {
    this.events.push({
      eventId: this.eventId++,
      subscriptionId: 6_547_123,
      portalId: HUBSPOT_SIM_PORTAL_ID,
      appId: 39_522_895,
      occurredAt: at,
      subscriptionType: type,
      attemptNumber: 0,
      objectId: Number(objectId),
      changeSource: 'CRM_UI',
      ...fields,
    });
  }

  /** The webhook events in deliveries of at most `size` (HubSpot sends up to 100 an array). */
  webhooks(size = 100): Json[][] {
    const out: Json[][] = [];
    for (let i = 0; i < this.events.length; i += size) out.push(this.events.slice(i, i + size));
    return out;
  }

  /** Every contact that existed at `asOf` (all when undefined), by id. */
  contactsAt(asOf?: number): Json[] {
    return present([...this.contacts.values()].map((k) => this.contactJson(k, asOf)));
  }

  /** Every deal that existed at `asOf` (all when undefined), by id, with its `dealstage` history. */
  dealsAt(asOf?: number): Json[] {
    return present([...this.deals.values()].map((d) => this.dealJson(d, asOf)));
  }

  contact(id: string, asOf?: number): Json | null {
    const k = this.contactIds.get(id);
    return k ? this.contactJson(k, asOf) : null;
  }

  deal(id: string, asOf?: number): Json | null {
    const d = this.dealIds.get(id);
    return d ? this.dealJson(d, asOf) : null;
  }

  /** The contact a deal is associated with (each simulated deal has one). */
  dealContact(dealId: string): string | null {
    return this.dealIds.get(dealId)?.contactId ?? null;
  }

  /** The stock sales pipeline (`default`), as `GET /crm/v3/pipelines/deals` answers. */
  pipelines(): Json {
    const stages = [
      ['appointmentscheduled', 'Appointment scheduled', 'false', '0.2'],
      ['qualifiedtobuy', 'Qualified to buy', 'false', '0.4'],
      ['contractsent', 'Contract sent', 'false', '0.9'],
      ['closedwon', 'Closed won', 'true', '1.0'],
      ['closedlost', 'Closed lost', 'true', '0.0'],
    ] as const;
    return {
      results: [
        {
          id: 'default',
          label: 'Sales Pipeline',
          displayOrder: 0,
          archived: false,
          stages: stages.map(([id, label, isClosed, probability], n) => ({
            id,
            label,
            displayOrder: n,
            archived: false,
            metadata: { isClosed, probability },
          })),
        },
      ],
    };
  }

  private contactJson(k: SimContact, asOf: number | undefined): Json | null {
    const stages = upTo(k.stages, asOf);
    if (stages.length === 0) return null;
    const created = stages[0]!.at;
    const modified = stages[stages.length - 1]!.at;
    const properties: Record<string, string | null> = {
      email: k.email,
      phone: k.phone,
      company: k.company,
      lifecyclestage: stages[stages.length - 1]!.stage,
      createdate: iso(created),
      lastmodifieddate: iso(modified),
      hs_lastmodifieddate: iso(modified),
      hs_object_id: k.id,
    };
    for (const s of stages) properties[`hs_lifecyclestage_${s.stage}_date`] = iso(s.at);
    return {
      id: k.id,
      properties,
      propertiesWithHistory: { lifecyclestage: history(stages) },
      createdAt: iso(created),
      updatedAt: iso(modified),
      archived: false,
    };
  }

  private dealJson(d: SimDeal, asOf: number | undefined): Json | null {
    const stages = upTo(d.stages, asOf);
    if (stages.length === 0) return null;
    const created = stages[0]!.at;
    const last = stages[stages.length - 1]!;
    const closed = last.stage === 'closedwon' || last.stage === 'closedlost';
    return {
      id: d.id,
      properties: {
        dealname: `${d.company} subscription`,
        amount: String(d.amount),
        deal_currency_code: d.currency,
        pipeline: 'default',
        dealstage: last.stage,
        closedate: closed ? iso(last.at) : null,
        createdate: iso(created),
        hs_lastmodifieddate: iso(last.at),
        hs_is_closed: String(closed),
        hs_is_closed_won: String(last.stage === 'closedwon'),
        hs_object_id: d.id,
      },
      propertiesWithHistory: { dealstage: history(stages) },
      createdAt: iso(created),
      updatedAt: iso(last.at),
      archived: false,
    };
  }
}

/** A property's history as HubSpot gives it: newest first. */
function history(stages: ReadonlyArray<{ stage: string; at: number }>): Json[] {
  return stages
    .map((s) => ({ value: s.stage, timestamp: iso(s.at), sourceType: 'CRM_UI' }))
    .reverse();
}

const present = (list: Array<Json | null>): Json[] => list.filter((x): x is Json => x !== null);
