// Funnel: visitors -> leads -> MQLs -> SQLs -> opportunities -> customers (the workspace's funnel), the
// persons first seen in the range and how far each got (docs/reports.md, "funnel"). The whole as bars, then
// a table by the first touch's channel (or source, medium, campaign: `by` in the URL) with each step's
// count and its rate from the step before; the CSV is the API's own. Each step's total is a card, with
// its change against the comparison period's cohort (`compare` in the URL) when there is one.
import { BarChart, PALETTE } from '../components/bar-chart';
import { DataTable, type Column, type Row } from '../components/data-table';
import { against, Kpi } from '../components/kpi';
import { Status } from '../components/status';
import { UrlSelect } from '../components/url-select';
import { count, wholeCount } from '../format';
import type { PageProps } from '../routes';
import { useApi } from '../use-api';

interface FunnelRow {
  firstTouch: string | null;
  visited: boolean;
  counts: Record<string, number>;
  rates: Record<string, number | null>;
}

interface Funnel {
  from: string;
  to: string;
  by: string;
  steps: string[];
  rows: FunnelRow[];
  total: FunnelRow;
  untracked: FunnelRow | null;
  /** The comparison period (null: compare=none), its total and each step's change to this total. */
  compare: { from: string; to: string } | null;
  previous: FunnelRow | null;
  change: Record<string, number | null> | null;
}

const STEP_LABELS: Record<string, string> = {
  visitor: 'Visitors',
  lead: 'Leads',
  mql: 'MQLs',
  sql: 'SQLs',
  opportunity: 'Opportunities',
  customer: 'Customers',
};
/** A step's name as the page shows it (a milestone the workspace added: its own name). */
export const stepLabel = (s: string) => STEP_LABELS[s] ?? s;

const BY = [
  { value: 'channel', label: 'Channel' },
  { value: 'source', label: 'Source' },
  { value: 'medium', label: 'Medium' },
  { value: 'campaign', label: 'Campaign' },
] as const;

/** A funnel row as a table row: `count.<step>` and `rate.<step>` (from the step before). */
const flat = (r: FunnelRow): Row => {
  const out: Row = { firstTouch: r.firstTouch };
  for (const [s, n] of Object.entries(r.counts)) out[`count.${s}`] = n;
  for (const [s, x] of Object.entries(r.rates)) out[`rate.${s}`] = x;
  return out;
};

export default function FunnelPage(props: PageProps) {
  const q = props.query;
  const by = q.get('by') ?? 'channel';
  const request = {
    workspace: props.workspace,
    from: q.get('from'),
    to: q.get('to'),
    compare: q.get('compare'),
    by,
  };
  const result = useApi<Funnel>('/api/reports/funnel', request);
  const report = result.state === 'ok' ? result.data : undefined;
  const byLabel = BY.find((b) => b.value === by)?.label ?? by;
  const columns: Column[] = report
    ? [
        { key: 'firstTouch', label: `First ${byLabel.toLowerCase()}`, kind: 'text' },
        ...report.steps.flatMap((s, i): Column[] => [
          { key: `count.${s}`, label: stepLabel(s), kind: 'count' },
          ...(i > 0
            ? [{ key: `rate.${s}`, label: `→ ${stepLabel(s)}`, kind: 'percent' } as Column]
            : []),
        ]),
      ]
    : [];
  return (
    <main class="funnel">
      <h1>Funnel</h1>
      <form class="page-controls" aria-label="Funnel settings" onSubmit={(e) => e.preventDefault()}>
        <UrlSelect
          label="First touch by"
          name="by"
          value={by}
          options={BY}
          clear={['sort', 'dir']}
        />
      </form>
      <Status of={result} />
      {report && (
        <>
          <p class="range-note" data-range={`${report.from}..${report.to}`}>
            Persons first seen {report.from} to {report.to}; each step counts those who reached it
            or a later one.
          </p>
          <div class="kpis">
            {report.steps.map((s) => (
              <Kpi
                key={s}
                metric={s}
                label={stepLabel(s)}
                value={report.total.counts[s] ?? null}
                text={count(report.total.counts[s])}
                {...against(
                  report.compare,
                  report.total.counts[s] ?? null,
                  report.previous?.counts[s],
                  count,
                  report.change?.[s],
                )}
              />
            ))}
          </div>
          {report.total.counts[report.steps[0]!] === 0 ? (
            <p class="empty-note">No visitors were first seen in this range.</p>
          ) : (
            <>
              <BarChart
                title="Persons at each step of the funnel"
                categories={report.steps.map(stepLabel)}
                series={[
                  {
                    label: 'Persons',
                    color: PALETTE[0]!,
                    values: report.steps.map((s) => report.total.counts[s] ?? 0),
                  },
                ]}
                format={wholeCount}
              />
              <ol class="funnel-steps" aria-label="Overall step rates">
                {report.steps.map((s, i) => (
                  <li key={s} data-step={s} data-value={report.total.counts[s]}>
                    <span class="step">{stepLabel(s)}</span>{' '}
                    <span class="n">{count(report.total.counts[s])}</span>
                    {i > 0 && (
                      <span
                        class="rate"
                        data-rate={report.total.rates[s] ?? ''}
                        title={`of ${stepLabel(report.steps[i - 1]!)}`}
                      >
                        {' '}
                        {report.total.rates[s] === null || report.total.rates[s] === undefined
                          ? '—'
                          : `${((report.total.rates[s] as number) * 100).toFixed(1)}%`}
                      </span>
                    )}
                  </li>
                ))}
              </ol>
            </>
          )}
          <DataTable
            caption={`Funnel by first ${byLabel.toLowerCase()}`}
            columns={columns}
            rows={report.rows.map(flat)}
            totals={flat(report.total)}
            query={q}
            defaultSort={`count.${report.steps[0]}`}
            csv={{ path: '/api/reports/funnel', query: request }}
            attrs={{ 'data-by': report.by }}
          />
          {report.untracked && (
            <p
              class="note untracked"
              data-value={report.untracked.counts[report.steps[1] ?? ''] ?? ''}
            >
              Not in the table: {count(report.untracked.counts[report.steps[1] ?? ''])} persons with
              funnel milestones but no tracked visit (each entered at their first milestone).
            </p>
          )}
        </>
      )}
    </main>
  );
}
