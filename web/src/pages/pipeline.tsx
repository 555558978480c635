// Pipeline: the open pipeline as of a day (the opportunities report, docs/reports.md "opportunities"):
// open deals' value and count by stage x first touch, as two matrix tables with totals and grouped bars
// of value per stage by first touch. The day is `asOf` in the URL (else the range's `to`, else the API's
// today); the first-touch dimension is `by` (source by default).
import { useMemo } from 'preact/hooks';
import { BarChart, PALETTE, type BarSeries } from '../components/bar-chart';
import { DataTable, type Column, type Row } from '../components/data-table';
import { Kpi } from '../components/kpi';
import { chosen, FIRST_TOUCH_CHOICES } from '../choices';
import { UrlSelect } from '../components/url-select';
import { Status } from '../components/status';
import { count, money } from '../format';
import { navigate, withQuery } from '../location';
import type { PageProps } from '../routes';
import { useApi } from '../use-api';

interface OpenRow {
  crm: string;
  pipeline: string | null;
  stage: string | null;
  firstTouch: string;
  deals: number;
  value: number;
  unvalued: number;
}

interface Opportunities {
  asOf: string;
  currency: string;
  by: string;
  rows: OpenRow[];
  total: { deals: number; value: number; unvalued: number };
}

/** Bars for at most this many first-touch values; the rest are summed as "Other". */
const MAX_SERIES = 8;
const cents = (x: number) => Math.round(x * 100) / 100;

interface Matrix {
  stages: string[];
  touches: string[];
  value: Row[];
  deals: Row[];
  valueTotals: Row;
  dealTotals: Row;
}

/** The report's rows pivoted: a row per stage, a column per first-touch value (`t:<value>`). */
function pivot(r: Opportunities): Matrix {
  // a stage is named by its pipeline too when the workspace has more than one
  const pipelines = new Set(r.rows.map((x) => `${x.crm}\u0000${x.pipeline ?? ''}`));
  const stageOf = (x: OpenRow) =>
    pipelines.size > 1 ? `${x.pipeline ?? x.crm} › ${x.stage ?? '(none)'}` : (x.stage ?? '(none)');
  const byTouch = new Map<string, number>();
  const byStage = new Map<string, number>();
  for (const x of r.rows) {
    byTouch.set(x.firstTouch, (byTouch.get(x.firstTouch) ?? 0) + x.value);
    byStage.set(stageOf(x), (byStage.get(stageOf(x)) ?? 0) + x.value);
  }
  const order = (m: Map<string, number>) =>
    [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
  const touches = order(byTouch);
  const stages = order(byStage);
  const empty = (stage: string): Row =>
    Object.fromEntries([['stage', stage], ['total', 0], ...touches.map((t) => [`t:${t}`, 0])]);
  const value = new Map(stages.map((s) => [s, empty(s)]));
  const deals = new Map(stages.map((s) => [s, empty(s)]));
  const valueTotals = empty('Total');
  const dealTotals = empty('Total');
  const add = (row: Row, key: string, n: number) => {
    row[key] = cents((row[key] as number) + n);
  };
  for (const x of r.rows) {
    const s = stageOf(x);
    for (const [rows, totals, n] of [
      [value, valueTotals, x.value],
      [deals, dealTotals, x.deals],
    ] as const) {
      add(rows.get(s)!, `t:${x.firstTouch}`, n);
      add(rows.get(s)!, 'total', n);
      add(totals, `t:${x.firstTouch}`, n);
    }
  }
  valueTotals.total = r.total.value;
  dealTotals.total = r.total.deals;
  return {
    stages,
    touches,
    value: [...value.values()],
    deals: [...deals.values()],
    valueTotals,
    dealTotals,
  };
}

/** Grouped bars: value per stage, a series per first-touch value (the smallest summed as Other). */
function barSeries(m: Matrix): BarSeries[] {
  const shown = m.touches.slice(0, MAX_SERIES);
  const rest = m.touches.slice(MAX_SERIES);
  const series = shown.map((t, i) => ({
    label: t,
    color: PALETTE[i % PALETTE.length]!,
    values: m.value.map((row) => row[`t:${t}`] as number),
  }));
  if (rest.length > 0)
    series.push({
      label: 'Other',
      color: PALETTE[PALETTE.length - 2]!,
      values: m.value.map((row) => cents(rest.reduce((n, t) => n + (row[`t:${t}`] as number), 0))),
    });
  return series;
}

export default function PipelinePage(props: PageProps) {
  const q = props.query;
  const by = chosen(q, 'by', FIRST_TOUCH_CHOICES);
  const byLabel = FIRST_TOUCH_CHOICES.find((c) => c.value === by)!.label;
  const request = {
    workspace: props.workspace,
    asOf: q.get('asOf') ?? q.get('to'),
    by,
    currency: q.get('currency'),
  };
  const result = useApi<Opportunities>('/api/reports/opportunities', request);
  const report = result.state === 'ok' ? result.data : undefined;
  const matrix = useMemo(() => (report ? pivot(report) : undefined), [report]);
  const series = useMemo(() => (matrix ? barSeries(matrix) : []), [matrix]);
  const columns = (kind: 'money' | 'count'): Column[] => [
    { key: 'stage', label: 'Stage', kind: 'text' },
    ...(matrix?.touches ?? []).map((t) => ({ key: `t:${t}`, label: t, kind })),
    { key: 'total', label: 'Total', kind },
  ];
  const csv = { path: '/api/reports/opportunities', query: request };
  return (
    <main class="pipeline">
      <h1>Pipeline</h1>
      <form
        class="page-controls"
        aria-label="Pipeline settings"
        onSubmit={(e) => e.preventDefault()}
      >
        <label>
          <span>As of</span>
          <input
            type="date"
            name="asOf"
            value={request.asOf ?? report?.asOf ?? ''}
            onChange={(e) => navigate(withQuery({ asOf: (e.target as HTMLInputElement).value }))}
          />
        </label>
        <UrlSelect
          label="By first touch"
          name="by"
          value={by}
          options={FIRST_TOUCH_CHOICES}
          // the matrices' columns are the dimension's values: a sort by one of them goes with it
          clear={['sort', 'dir', 'dealssort', 'dealsdir']}
        />
      </form>
      <Status of={result} />
      {report && matrix && (
        <>
          <p class="range-note" data-as-of={report.asOf} data-by={report.by}>
            Deals open at the end of {report.asOf} (UTC), by their person's first-touch{' '}
            {byLabel.toLowerCase()}, in {report.currency}
          </p>
          <div class="kpis">
            <Kpi
              metric="value"
              label="Open pipeline"
              value={report.total.value}
              text={money(report.total.value, report.currency)}
            />
            <Kpi
              metric="deals"
              label="Open deals"
              value={report.total.deals}
              text={count(report.total.deals)}
            />
            <Kpi
              metric="unvalued"
              label="Without a value"
              value={report.total.unvalued}
              text={count(report.total.unvalued)}
            />
          </div>
          {report.rows.length === 0 ? (
            <p class="empty">No deals were open at the end of {report.asOf}.</p>
          ) : (
            <>
              <h2>Value by stage and first-touch {byLabel.toLowerCase()}</h2>
              <BarChart
                title={`Open pipeline value by stage and first-touch ${byLabel.toLowerCase()}`}
                categories={matrix.stages}
                series={series}
                format={(v) => money(v, report.currency)}
              />
              <DataTable
                caption={`Open pipeline value by stage and ${byLabel.toLowerCase()}`}
                columns={columns('money')}
                rows={matrix.value}
                totals={matrix.valueTotals}
                currency={report.currency}
                query={q}
                defaultSort="total"
                csv={csv}
                attrs={{ 'data-measure': 'value' }}
              />
              <DataTable
                caption={`Open deals by stage and ${byLabel.toLowerCase()}`}
                columns={columns('count')}
                rows={matrix.deals}
                totals={matrix.dealTotals}
                currency={report.currency}
                query={q}
                prefix="deals"
                defaultSort="total"
                csv={csv}
                attrs={{ 'data-measure': 'deals' }}
              />
            </>
          )}
        </>
      )}
    </main>
  );
}
