// Attribution: credited conversions and their value by one touch dimension under one model, for the
// milestone and lookback window of the shell's controls (the workspace's own settings when empty; other
// values are computed for this view, not stored). GET /api/reports/attribution (docs/attribution.md,
// docs/dashboard.md). A bar per group beside the sortable table; its CSV is the API's.
import { useMemo } from 'preact/hooks';
import { BarChart, PALETTE } from '../components/bar-chart';
import { DataTable, type Column, type Row } from '../components/data-table';
import { Status } from '../components/status';
import { UrlSelect } from '../components/url-select';
import { CREDIT_DIMENSIONS, dayAfter } from '../credit-dimensions';
import { count } from '../format';
import { modelLabel } from '../models';
import type { PageProps } from '../routes';
import { useApi } from '../use-api';

interface CreditGroup {
  key: Record<string, string | null>;
  conversions: number;
  value: number;
  touchedConversions: number;
}

interface Attribution {
  model: string;
  milestone: string;
  stored: boolean;
  settings: { lookbackDays: number };
  totals: { conversions: number; value: number };
  rows: CreditGroup[];
  currency: string;
  missingRates: unknown[];
}

const NONE = '(none)';
/** Bars for the largest groups only: past this a bar chart stops being read. */
const MAX_BARS = 15;

export default function AttributionPage(props: PageProps) {
  const q = props.query;
  // a milestone or lookback of this view only: credits computed per request, which the API groups by
  // channel only (stored credits group by anything)
  const computed = Boolean(q.get('milestone') || q.get('lookback'));
  const dim =
    !computed && CREDIT_DIMENSIONS.some((d) => d.name === q.get('dimension'))
      ? q.get('dimension')!
      : 'channel';
  const dimLabel = CREDIT_DIMENSIONS.find((d) => d.name === dim)!.label;
  const from = q.get('from');
  const to = q.get('to');
  const request = {
    workspace: props.workspace,
    groupBy: dim,
    model: q.get('model'),
    conversion: q.get('milestone'),
    lookbackDays: q.get('lookback'),
    // credits computed per request are in the workspace's currency only (the report says which)
    currency: computed ? null : q.get('currency'),
    from,
    to: to ? dayAfter(to) : null,
  };
  const result = useApi<Attribution>('/api/reports/attribution', request);
  const report = result.state === 'ok' ? result.data : undefined;
  const view = useMemo(() => {
    if (!report) return undefined;
    const rows: Row[] = report.rows.map((g) => ({
      [dim]: g.key[dim] ?? NONE,
      conversions: g.conversions,
      value: g.value,
      touched: g.touchedConversions,
      share: report.totals.conversions > 0 ? g.conversions / report.totals.conversions : null,
    }));
    const top = [...rows]
      .sort((a, b) => (b.conversions as number) - (a.conversions as number))
      .slice(0, MAX_BARS);
    return {
      rows,
      categories: top.map((r) => String(r[dim])),
      series: [
        {
          label: `${modelLabel(report.model)} conversions`,
          color: PALETTE[0]!,
          values: top.map((r) => r.conversions as number),
        },
      ],
    };
  }, [report, dim]);
  const columns: Column[] = [
    { key: dim, label: dimLabel, kind: 'text' },
    { key: 'conversions', label: 'Conversions', kind: 'count' },
    { key: 'share', label: 'Share', kind: 'percent' },
    { key: 'value', label: 'Value', kind: 'money' },
    { key: 'touched', label: 'Conversions touched', kind: 'count' },
  ];
  return (
    <main class="attribution">
      <h1>Attribution</h1>
      <form class="page-controls" onSubmit={(e) => e.preventDefault()}>
        <UrlSelect
          label="Group by"
          name="dimension"
          value={dim}
          options={CREDIT_DIMENSIONS.map((d) => ({ value: d.name, label: d.label }))}
          clear={['sort', 'dir']}
          disabled={computed}
          describedBy={computed ? 'dimension-note' : undefined}
        />
        {computed && (
          <p id="dimension-note" class="note">
            A milestone or lookback of this view only is computed per request, by channel. Save them
            as the workspace&apos;s attribution settings to group by any dimension.
          </p>
        )}
      </form>
      <Status of={result} />
      {report && view && (
        <>
          <p
            class="range-note"
            data-model={report.model}
            data-milestone={report.milestone}
            data-lookback={report.settings.lookbackDays}
          >
            {report.milestone} conversions
            {from || to
              ? ` from ${from ?? 'the start'} to ${to ?? 'today'} (UTC days)`
              : ', all time'}
            , credited by {modelLabel(report.model)} with a {report.settings.lookbackDays}-day
            lookback
            {report.stored ? '' : ' (computed for this view)'}
          </p>
          {view.rows.length === 0 ? (
            <p class="empty">No conversions in this range.</p>
          ) : (
            <BarChart
              categories={view.categories}
              series={view.series}
              title={`${report.milestone} conversions by ${dimLabel.toLowerCase()}`}
              format={(v) => count(v)}
            />
          )}
          <DataTable
            caption={`Conversions by ${dimLabel.toLowerCase()}`}
            columns={columns}
            rows={view.rows}
            totals={
              view.rows.length > 0
                ? {
                    [dim]: 'Total',
                    conversions: report.totals.conversions,
                    value: report.totals.value,
                    share: 1,
                  }
                : null
            }
            currency={report.currency}
            query={q}
            defaultSort="conversions"
            csv={{ path: '/api/reports/attribution', query: request }}
            attrs={{ 'data-dimension': dim, 'data-model': report.model }}
          />
        </>
      )}
    </main>
  );
}
