// A simulated world's CRM as rows of the CRM CSV (one mixed file, a `record_type` per row), so a world
// flows in through `closedloop import crm` as a real export would. The shapes below are the
// simulator's CrmChange (src/sim/types.ts), named again here as sources may not import the simulator;
// the compiler holds the two together where the CLI hands one to the other.
//
// Contacts: the lead is the contact's creation (with its e-mail or phone), each later lifecycle stage a
// stage change. Deals: the opening (contact id, amount) and the won or lost status. A won deal is also
// paid in full when it closes: one revenue row, the simulator's revenue of that customer.

import type { Column } from './columns.js';
import type { CsvRow } from './row-reader.js';

export type WorldCrmChange =
  | {
      kind: 'contact_stage';
      at: string;
      contactId: string;
      email: string | null;
      phone: string | null;
      stage: string;
    }
  | {
      kind: 'deal';
      at: string;
      dealId: string;
      contactId: string;
      stage: 'open' | 'won' | 'lost';
      amount: number;
      currency: string;
    };

/** The columns the world's file uses, in this order. */
export const WORLD_COLUMNS: readonly Column[] = [
  'record_type',
  'record_id',
  'object',
  'contact_email',
  'contact_phone',
  'contact_id',
  'deal_id',
  'created_at',
  'stage',
  'stage_changed_at',
  'status',
  'amount',
  'currency',
  'occurred_at',
  'description',
];

/** Turns a world's CRM changes, in time order, into CSV rows (remembering each contact's keys). */
export class WorldCrmRows {
  private readonly contacts = new Map<string, { email: string | null; phone: string | null }>();

  rows(c: WorldCrmChange): CsvRow[] {
    const opt = (v: string | null | undefined) => v ?? undefined;
    if (c.kind === 'contact_stage') {
      const keys = { email: c.email, phone: c.phone };
      this.contacts.set(c.contactId, keys);
      const who = { contact_email: opt(c.email), contact_phone: opt(c.phone) };
      if (c.stage === 'lead')
        return [
          {
            record_type: 'contact',
            record_id: c.contactId,
            ...who,
            created_at: c.at,
            stage: c.stage,
            stage_changed_at: c.at,
          },
        ];
      return [
        {
          record_type: 'stage',
          record_id: c.contactId,
          object: 'contact',
          ...who,
          stage: c.stage,
          stage_changed_at: c.at,
        },
      ];
    }
    const contact = this.contacts.get(c.contactId);
    const deal: CsvRow = {
      record_id: c.dealId,
      contact_id: c.contactId,
      contact_email: opt(contact?.email),
      contact_phone: opt(contact?.phone),
      amount: String(c.amount),
      currency: c.currency,
    };
    if (c.stage === 'open')
      return [{ record_type: 'deal', ...deal, created_at: c.at, status: 'open' }];
    const closed: CsvRow = {
      record_type: 'stage',
      object: 'deal',
      ...deal,
      status: c.stage,
      stage_changed_at: c.at,
    };
    if (c.stage === 'lost') return [closed];
    return [
      closed,
      {
        record_type: 'revenue',
        record_id: `pay_${c.dealId}`,
        deal_id: c.dealId,
        contact_id: c.contactId,
        contact_email: opt(contact?.email),
        contact_phone: opt(contact?.phone),
        amount: String(c.amount),
        currency: c.currency,
        occurred_at: c.at,
        description: 'contract paid on signature',
      },
    ];
  }
}
