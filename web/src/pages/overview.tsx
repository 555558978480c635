// Overview: the KPI cards (leads, pipeline, revenue, spend, ROAS, CAC) with their daily sparklines and
// change against the previous period, and spend against revenue over time. One request:
// GET /api/reports/overview (docs/reports.md, "overview").
import { useMemo } from 'preact/hooks';
import { Kpi, against } from '../components/kpi';
import { Sparkline } from '../components/sparkline';
import { Status } from '../components/status';
import { TimeChart, type Series } from '../components/time-chart';
import { count, money, times } from '../format';
import type { PageProps } from '../routes';
import { useApi } from '../use-api';

interface Metrics {
  visitors: number;
  sessions: number;
  leads: number;
  customers: number;
  pipeline: number;
  revenue: number;
  spend: number;
  roas: number | null;
}

export interface Overview {
  from: string;
  to: string;
  timezone: string;
  currency: string;
  compare: { from: string; to: string } | null;
  totals: Metrics;
  previous: Metrics | null;
  change: Record<keyof Metrics, number | null> | null;
  daily: (Metrics & { day: string })[];
  missingRates: { currency: string; date: string }[];
}

/** Customer acquisition cost: spend per new customer; unknown without customers. */
const cac = (m: Metrics) =>
  m.customers > 0 ? Math.round((m.spend / m.customers) * 100) / 100 : null;

interface Card {
  key: string;
  label: string;
  value: (m: Metrics) => number | null;
  show: (v: number | null, currency: string) => string;
  /** When a rise is bad news (costs). */
  lowerIsBetter?: boolean;
}

const CARDS: Card[] = [
  { key: 'leads', label: 'Leads', value: (m) => m.leads, show: count },
  { key: 'pipeline', label: 'Pipeline', value: (m) => m.pipeline, show: money },
  { key: 'revenue', label: 'Revenue', value: (m) => m.revenue, show: money },
  { key: 'spend', label: 'Spend', value: (m) => m.spend, show: money, lowerIsBetter: true },
  { key: 'roas', label: 'ROAS', value: (m) => m.roas, show: times },
  { key: 'cac', label: 'CAC', value: cac, show: money, lowerIsBetter: true },
];

function KpiCard(props: { card: Card; report: Overview }) {
  const { card, report } = props;
  const value = card.value(report.totals);
  // the API's own change where it gives one; CAC's is derived the same way, (now - before) / before
  const given =
    report.change && card.key in report.change
      ? report.change[card.key as keyof Metrics]
      : undefined;
  const before = report.previous ? card.value(report.previous) : undefined;
  const comparison = against(
    report.compare,
    value,
    before,
    (v) => card.show(v, report.currency),
    given,
  );
  return (
    <Kpi
      metric={card.key}
      label={card.label}
      value={value}
      text={card.show(value, report.currency)}
      {...comparison}
      lowerIsBetter={card.lowerIsBetter}
      timing={`kpi-${card.key}`}
    >
      <Sparkline
        values={report.daily.map((d) => card.value(d))}
        label={`${card.label} by day, ${report.from} to ${report.to}`}
      />
    </Kpi>
  );
}

export default function OverviewPage(props: PageProps) {
  const q = props.query;
  const result = useApi<Overview>('/api/reports/overview', {
    workspace: props.workspace,
    from: q.get('from'),
    to: q.get('to'),
    compare: props.query.get('compare') ?? 'previous',
    currency: q.get('currency'),
  });
  const report = result.state === 'ok' ? result.data : undefined;
  const days = useMemo(() => report?.daily.map((d) => d.day) ?? [], [report]);
  const series = useMemo<Series[]>(
    () => [
      { label: 'Spend', color: '#c2410c', values: report?.daily.map((d) => d.spend) ?? [] },
      { label: 'Revenue', color: '#15803d', values: report?.daily.map((d) => d.revenue) ?? [] },
    ],
    [report],
  );
  return (
    <main class="overview">
      <h1>Overview</h1>
      <Status of={result} />
      {report && (
        <>
          <p class="range-note" data-range={`${report.from}..${report.to}`}>
            {report.from} to {report.to} ({report.timezone}), {report.currency}
            {report.compare && ` · against ${report.compare.from} to ${report.compare.to}`}
          </p>
          {report.missingRates.length > 0 && (
            <p class="warning" role="note">
              Spend in {[...new Set(report.missingRates.map((m) => m.currency))].join(', ')} on{' '}
              {report.missingRates.length} day(s) has no exchange rate to {report.currency} and is
              left out of spend: add the rates (docs/costs.md).
            </p>
          )}
          <div class="kpis">
            {CARDS.map((c) => (
              <KpiCard key={c.key} card={c} report={report} />
            ))}
          </div>
          <h2>Spend and revenue by day</h2>
          <TimeChart
            title="Spend and revenue by day"
            days={days}
            series={series}
            format={(v) => money(v, report.currency)}
          />
        </>
      )}
    </main>
  );
}
