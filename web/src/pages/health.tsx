// Health: where tracking breaks, each finding with what to fix. Two reports, one table each (their sorts
// kept apart in the URL by the tables' prefixes): tagging health (GET /api/reports/tagging-health, the
// date range's: spend and tracked traffic that fail to meet, with the spend and sessions concerned) and
// identity health (GET /api/reports/identity-health: persons without a stitched visit, CRM records
// matched to no one, quarantined identifiers). The fix is the report's own text. Each table's CSV is
// its report's. docs/dashboard.md, "Health".
import { DataTable, type Column, type Row } from '../components/data-table';
import { Status } from '../components/status';
import { count } from '../format';
import type { PageProps } from '../routes';
import { useApi } from '../use-api';

interface TaggingFinding {
  check: string;
  platform: string | null;
  campaign: string | null;
  date: string | null;
  days?: string[];
  candidate?: string;
  detail: string;
  fix: string;
  spend: number | null;
  sessions: number;
}

interface TaggingHealth {
  from: string;
  to: string;
  currency: string;
  findings: TaggingFinding[];
}

export interface IdentityHealth {
  matchRates: {
    milestone: string;
    source: string;
    persons: number;
    stitched: number;
    rate: number;
    flagged: boolean;
    fix: string | null;
  }[];
  crm: {
    source: string;
    objectType: string;
    objects: number;
    matched: number;
    unmatched: number;
    rate: number;
    fix: string | null;
  }[];
  quarantined: {
    kind: string;
    value: string;
    distinctEmails: number;
    distinctUsers: number;
    reason: string;
    sources: string[];
    fix: string;
  }[];
  quarantinedTotal: number;
  unmatchedCrm: {
    source: string;
    objectType: string;
    objectId: string;
    keyKinds: string[];
    fix: string;
  }[];
}

/** The tagging checks in words (the report's `check` codes, docs/costs.md). */
export const CHECKS: Record<string, string> = {
  spend_without_sessions: 'Spend without sessions',
  sessions_without_spend: 'Sessions without spend',
  campaign_id_mismatch: 'Campaign id mismatch',
  untagged_landing_page: 'Untagged landing page',
  auto_tagging_off: 'Auto-tagging off',
  clicks_without_sessions: 'Clicks without sessions',
  spend_without_rate: 'Spend without a rate',
};

const TAGGING_COLUMNS: Column[] = [
  { key: 'check', label: 'Finding', kind: 'text' },
  { key: 'platform', label: 'Platform', kind: 'text' },
  { key: 'campaign', label: 'Campaign', kind: 'text' },
  { key: 'spend', label: 'Spend concerned', kind: 'money' },
  { key: 'sessions', label: 'Sessions', kind: 'count' },
  { key: 'fix', label: 'What to fix', kind: 'text', sortable: false },
  { key: 'detail', label: 'What was seen', kind: 'text', sortable: false },
];

const IDENTITY_COLUMNS: Column[] = [
  { key: 'finding', label: 'Finding', kind: 'text' },
  { key: 'of', label: 'Of', kind: 'text' },
  { key: 'affected', label: 'Concerned', kind: 'count' },
  { key: 'total', label: 'Out of', kind: 'count' },
  { key: 'rate', label: 'Matched', kind: 'percent' },
  { key: 'fix', label: 'What to fix', kind: 'text', sortable: false },
  { key: 'detail', label: 'What was seen', kind: 'text', sortable: false },
];

const NOTHING = 'Nothing to fix';

/** The identity report's four lists as one table's rows: what, of what, how many, and the fix. */
export function identityRows(r: IdentityHealth): Row[] {
  return [
    ...r.matchRates.map((m) => ({
      finding: m.flagged ? 'Conversions without a visit' : 'Stitched histories',
      of: `${m.milestone} via ${m.source}`,
      affected: m.persons - m.stitched,
      total: m.persons,
      rate: m.rate,
      detail: `${m.stitched} of ${m.persons} persons have a visit stitched to them`,
      fix: m.fix ?? NOTHING,
    })),
    ...r.crm.map((c) => ({
      finding: 'CRM records matched',
      of: `${c.source} ${c.objectType}`,
      affected: c.unmatched,
      total: c.objects,
      rate: c.rate,
      detail: `${c.matched} of ${c.objects} matched a tracked person`,
      fix: c.fix ?? NOTHING,
    })),
    ...r.unmatchedCrm.map((u) => ({
      finding: 'Unmatched CRM record',
      of: `${u.source} ${u.objectType} ${u.objectId}`,
      affected: 1,
      total: null,
      rate: null,
      detail:
        u.keyKinds.length > 0 ? `carried ${u.keyKinds.join(', ')}` : 'carried no key to match',
      fix: u.fix,
    })),
    ...r.quarantined.map((q) => ({
      finding: 'Quarantined identifier',
      of: `${q.kind} ${q.value}`,
      affected: q.distinctEmails + q.distinctUsers,
      total: null,
      rate: null,
      detail: q.reason,
      fix: q.fix,
    })),
  ];
}

export default function HealthPage(props: PageProps) {
  const q = props.query;
  const taggingRequest = {
    workspace: props.workspace,
    from: q.get('from'),
    to: q.get('to'),
    currency: q.get('currency'),
  };
  const identityRequest = { workspace: props.workspace };
  const tagging = useApi<TaggingHealth>('/api/reports/tagging-health', taggingRequest);
  const identity = useApi<IdentityHealth>('/api/reports/identity-health', identityRequest);
  const t = tagging.state === 'ok' ? tagging.data : undefined;
  const id = identity.state === 'ok' ? identity.data : undefined;
  const taggingRows: Row[] = (t?.findings ?? []).map((f) => ({
    check: CHECKS[f.check] ?? f.check,
    platform: f.platform,
    campaign: f.campaign,
    spend: f.spend,
    sessions: f.sessions,
    detail: f.detail,
    fix: f.fix,
  }));
  const idRows = id ? identityRows(id) : [];
  const toFix = idRows.filter((r) => r.fix !== NOTHING).length;
  return (
    <main class="health">
      <h1>Health</h1>
      <section aria-labelledby="tagging-health">
        <h2 id="tagging-health">Tagging health</h2>
        <p class="note">
          Where ad spend and tracked visits fail to meet: spend no session matches, paid visits no
          campaign matches, and tags lost on the way. Each row says what to change.
        </p>
        <Status of={tagging} />
        {t && (
          <>
            <p class="range-note" data-findings={t.findings.length}>
              {t.from} to {t.to}, {t.currency}: {count(t.findings.length)} finding
              {t.findings.length === 1 ? '' : 's'}
            </p>
            <DataTable
              caption="Tagging health"
              columns={TAGGING_COLUMNS}
              rows={taggingRows}
              currency={t.currency}
              query={q}
              prefix="tagging_"
              defaultSort="spend"
              csv={{ path: '/api/reports/tagging-health', query: taggingRequest }}
              empty="No tagging problem found in this range: spend and tracked visits meet."
              attrs={{ 'data-report': 'tagging-health' }}
            />
          </>
        )}
      </section>
      <section aria-labelledby="identity-health">
        <h2 id="identity-health">Identity health</h2>
        <p class="note">
          How well visitors are stitched to the people who convert: conversions with no visit behind
          them get no channel credit. All data, not the date range.
        </p>
        <Status of={identity} />
        {id && (
          <>
            <p class="range-note" data-to-fix={toFix}>
              {count(toFix)} row{toFix === 1 ? '' : 's'} to fix · {count(id.quarantinedTotal)}{' '}
              quarantined identifier{id.quarantinedTotal === 1 ? '' : 's'}
            </p>
            <DataTable
              caption="Identity health"
              columns={IDENTITY_COLUMNS}
              rows={idRows}
              query={q}
              prefix="identity_"
              defaultSort="affected"
              csv={{ path: '/api/reports/identity-health', query: identityRequest }}
              empty="No person or CRM record yet."
              attrs={{ 'data-report': 'identity-health' }}
            />
          </>
        )}
      </section>
    </main>
  );
}
