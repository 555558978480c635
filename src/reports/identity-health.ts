// `identity-health`: how well persons are stitched together, and what to fix. Three readings: the share
// of each milestone's persons (by the source of their first time there) who have an anonymous history
// (a visit stitched to them, the touches attribution credits); CRM records matched to a tracked person,
// by CRM and object type, with the unmatched ones listed; identifiers quarantined from merging. Each row
// says what to do. docs/reports.md, "identity-health".
import { z } from 'zod';
import { Int } from './params.js';
import { defineReport } from './report.js';

/** Below this share of stitched persons (with at least MIN_PERSONS) a row is flagged. */
export const STITCHED_SHARE_MIN = 0.5;
export const MIN_PERSONS = 5;

export interface MatchRate {
  milestone: string;
  source: string;
  persons: number;
  /** Persons with a visit stitched to them. */
  stitched: number;
  rate: number;
  flagged: boolean;
  fix: string | null;
}

export interface CrmMatch {
  source: string;
  objectType: string;
  objects: number;
  matched: number;
  unmatched: number;
  rate: number;
  fix: string | null;
}

const share = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 10_000) / 10_000);

/** What to do when persons of a milestone source convert without a tracked history. */
function stitchFix(milestone: string, source: string): string {
  if (source.startsWith('crm:'))
    return `${source.slice(4)} records reach ${milestone} for persons never seen on the site: put the tracker's anonymous id in a hidden field of your forms (mapped to the CRM record) and identify visitors by e-mail when they sign up`;
  if (source.startsWith('stripe'))
    return `Stripe customers reach ${milestone} without a tracked visit: pass the tracker's anonymous id as the customer's metadata, or identify the visitor by the same e-mail at checkout`;
  return `these ${milestone}s have no visit stitched: call identify with the e-mail on the same device that browsed (not only server-side), and keep the snippet on every page before the form`;
}

function crmFix(objectType: string, keyKinds: readonly string[]): string {
  if (keyKinds.length === 0)
    return `the ${objectType} carries no e-mail, phone or anonymous id to match: map one in the connector's fields`;
  if (keyKinds.includes('anonymous_id'))
    return `its anonymous id names no visitor the tracker saw: check that the hidden field is filled by the snippet on the form's page`;
  if (keyKinds.includes('contact_id') && !keyKinds.includes('email'))
    return `none of its contacts matched a tracked person: see the contacts' own rows`;
  return `no tracked visitor identified with its ${keyKinds.filter((k) => k !== 'contact_id').join(' or ')}: identify visitors by e-mail on your forms, or pass the tracker's anonymous id into the CRM`;
}

const QUARANTINE_FIX =
  'a shared identifier (an office PC, a kiosk, a shared login or inbox): it is kept out of every person so they do not merge; if it is one person, raise the workspace limit, else stop sending it as an identifier (e.g. a shared sales@ e-mail)';

const params = z
  .object({
    limit: Int.min(1)
      .max(1000)
      .default(100)
      .describe('most unmatched CRM records and quarantined identifiers listed (default 100)'),
  })
  .strict();

export const identityHealth = defineReport({
  name: 'identity-health',
  summary:
    'Match rates by source (stitched histories, CRM records matched), quarantined identifiers and unmatched CRM records, with what to fix',
  params,
  async run({ store, workspaceId }, p) {
    const [stitched, { counts: crm, unmatched }, quarantined] = await Promise.all([
      store.stitchedByMilestone(workspaceId),
      store.crmMatchHealth(workspaceId, p.limit),
      store.quarantinedIdentifiers(workspaceId),
    ]);
    const matchRates: MatchRate[] = stitched.map((r) => {
      const rate = share(r.stitched, r.persons);
      const flagged = r.persons >= MIN_PERSONS && rate < STITCHED_SHARE_MIN;
      return { ...r, rate, flagged, fix: flagged ? stitchFix(r.milestone, r.source) : null };
    });
    const crmMatches: CrmMatch[] = crm.map((c) => ({
      ...c,
      unmatched: c.objects - c.matched,
      rate: share(c.matched, c.objects),
      fix:
        c.objects > c.matched
          ? `${c.objects - c.matched} ${c.source} ${c.objectType}(s) matched no tracked person: see unmatchedCrm for each, and why`
          : null,
    }));
    return {
      matchRates,
      crm: crmMatches,
      quarantined: quarantined.slice(0, p.limit).map((q) => ({ ...q, fix: QUARANTINE_FIX })),
      quarantinedTotal: quarantined.length,
      unmatchedCrm: unmatched.map((u) => ({ ...u, fix: crmFix(u.objectType, u.keyKinds) })),
    };
  },
  table(r) {
    return {
      headline: `identity health: ${r.quarantinedTotal} quarantined identifiers, ${r.crm.reduce((s, c) => s + c.unmatched, 0)} unmatched CRM records`,
      rows: [
        ...r.matchRates.map((m) => ({
          what: 'stitched',
          of: `${m.milestone} via ${m.source}`,
          count: `${m.stitched}/${m.persons}`,
          rate: m.rate,
          fix: m.fix ?? '',
        })),
        ...r.crm.map((c) => ({
          what: 'crm matched',
          of: `${c.source} ${c.objectType}`,
          count: `${c.matched}/${c.objects}`,
          rate: c.rate,
          fix: c.fix ?? '',
        })),
        ...r.quarantined.map((q) => ({
          what: 'quarantined',
          of: `${q.kind} ${q.value}`,
          count: '',
          rate: '',
          fix: q.reason,
        })),
        ...r.unmatchedCrm.map((u) => ({
          what: 'unmatched crm',
          of: `${u.source} ${u.objectType} ${u.objectId}`,
          count: '',
          rate: '',
          fix: u.fix,
        })),
      ],
    };
  },
});
