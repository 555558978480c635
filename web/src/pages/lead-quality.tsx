// Lead quality: of the leads who entered the funnel in the range, how many qualified (MQL, SQL or later),
// how many sales disqualified, how their deals ended and why the lost ones were lost (docs/reports.md,
// "lead-quality"), by the first touch's channel or campaign (`groupBy` in the URL: the API groups both
// ways; a campaign is shown with its channel). The total's leads and rates as cards, each with its
// change against the comparison period's leads (`compare` in the URL) when there is one. Lost reasons
// over every group as bars and a table. The CSV is the API's own.
import { BarChart, PALETTE } from '../components/bar-chart';
import { DataTable, type Column, type Row } from '../components/data-table';
import { against, Kpi } from '../components/kpi';
import { Status } from '../components/status';
import { UrlSelect } from '../components/url-select';
import { count, percent, wholeCount } from '../format';
import type { PageProps } from '../routes';
import { useApi } from '../use-api';

interface Reason {
  reason: string | null;
  deals: number;
}

type Counts = Record<
  | 'leads'
  | 'qualified'
  | 'mqls'
  | 'sqls'
  | 'opportunities'
  | 'customers'
  | 'disqualified'
  | 'deals'
  | 'wonDeals'
  | 'lostDeals',
  number
> &
  Record<
    | 'qualificationRate'
    | 'mqlRate'
    | 'sqlRate'
    | 'opportunityRate'
    | 'disqualificationRate'
    | 'lossRate',
    number | null
  >;

interface LeadQualityRow extends Counts {
  group: Partial<Record<'channel' | 'campaign', string>>;
  lostReasons: Reason[];
}

interface LeadQuality {
  from: string;
  to: string;
  groupBy: string[];
  rows: LeadQualityRow[];
  total: Counts;
  lostReasons: Reason[];
  /** The comparison period (null: compare=none) and its leads, counted and rated as the total. */
  compare: { from: string; to: string } | null;
  previous: Counts | null;
}

/** The total's cards: a rise of disqualification or loss is bad news. */
const CARDS: { key: keyof Counts; label: string; rate: boolean; lowerIsBetter?: boolean }[] = [
  { key: 'leads', label: 'Leads', rate: false },
  { key: 'qualificationRate', label: 'Qualified', rate: true },
  { key: 'disqualificationRate', label: 'Disqualified', rate: true, lowerIsBetter: true },
  { key: 'lossRate', label: 'Deals lost', rate: true, lowerIsBetter: true },
];

const GROUPINGS = [
  { value: 'channel', label: 'Channel' },
  { value: 'campaign', label: 'Campaign' },
] as const;

const METRICS: Column[] = [
  { key: 'leads', label: 'Leads', kind: 'count' },
  { key: 'qualified', label: 'Qualified', kind: 'count' },
  { key: 'qualificationRate', label: 'Qualification rate', kind: 'percent' },
  { key: 'mqlRate', label: 'MQL rate', kind: 'percent' },
  { key: 'sqlRate', label: 'SQL rate', kind: 'percent' },
  { key: 'opportunityRate', label: 'Opportunity rate', kind: 'percent' },
  { key: 'disqualified', label: 'Disqualified', kind: 'count' },
  { key: 'disqualificationRate', label: 'Disqualification rate', kind: 'percent' },
  { key: 'wonDeals', label: 'Won deals', kind: 'count' },
  { key: 'lostDeals', label: 'Lost deals', kind: 'count' },
  { key: 'lossRate', label: 'Loss rate', kind: 'percent' },
  { key: 'reasons', label: 'Lost reasons', kind: 'text', sortable: false },
];

const reasonText = (r: string | null) => r ?? '(none given)';

export default function LeadQualityPage(props: PageProps) {
  const q = props.query;
  const grouping = q.get('groupBy') === 'campaign' ? 'campaign' : 'channel';
  const request = {
    workspace: props.workspace,
    from: q.get('from'),
    to: q.get('to'),
    compare: q.get('compare'),
    // a campaign is named within its channel (the same name may run on two)
    groupBy: grouping === 'campaign' ? 'channel,campaign' : 'channel',
  };
  const result = useApi<LeadQuality>('/api/reports/lead-quality', request);
  const report = result.state === 'ok' ? result.data : undefined;
  const columns: Column[] =
    grouping === 'campaign'
      ? [
          { key: 'campaign', label: 'Campaign', kind: 'text' },
          { key: 'channel', label: 'Channel', kind: 'text' },
          ...METRICS,
        ]
      : [{ key: 'channel', label: 'Channel', kind: 'text' }, ...METRICS];
  const rows: Row[] = (report?.rows ?? []).map(({ group, lostReasons, ...rest }) => ({
    ...rest,
    channel: group.channel,
    campaign: group.campaign,
    reasons: lostReasons.map((l) => `${reasonText(l.reason)}: ${l.deals}`).join('; ') || null,
  }));
  const reasons = report?.lostReasons ?? [];
  return (
    <main class="lead-quality">
      <h1>Lead quality</h1>
      <form
        class="page-controls"
        aria-label="Lead quality settings"
        onSubmit={(e) => e.preventDefault()}
      >
        <UrlSelect
          label="Group by"
          name="groupBy"
          value={grouping}
          options={GROUPINGS}
          clear={['sort', 'dir']}
        />
      </form>
      <Status of={result} />
      {report && (
        <>
          <p class="range-note" data-range={`${report.from}..${report.to}`}>
            Leads who entered the funnel {report.from} to {report.to}, by the first touch&apos;s{' '}
            {grouping}.
          </p>
          <div class="kpis">
            {CARDS.map((c) => {
              const show = c.rate ? percent : count;
              return (
                <Kpi
                  key={c.key}
                  metric={c.key}
                  label={c.label}
                  value={report.total[c.key]}
                  text={show(report.total[c.key])}
                  lowerIsBetter={c.lowerIsBetter}
                  {...against(report.compare, report.total[c.key], report.previous?.[c.key], show)}
                />
              );
            })}
          </div>
          <DataTable
            caption={`Lead quality by ${grouping}`}
            columns={columns}
            rows={rows}
            totals={{ ...report.total }}
            query={q}
            defaultSort="leads"
            rowKey={(r) => `${String(r.channel)}|${String(r.campaign)}`}
            csv={{ path: '/api/reports/lead-quality', query: request }}
            attrs={{ 'data-group-by': report.groupBy.join(',') }}
            empty="No leads entered the funnel in this range."
          />
          <h2>Why deals were lost</h2>
          {reasons.length === 0 ? (
            <p class="empty-note">No deals of these leads were lost.</p>
          ) : (
            <div class="lost-reasons">
              <BarChart
                title="Lost deals by reason"
                categories={reasons.map((r) => reasonText(r.reason))}
                series={[
                  {
                    label: 'Lost deals',
                    color: PALETTE[3]!,
                    values: reasons.map((r) => r.deals),
                  },
                ]}
                format={wholeCount}
                height={200}
              />
              <DataTable
                caption="Lost reasons"
                prefix="r"
                columns={[
                  { key: 'reason', label: 'Reason', kind: 'text' },
                  { key: 'deals', label: 'Lost deals', kind: 'count' },
                ]}
                rows={reasons.map((r) => ({ reason: reasonText(r.reason), deals: r.deals }))}
                totals={{ deals: reasons.reduce((n, r) => n + r.deals, 0) }}
                query={q}
                defaultSort="deals"
                csv={{ path: '/api/reports/lead-quality', query: request }}
              />
            </div>
          )}
        </>
      )}
    </main>
  );
}
