// Channels, then a channel's campaigns, a campaign's ad groups and an ad group's keywords: the performance
// report (docs/reports.md, "performance") as sortable tables with totals, each level filtered to the rows
// drilled into. The drill path and the sort are in the URL (`channel`, `campaign`, `adGroup`, `sort`,
// `dir`), so the back button climbs out again. Each row opens its leads (the journeys page, filtered).
import { DataTable, type Column, type Row } from '../components/data-table';
import { Status } from '../components/status';
import { withQuery } from '../location';
import { modelLabel } from '../models';
import type { PageProps } from '../routes';
import { useApi } from '../use-api';

interface Performance {
  from: string;
  to: string;
  currency: string;
  model: string;
  rows: Row[];
  totals: Row;
}

/** The levels, each the dimension of the table shown once the ones before it are chosen. */
const LEVELS = [
  { dim: 'channel', label: 'Channel', plural: 'Channels' },
  { dim: 'campaign', label: 'Campaign', plural: 'Campaigns' },
  { dim: 'adGroup', label: 'Ad group', plural: 'Ad groups' },
  { dim: 'keyword', label: 'Keyword', plural: 'Keywords' },
] as const;

const METRICS: Column[] = [
  { key: 'spend', label: 'Spend', kind: 'money' },
  { key: 'sessions', label: 'Sessions', kind: 'count' },
  { key: 'leads', label: 'Leads', kind: 'count' },
  { key: 'opportunities', label: 'Opportunities', kind: 'count' },
  { key: 'customers', label: 'Customers', kind: 'count' },
  { key: 'pipeline', label: 'Pipeline', kind: 'money' },
  { key: 'revenue', label: 'Revenue', kind: 'money' },
  { key: 'cpl', label: 'CPL', kind: 'money' },
  { key: 'cac', label: 'CAC', kind: 'money' },
  { key: 'roas', label: 'ROAS', kind: 'times' },
  { key: 'session_to_lead', label: 'Session → lead', kind: 'percent' },
];

/** Leaves the drill (and the sort) below level `i`. */
const clearBelow = (i: number) =>
  Object.fromEntries([
    ...LEVELS.slice(i).map((l) => [l.dim, null]),
    ['sort', null],
    ['dir', null],
  ]) as Record<string, null>;

export default function ChannelsPage(props: PageProps) {
  const q = props.query;
  // the drill path: the values chosen so far, in order (a gap ends it)
  const chosen: string[] = [];
  for (const l of LEVELS.slice(0, -1)) {
    const v = q.get(l.dim);
    if (v === null) break;
    chosen.push(v);
  }
  const level = LEVELS[chosen.length]!;
  const filter = chosen.map((v, i) => `${LEVELS[i]!.dim}:${v}`).join(',');
  const request = {
    workspace: props.workspace,
    from: q.get('from'),
    to: q.get('to'),
    model: q.get('model'),
    currency: q.get('currency'),
    groupBy: level.dim,
    filter: filter || null,
  };
  const result = useApi<Performance>('/api/reports/performance', request);
  const report = result.state === 'ok' ? result.data : undefined;
  const isLast = chosen.length === LEVELS.length - 1;
  // a row's leads: the journeys page, filtered to the drill path and the row
  const leadsOf = (r: Row) => {
    const v = r[level.dim];
    if (v === null || v === undefined) return null;
    const path = [...chosen, String(v)];
    const keys = Object.fromEntries(path.map((x, i) => [LEVELS[i]!.dim, x]));
    return withQuery({ ...clearBelow(0), ...keys }, '/journeys');
  };
  const columns: Column[] = [
    {
      key: level.dim,
      label: level.label,
      kind: 'text',
      href: isLast
        ? undefined
        : (r) =>
            r[level.dim] === null
              ? null
              : withQuery({ ...clearBelow(chosen.length), [level.dim]: String(r[level.dim]) }),
    },
    ...METRICS,
    { key: '__leads', label: 'People', kind: 'text', href: leadsOf, sortable: false },
  ];
  const rows = (report?.rows ?? []).map((r) => ({ ...r, __leads: 'Leads →' }));
  return (
    <main class="channels">
      <h1>
        {chosen.length === 0 ? (
          'Channels'
        ) : (
          <>
            <a href={withQuery(clearBelow(0))}>Channels</a>
            {chosen.map((v, i) => (
              <span key={i}>
                {' › '}
                {i === chosen.length - 1 ? v : <a href={withQuery(clearBelow(i + 1))}>{v}</a>}
              </span>
            ))}
          </>
        )}
      </h1>
      <Status of={result} />
      {report && (
        <>
          <p class="range-note">
            {report.from} to {report.to}, {report.currency}, credited by {modelLabel(report.model)}
          </p>
          <DataTable
            caption={level.plural}
            columns={columns}
            rows={rows}
            totals={report.totals}
            currency={report.currency}
            query={q}
            defaultSort="spend"
            csv={{ path: '/api/reports/performance', query: request }}
            attrs={{ 'data-dimension': level.dim, 'data-model': report.model }}
          />
        </>
      )}
    </main>
  );
}
