// Model comparison: one dimension (channel by default; `dimension` in the URL) under every stored
// attribution model side by side, as grouped bars (one series per model) and a table, with what each
// model assumes in plain words, and the data-driven models' fitted channel scores (Markov removal
// effects, Shapley values) when the workspace has them. GET /api/reports/model-comparison and
// GET /api/reports/attribution-fits (docs/reports.md, docs/dashboard.md).
import { useMemo } from 'preact/hooks';
import { BarChart, PALETTE, type BarSeries } from '../components/bar-chart';
import { DataTable, type Column, type Row } from '../components/data-table';
import { Status } from '../components/status';
import { UrlSelect } from '../components/url-select';
import { count } from '../format';
import { MODELS, modelLabel } from '../models';
import type { PageProps } from '../routes';
import { useApi } from '../use-api';

interface CreditGroup {
  key: Record<string, string | null>;
  conversions: number;
  value: number;
  touchedConversions: number;
}

interface Comparison {
  milestone: string;
  models: Record<string, CreditGroup[]>;
}

interface Fits {
  milestone: string;
  fits: { model: string; channel: string; score: number }[];
}

/**
 * The dimensions the comparison groups by: the reports' common names (`groupBy`), and the key each
 * credited group carries (a touch's keyword is its term, its ad the content).
 */
const DIMENSIONS: { name: string; key: string; label: string }[] = [
  { name: 'channel', key: 'channel', label: 'Channel' },
  { name: 'source', key: 'source', label: 'Source' },
  { name: 'medium', key: 'medium', label: 'Medium' },
  { name: 'campaign', key: 'campaign', label: 'Campaign' },
  { name: 'keyword', key: 'term', label: 'Keyword' },
  { name: 'ad', key: 'content', label: 'Ad' },
  { name: 'landingPage', key: 'landing_page', label: 'Landing page' },
  { name: 'platform', key: 'platform', label: 'Platform' },
  { name: 'country', key: 'country', label: 'Country' },
];

/** The data-driven models (learned from the paths, so not in the model picker's list). */
const DATA_DRIVEN: Record<string, { label: string; assumes: string }> = {
  markov: {
    label: 'Markov',
    assumes:
      'Learned from the paths: a channel earns what conversions would be lost without it (its removal effect).',
  },
  shapley: {
    label: 'Shapley',
    assumes:
      'Learned from the paths: each channel earns its average extra worth over every team of channels it joins.',
  },
  shapley_simplified: {
    label: 'Simplified Shapley',
    assumes:
      'Learned from the paths: the conversion rate of paths with a channel shared among them.',
  },
};

const labelOf = (m: string) => DATA_DRIVEN[m]?.label ?? modelLabel(m);
const assumesOf = (m: string) =>
  MODELS.find((x) => x.name === m)?.assumes ?? DATA_DRIVEN[m]?.assumes ?? 'No note for this model.';

const NONE = '(none)';

export default function ModelComparisonPage(props: PageProps) {
  const q = props.query;
  const dim = DIMENSIONS.some((d) => d.name === q.get('dimension'))
    ? q.get('dimension')!
    : 'channel';
  const dimDef = DIMENSIONS.find((d) => d.name === dim)!;
  const dimLabel = dimDef.label;
  const from = q.get('from');
  const to = q.get('to');
  const request = {
    workspace: props.workspace,
    groupBy: dim,
    from: from,
    to,
  };
  const result = useApi<Comparison>('/api/reports/model-comparison', request);
  const fitsResult = useApi<Fits>('/api/reports/attribution-fits', {
    workspace: props.workspace,
  });
  const report = result.state === 'ok' ? result.data : undefined;

  const view = useMemo(() => {
    if (!report) return undefined;
    const models = Object.keys(report.models);
    const rows = new Map<string, Row>();
    for (const m of models)
      for (const g of report.models[m]!) {
        const name = g.key[dimDef.key] ?? NONE;
        const row = rows.get(name) ?? { [dim]: name };
        row[m] = ((row[m] as number | undefined) ?? 0) + g.conversions;
        rows.set(name, row);
      }
    const list = [...rows.values()];
    for (const r of list) for (const m of models) r[m] ??= 0;
    // categories by their credit under the first model, the largest first
    const first = models[0];
    list.sort((a, b) => (first ? (b[first] as number) - (a[first] as number) : 0));
    const totals: Row = { [dim]: 'Total' };
    for (const m of models) totals[m] = list.reduce((s, r) => s + (r[m] as number), 0);
    const categories = list.map((r) => String(r[dim]));
    const series: BarSeries[] = models.map((m, i) => ({
      label: labelOf(m),
      color: PALETTE[i % PALETTE.length]!,
      values: list.map((r) => r[m] as number),
    }));
    return { models, rows: list, totals, categories, series };
  }, [report, dim, dimDef.key]);

  const columns: Column[] = [
    { key: dim, label: dimLabel, kind: 'text' },
    ...(view?.models ?? []).map((m) => ({ key: m, label: labelOf(m), kind: 'count' as const })),
  ];
  const fits = fitsResult.state === 'ok' ? fitsResult.data.fits : [];

  return (
    <main class="model-comparison">
      <h1>Model comparison</h1>
      <form class="page-controls" onSubmit={(e) => e.preventDefault()}>
        <UrlSelect
          label="Compare by"
          name="dimension"
          value={dim}
          options={DIMENSIONS.map((d) => ({ value: d.name, label: d.label }))}
          clear={['sort', 'dir']}
        />
      </form>
      <Status of={result} />
      {report && view && (
        <>
          <p class="range-note" data-milestone={report.milestone}>
            {report.milestone} conversions
            {from || to
              ? ` from ${from ?? 'the start'} to ${to ?? 'today'} (the workspace's days)`
              : ', all time'}
            , credited by each model
          </p>
          {view.rows.length === 0 ? (
            <p class="empty">No conversions in this range.</p>
          ) : (
            <BarChart
              categories={view.categories}
              series={view.series}
              title={`${report.milestone} conversions by ${dimLabel.toLowerCase()} under each model`}
              format={(v) => count(v)}
            />
          )}
          <DataTable
            caption={`Conversions by ${dimLabel.toLowerCase()} and model`}
            columns={columns}
            rows={view.rows}
            totals={view.rows.length > 0 ? view.totals : null}
            query={q}
            defaultSort={view.models[0]}
            csv={{ path: '/api/reports/model-comparison', query: request }}
            attrs={{ 'data-dimension': dim, 'data-milestone': report.milestone }}
          />
          <section class="model-notes" aria-labelledby="model-notes-h">
            <h2 id="model-notes-h">What each model assumes</h2>
            <dl>
              {view.models.map((m) => (
                <div key={m} data-model={m}>
                  <dt>{labelOf(m)}</dt>
                  <dd>{assumesOf(m)}</dd>
                </div>
              ))}
            </dl>
          </section>
        </>
      )}
      {fits.length > 0 && <FitsTable fits={fits} query={q} workspace={props.workspace} />}
    </main>
  );
}

/** The data-driven models' fitted score per channel: Markov's removal effect, Shapley's values. */
function FitsTable(props: { fits: Fits['fits']; query: URLSearchParams; workspace: string }) {
  const models = [...new Set(props.fits.map((f) => f.model))];
  const byChannel = new Map<string, Row>();
  for (const f of props.fits) {
    const row = byChannel.get(f.channel) ?? { channel: f.channel };
    row[f.model] = f.score;
    byChannel.set(f.channel, row);
  }
  const columns: Column[] = [
    { key: 'channel', label: 'Channel', kind: 'text' },
    ...models.map((m) => ({
      key: m,
      label: m === 'markov' ? 'Markov removal effect' : `${labelOf(m)} score`,
      kind: m === 'markov' ? ('percent' as const) : ('count' as const),
    })),
  ];
  return (
    <section class="fits" aria-labelledby="fits-h">
      <h2 id="fits-h">What the data-driven models learned</h2>
      <p class="note">
        A removal effect is the share of conversions lost if the channel were taken out of every
        path.
      </p>
      <DataTable
        caption="Fitted channel scores"
        columns={columns}
        rows={[...byChannel.values()]}
        query={props.query}
        prefix="fit"
        defaultSort={models[0]}
        csv={{ path: '/api/reports/attribution-fits', query: { workspace: props.workspace } }}
        attrs={{ 'data-table': 'fits' }}
      />
    </section>
  );
}
