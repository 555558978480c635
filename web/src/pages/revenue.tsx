// Revenue: closed revenue by first touch over time, and by first-visit cohort (the revenue report,
// docs/reports.md "revenue"). Two requests over the range of the URL: `view=series` (a line per top
// first-touch value per day, grouped bars per week or month; a table of the range's totals per value) and `view=cohorts` (a table per cohort
// month and months since). The interval, the first-touch dimension and the basis (won deals, or
// customers from the CRM and Stripe) are in the URL (`interval`, `by`, `basis`). The range's totals are
// cards, with their change against the comparison period's (`compare` in the URL) when there is one.
import { useMemo } from 'preact/hooks';
import { BarChart, PALETTE } from '../components/bar-chart';
import { DataTable, type Column, type Row } from '../components/data-table';
import { against, Kpi } from '../components/kpi';
import { chosen, FIRST_TOUCH_CHOICES, type Choice } from '../choices';
import { UrlSelect } from '../components/url-select';
import { Status } from '../components/status';
import { TimeChart, type Series } from '../components/time-chart';
import { count, money } from '../format';
import type { PageProps } from '../routes';
import { useApi } from '../use-api';

interface Totals {
  closes: number;
  revenue: number;
  unvalued: number;
}

interface SeriesReport {
  from: string;
  to: string;
  currency: string;
  basis: string;
  view: 'series';
  interval: 'day' | 'week' | 'month';
  by: string;
  rows: { period: string; firstTouch: string; closes: number; revenue: number; unvalued: number }[];
  total: Totals;
  /** The comparison period (null: compare=none), its totals and their change to these. */
  compare: { from: string; to: string } | null;
  previous: Totals | null;
  change: { closes: number | null; revenue: number | null } | null;
}

interface CohortReport {
  from: string;
  to: string;
  currency: string;
  view: 'cohorts';
  rows: {
    cohort: string;
    monthsSince: number;
    closes: number;
    revenue: number;
    unvalued: number;
    visitors: number;
    cumulativeRevenue: number;
  }[];
  total: Totals;
}

const INTERVALS: Choice[] = [
  { value: 'week', label: 'Week' },
  { value: 'day', label: 'Day' },
  { value: 'month', label: 'Month' },
];
const BASES: Choice[] = [
  { value: 'deals', label: 'Won deals' },
  { value: 'customers', label: 'Customers (CRM and Stripe)' },
];
/** Lines for at most this many first-touch values; the rest are summed as "Other". */
const MAX_LINES = 5;
const DAY_MS = 86_400_000;
const cents = (x: number) => Math.round(x * 100) / 100;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Every bucket's first day from `from` to `to` (weeks start on Monday, as the report's). */
function periods(from: string, to: string, interval: string): string[] {
  const end = Date.parse(`${to}T00:00:00Z`);
  let t = Date.parse(`${from}T00:00:00Z`);
  if (interval === 'week') t -= ((new Date(t).getUTCDay() + 6) % 7) * DAY_MS;
  if (interval === 'month') t = Date.parse(`${from.slice(0, 7)}-01T00:00:00Z`);
  const out: string[] = [];
  while (t <= end && out.length < 2000) {
    out.push(iso(t));
    if (interval === 'month') {
      const d = new Date(t);
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    } else t += (interval === 'week' ? 7 : 1) * DAY_MS;
  }
  return out;
}

/** Per first-touch value over the range: closes, revenue, unvalued, share of the revenue. */
function bySource(r: SeriesReport): Row[] {
  const m = new Map<string, { closes: number; revenue: number; unvalued: number }>();
  for (const x of r.rows) {
    const s = m.get(x.firstTouch) ?? { closes: 0, revenue: 0, unvalued: 0 };
    s.closes += x.closes;
    s.revenue += x.revenue;
    s.unvalued += x.unvalued;
    m.set(x.firstTouch, s);
  }
  return [...m.entries()].map(([firstTouch, s]) => ({
    firstTouch,
    closes: s.closes,
    revenue: cents(s.revenue),
    unvalued: s.unvalued,
    share: r.total.revenue > 0 ? Math.round((s.revenue / r.total.revenue) * 10_000) / 10_000 : null,
  }));
}

function lines(r: SeriesReport, sources: Row[], days: string[]): Series[] {
  const top = [...sources]
    .sort((a, b) => (b.revenue as number) - (a.revenue as number))
    .map((s) => String(s.firstTouch));
  const shown = top.slice(0, MAX_LINES);
  const at = new Map(days.map((d, i) => [d, i]));
  const line = (label: string, color: string, keep: (t: string) => boolean): Series => {
    const values = days.map(() => 0);
    for (const x of r.rows) {
      const i = at.get(x.period);
      if (keep(x.firstTouch) && i !== undefined) values[i] = (values[i] ?? 0) + x.revenue;
    }
    return { label, color, values: values.map(cents) };
  };
  const out = shown.map((t, i) => line(t, PALETTE[i % PALETTE.length]!, (x) => x === t));
  if (top.length > MAX_LINES)
    out.push(line('Other', PALETTE[PALETTE.length - 2]!, (x) => !shown.includes(x)));
  return out;
}

export default function RevenuePage(props: PageProps) {
  const q = props.query;
  const by = chosen(q, 'by', FIRST_TOUCH_CHOICES);
  const byLabel = FIRST_TOUCH_CHOICES.find((c) => c.value === by)!.label.toLowerCase();
  const basis = chosen(q, 'basis', BASES);
  const common = {
    workspace: props.workspace,
    from: q.get('from'),
    to: q.get('to'),
    basis,
    currency: q.get('currency'),
  };
  // the comparison is shown with the series' totals (the cohorts' request leaves it to the API)
  const seriesRequest = {
    ...common,
    compare: q.get('compare'),
    view: 'series',
    interval: chosen(q, 'interval', INTERVALS),
    by,
  };
  const cohortRequest = { ...common, view: 'cohorts' };
  const series = useApi<SeriesReport>('/api/reports/revenue', seriesRequest);
  const cohorts = useApi<CohortReport>('/api/reports/revenue', cohortRequest);
  const report = series.state === 'ok' ? series.data : undefined;
  const cohort = cohorts.state === 'ok' ? cohorts.data : undefined;
  const sources = useMemo(() => (report ? bySource(report) : []), [report]);
  const days = useMemo(
    () => (report ? periods(report.from, report.to, report.interval) : []),
    [report],
  );
  const chart = useMemo(
    () => (report ? lines(report, sources, days) : []),
    [report, sources, days],
  );
  const what = basis === 'deals' ? 'Won deals' : 'Customers';
  const sourceColumns: Column[] = [
    { key: 'firstTouch', label: `First-touch ${byLabel}`, kind: 'text' },
    { key: 'revenue', label: 'Revenue', kind: 'money' },
    { key: 'closes', label: what, kind: 'count' },
    { key: 'unvalued', label: 'Without a value', kind: 'count' },
    { key: 'share', label: 'Share of revenue', kind: 'percent' },
  ];
  const cohortColumns: Column[] = [
    { key: 'cohort', label: 'First visit', kind: 'text' },
    { key: 'visitors', label: 'Visitors', kind: 'count' },
    { key: 'monthsSince', label: 'Months since', kind: 'count' },
    { key: 'closes', label: what, kind: 'count' },
    { key: 'revenue', label: 'Revenue', kind: 'money' },
    { key: 'cumulativeRevenue', label: 'Revenue so far', kind: 'money' },
    { key: 'perVisitor', label: 'So far per visitor', kind: 'money' },
  ];
  const cohortRows = useMemo<Row[]>(
    () =>
      (cohort?.rows ?? []).map((x) => ({
        ...x,
        perVisitor: x.visitors > 0 ? cents(x.cumulativeRevenue / x.visitors) : null,
      })),
    [cohort],
  );
  return (
    <main class="revenue">
      <h1>Revenue</h1>
      <form
        class="page-controls"
        aria-label="Revenue settings"
        onSubmit={(e) => e.preventDefault()}
      >
        <UrlSelect
          label="Interval"
          name="interval"
          value={chosen(q, 'interval', INTERVALS)}
          options={INTERVALS}
        />
        <UrlSelect
          label="By first touch"
          name="by"
          value={chosen(q, 'by', FIRST_TOUCH_CHOICES)}
          options={FIRST_TOUCH_CHOICES}
        />
        <UrlSelect
          label="Closed as"
          name="basis"
          value={chosen(q, 'basis', BASES)}
          options={BASES}
        />
      </form>
      <Status of={series} />
      {report && (
        <>
          <p class="range-note" data-range={`${report.from}..${report.to}`}>
            Closed {report.from} to {report.to} (UTC), by the first-touch {byLabel} of who closed,
            in {report.currency}
          </p>
          <div class="kpis">
            <Kpi
              metric="revenue"
              label="Revenue"
              value={report.total.revenue}
              text={money(report.total.revenue, report.currency)}
              {...against(
                report.compare,
                report.total.revenue,
                report.previous?.revenue,
                (v) => money(v, report.currency),
                report.change?.revenue,
              )}
            />
            <Kpi
              metric="closes"
              label={what}
              value={report.total.closes}
              text={count(report.total.closes)}
              {...against(
                report.compare,
                report.total.closes,
                report.previous?.closes,
                count,
                report.change?.closes,
              )}
            />
            <Kpi
              metric="unvalued"
              label="Without a value"
              value={report.total.unvalued}
              text={count(report.total.unvalued)}
              lowerIsBetter
              {...against(report.compare, report.total.unvalued, report.previous?.unvalued, count)}
            />
          </div>
          <h2>
            Revenue per {report.interval} by first-touch {byLabel}
          </h2>
          {report.rows.length === 0 ? (
            <p class="empty">Nothing closed in this range.</p>
          ) : report.interval === 'day' ? (
            <TimeChart
              title={`Revenue per day by first-touch ${byLabel}`}
              days={days}
              series={chart}
              format={(v) => money(v, report.currency)}
            />
          ) : (
            // a few weeks or months read better as bars than as a line between two points
            <BarChart
              title={`Revenue per ${report.interval} by first-touch ${byLabel}`}
              categories={days.map((d) => (report.interval === 'month' ? d.slice(0, 7) : d))}
              series={chart}
              format={(v) => money(v, report.currency)}
            />
          )}
          <DataTable
            caption={`Revenue by first-touch ${byLabel}`}
            columns={sourceColumns}
            rows={sources}
            totals={{ ...report.total, share: report.total.revenue > 0 ? 1 : null }}
            currency={report.currency}
            query={q}
            defaultSort="revenue"
            csv={{ path: '/api/reports/revenue', query: seriesRequest }}
            attrs={{ 'data-view': 'series' }}
          />
        </>
      )}
      <h2>By first-visit cohort</h2>
      <p class="note">
        Persons by the month of their first visit, and what they closed in each month since (the
        range's closes, of persons first seen from its first month on).
      </p>
      <Status of={cohorts} />
      {cohort && (
        <DataTable
          caption="Revenue by first-visit cohort"
          columns={cohortColumns}
          rows={cohortRows}
          totals={{ closes: cohort.total.closes, revenue: cohort.total.revenue }}
          currency={cohort.currency}
          query={q}
          prefix="cohort"
          defaultSort="cohort"
          rowKey={(r) => `${String(r.cohort)}#${String(r.monthsSince)}`}
          csv={{ path: '/api/reports/revenue', query: cohortRequest }}
          attrs={{ 'data-view': 'cohorts' }}
          empty="No closes of persons first seen in this range."
        />
      )}
    </main>
  );
}
