// Sales cycle: how many days each step takes, first touch -> lead -> opportunity -> won, as distributions
// by the first touch's channel (docs/reports.md, "sales-cycle"). One step at a time (`step` in the URL):
// its histogram as grouped bars (persons per bucket of days, a series per channel) and a table of each
// channel's quantiles with the whole's as the totals row; above them the median of every step over every
// channel, each also a card with its change against the comparison period's (`compare` in the URL) when
// there is one (a longer cycle is bad news). The CSV is the API's own.
import { BarChart, PALETTE } from '../components/bar-chart';
import { DataTable, type Column, type Row } from '../components/data-table';
import { against, Kpi } from '../components/kpi';
import { Status } from '../components/status';
import { UrlSelect } from '../components/url-select';
import { days, wholeCount } from '../format';
import type { PageProps } from '../routes';
import { useApi } from '../use-api';

interface Distribution {
  persons: number;
  min: number;
  p25: number;
  median: number;
  p75: number;
  p90: number;
  mean: number;
  max: number;
  histogram: Record<string, number>;
}

interface SalesCycle {
  from: string;
  to: string;
  groupBy: string[];
  buckets: string[];
  overall: (Distribution & { step: string })[];
  rows: (Distribution & { step: string; group: Partial<Record<string, string>> })[];
  /** The comparison period (null: compare=none) and its overall distributions. */
  compare: { from: string; to: string } | null;
  previous: (Distribution & { step: string })[] | null;
}

const STEPS = [
  { value: 'touch_to_customer', label: 'First touch → won' },
  { value: 'touch_to_lead', label: 'First touch → lead' },
  { value: 'lead_to_opportunity', label: 'Lead → opportunity' },
  { value: 'opportunity_to_customer', label: 'Opportunity → won' },
] as const;
const stepLabel = (s: string) => STEPS.find((x) => x.value === s)?.label ?? s;

const QUANTILES: Column[] = [
  { key: 'persons', label: 'Persons', kind: 'count' },
  { key: 'min', label: 'Min', kind: 'days' },
  { key: 'p25', label: 'P25', kind: 'days' },
  { key: 'median', label: 'Median', kind: 'days' },
  { key: 'p75', label: 'P75', kind: 'days' },
  { key: 'p90', label: 'P90', kind: 'days' },
  { key: 'mean', label: 'Mean', kind: 'days' },
  { key: 'max', label: 'Max', kind: 'days' },
];

const flat = ({ histogram, ...d }: Distribution): Row => {
  void histogram;
  return { ...d };
};

export default function SalesCyclePage(props: PageProps) {
  const q = props.query;
  const step = STEPS.some((s) => s.value === q.get('step')) ? q.get('step')! : STEPS[0].value;
  const request = {
    workspace: props.workspace,
    from: q.get('from'),
    to: q.get('to'),
    compare: q.get('compare'),
  };
  const result = useApi<SalesCycle>('/api/reports/sales-cycle', request);
  const report = result.state === 'ok' ? result.data : undefined;
  const rows = (report?.rows ?? []).filter((r) => r.step === step);
  const whole = report?.overall.find((o) => o.step === step);
  const csv = { path: '/api/reports/sales-cycle', query: request };
  return (
    <main class="sales-cycle">
      <h1>Sales cycle</h1>
      <Status of={result} />
      {report && (
        <>
          <p class="range-note" data-range={`${report.from}..${report.to}`}>
            Days each step took, for the steps that ended {report.from} to {report.to}, by the first
            touch&apos;s channel.
          </p>
          <div class="kpis">
            {report.overall.map((o) => (
              <Kpi
                key={o.step}
                metric={o.step}
                label={`${stepLabel(o.step)}, median`}
                value={o.median}
                text={days(o.median)}
                lowerIsBetter
                {...against(
                  report.compare,
                  o.median,
                  // a step nobody ended in the comparison period: its figure is unknown
                  report.previous
                    ? (report.previous.find((p) => p.step === o.step)?.median ?? null)
                    : undefined,
                  days,
                )}
              />
            ))}
          </div>
          <DataTable
            caption="Median days by step"
            prefix="s"
            columns={[{ key: 'step', label: 'Step', kind: 'text' }, ...QUANTILES]}
            rows={report.overall.map((o) => ({ ...flat(o), step: stepLabel(o.step) }))}
            rowKey={(r) => String(r.step)}
            query={q}
            defaultSort="persons"
            csv={csv}
            attrs={{ 'data-table': 'overall' }}
            empty="No step of a sales cycle ended in this range."
          />
          <h2>By channel</h2>
          <form
            class="page-controls"
            aria-label="Sales cycle step"
            onSubmit={(e) => e.preventDefault()}
          >
            <UrlSelect label="Step" name="step" value={step} options={STEPS} />
          </form>
          {rows.length === 0 ? (
            <p class="empty-note">Nobody completed this step in this range.</p>
          ) : (
            <BarChart
              title={`Persons by days, ${stepLabel(step)}, by channel`}
              categories={report.buckets.map((b) => `${b} d`)}
              series={rows.map((r, i) => ({
                label: r.group.channel ?? '(none)',
                color: PALETTE[i % PALETTE.length]!,
                values: report.buckets.map((b) => r.histogram[b] ?? 0),
              }))}
              format={wholeCount}
            />
          )}
          <DataTable
            caption={`Days, ${stepLabel(step)}, by channel`}
            columns={[{ key: 'channel', label: 'Channel', kind: 'text' }, ...QUANTILES]}
            rows={rows.map((r) => ({ ...flat(r), channel: r.group.channel }))}
            totals={whole ? flat(whole) : null}
            query={q}
            defaultSort="persons"
            csv={csv}
            attrs={{ 'data-table': 'by-channel', 'data-step': step }}
            empty="Nobody completed this step in this range."
          />
          <p class="note">
            The total row is over every person ({days(whole?.median)} median): quantiles do not add
            up across channels, so it is computed on its own.
          </p>
        </>
      )}
    </main>
  );
}
