/**
 * The simulated world's CRM as Pipedrive would send it: webhooks v2 (`meta`, `data`, `previous`), for
 * the Pipedrive connector's world test. A lead is a person added; a person's MQL opens a deal (value 0)
 * in the Sales pipeline's stage 1 (`MQL`), the SQL moves it to stage 2 (`SQL`), the opportunity to
 * stage 3 (`Proposal Made`) with its value, and the deal is then won or lost. Pipedrive has no lifecycle
 * stage on a person, so a workspace maps stages 1 and 2 to its `mql` and `sql` (PIPEDRIVE_WORLD_MAPPING).
 * Pipedrive keeps times to the second: each one here is the simulator's, floored to the second.
 */
import type { CrmChange, SegmentEvent, SimWriter } from './types.js';

type Json = Record<string, unknown>;

export const PIPEDRIVE_COMPANY_ID = '7009001';
const USER_ID = 9101;
const PIPELINE = 1;
/** The Sales pipeline's stages, by id. */
export const PIPEDRIVE_WORLD_STAGES = { mql: 1, sql: 2, opportunity: 3 } as const;
/** The funnel's Pipedrive settings that read the world's stages as the truth's milestones. */
export const PIPEDRIVE_WORLD_MAPPING = {
  dealStages: { '*': { '1': 'mql', '2': 'sql' } },
} as const;

interface Deal {
  id: number;
  personId: number;
  title: string;
  stageId: number;
  value: number;
  currency: string;
  addTime: string;
  stageChangeTime: string | null;
  updateTime: string;
  status: 'open' | 'won' | 'lost';
  wonTime: string | null;
  lostTime: string | null;
  lostReason: string | null;
}

const when = (iso: string) => new Date(Math.floor(Date.parse(iso) / 1000) * 1000);
const pdTime = (d: Date) => d.toISOString().replace('.000Z', 'Z');

/** The webhooks of a world, in time order (`webhooks`), as the writer receives its CRM changes. */
export class PipedriveWorld {
  readonly webhooks: Json[] = [];
  private readonly persons = new Map<string, { id: number; deal: Deal | null }>();
  private nextDeal = 5000;

  private send(
    action: 'create' | 'change',
    entity: 'person' | 'deal',
    at: Date,
    data: Json,
    previous: Json | null,
  ) {
    const n = this.webhooks.length + 1;
    this.webhooks.push({
      meta: {
        action,
        entity,
        company_id: PIPEDRIVE_COMPANY_ID,
        correlation_id: `sim-corr-${n}`,
        entity_id: String(data.id),
        id: `sim-webhook-${n}`,
        is_bulk_edit: false,
        // v2 sends either form; the world alternates them
        timestamp: n % 2 === 0 ? Math.floor(at.getTime() / 1000) : at.toISOString(),
        type: 'general',
        user_id: String(USER_ID),
        version: '2.0',
        webhook_id: '701',
        webhook_owner_id: String(USER_ID),
        change_source: 'app',
        attempt: 1,
        host: 'sim.pipedrive.com',
      },
      data,
      previous,
    });
  }

  private dealData(d: Deal): Json {
    return {
      id: d.id,
      title: d.title,
      owner_id: USER_ID,
      person_id: d.personId,
      org_id: null,
      pipeline_id: PIPELINE,
      stage_id: d.stageId,
      value: d.value,
      currency: d.currency,
      add_time: d.addTime,
      update_time: d.updateTime,
      stage_change_time: d.stageChangeTime,
      is_deleted: false,
      status: d.status,
      probability: null,
      lost_reason: d.lostReason,
      visible_to: 3,
      close_time: d.wonTime ?? d.lostTime,
      won_time: d.wonTime,
      lost_time: d.lostTime,
      expected_close_date: null,
      label_ids: [],
      origin: 'ManuallyCreated',
      custom_fields: {},
    };
  }

  apply(c: CrmChange): void {
    const at = when(c.at);
    const t = pdTime(at);
    if (c.kind === 'contact_stage') {
      if (c.stage === 'lead') {
        const person = { id: 1000 + this.persons.size + 1, deal: null };
        this.persons.set(c.contactId, person);
        const points = (v: string | null, label: string) =>
          v === null ? [] : [{ value: v, primary: true, label }];
        this.send(
          'create',
          'person',
          at,
          {
            id: person.id,
            name: `Person ${person.id}`,
            owner_id: USER_ID,
            org_id: null,
            add_time: t,
            update_time: t,
            emails: points(c.email, 'work'),
            phones: points(c.phone, 'mobile'),
            is_deleted: false,
            visible_to: 3,
            label_ids: [],
            custom_fields: {},
          },
          null,
        );
        return;
      }
      const person = this.persons.get(c.contactId);
      if (!person) return;
      if (c.stage === 'mql' && person.deal === null) {
        person.deal = {
          id: this.nextDeal++,
          personId: person.id,
          title: `${c.company} deal`,
          stageId: PIPEDRIVE_WORLD_STAGES.mql,
          value: 0,
          currency: 'USD',
          addTime: t,
          stageChangeTime: null,
          updateTime: t,
          status: 'open',
          wonTime: null,
          lostTime: null,
          lostReason: null,
        };
        this.send('create', 'deal', at, this.dealData(person.deal), null);
      } else if (c.stage === 'sql' && person.deal)
        this.move(person.deal, at, PIPEDRIVE_WORLD_STAGES.sql);
      return;
    }
    const deal = this.persons.get(c.contactId)?.deal;
    if (!deal) return;
    if (c.stage === 'open') {
      this.move(deal, at, PIPEDRIVE_WORLD_STAGES.opportunity, {
        value: c.amount,
        currency: c.currency,
      });
      return;
    }
    const previous = { status: deal.status, update_time: deal.updateTime };
    deal.status = c.stage;
    deal.updateTime = t;
    if (c.stage === 'won') deal.wonTime = t;
    else {
      deal.lostTime = t;
      deal.lostReason = 'No budget';
    }
    this.send('change', 'deal', at, this.dealData(deal), previous);
  }

  /** A stage change (and the value set with it): `previous` names what changed. */
  private move(deal: Deal, at: Date, stageId: number, value?: { value: number; currency: string }) {
    const t = pdTime(at);
    const previous: Json = {
      stage_id: deal.stageId,
      update_time: deal.updateTime,
      stage_change_time: deal.stageChangeTime,
    };
    if (value && value.value !== deal.value) previous.value = deal.value;
    deal.stageId = stageId;
    deal.stageChangeTime = t;
    deal.updateTime = t;
    if (value) {
      deal.value = value.value;
      deal.currency = value.currency;
    }
    this.send('change', 'deal', at, this.dealData(deal), previous);
  }
}

/** A writer that collects a world's Pipedrive webhooks as it runs. */
export function pipedriveSimWriter(): SimWriter & { world: PipedriveWorld } {
  const world = new PipedriveWorld();
  return {
    world,
    event(_e: SegmentEvent) {},
    crm(c: CrmChange) {
      world.apply(c);
    },
    async close() {},
  };
}
