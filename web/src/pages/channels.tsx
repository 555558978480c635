// Channels, then a channel's campaigns: the performance report (docs/reports.md, "performance") as a
// sortable table with totals. The channel drilled into and the sort are in the URL (`channel`, `sort`,
// `dir`), so the back button climbs out again.
import { Status } from '../components/status';
import { count, money, percent, times } from '../format';
import { navigate, withQuery } from '../location';
import type { PageProps } from '../routes';
import { useApi } from '../use-api';

type Row = Record<string, string | number | null>;
interface Performance {
  from: string;
  to: string;
  currency: string;
  model: string;
  rows: Row[];
  totals: Row;
}

interface Column {
  key: string;
  label: string;
  show: (v: number | null, currency: string) => string;
}

const COLUMNS: Column[] = [
  { key: 'spend', label: 'Spend', show: money },
  { key: 'sessions', label: 'Sessions', show: count },
  { key: 'leads', label: 'Leads', show: count },
  { key: 'opportunities', label: 'Opportunities', show: count },
  { key: 'customers', label: 'Customers', show: count },
  { key: 'pipeline', label: 'Pipeline', show: money },
  { key: 'revenue', label: 'Revenue', show: money },
  { key: 'cpl', label: 'CPL', show: money },
  { key: 'cac', label: 'CAC', show: money },
  { key: 'roas', label: 'ROAS', show: times },
  { key: 'session_to_lead', label: 'Session → lead', show: percent },
];

// the rule-based models a workspace stores credits under (docs/attribution.md); the API says which
// model a report used, and refuses an unknown one naming `model`
const MODELS: [string, string][] = [
  ['first_touch', 'First touch'],
  ['last_touch', 'Last touch'],
  ['last_non_direct', 'Last non-direct'],
  ['linear', 'Linear'],
  ['time_decay', 'Time decay'],
  ['position_based', 'Position based'],
  ['u_shaped', 'U-shaped'],
  ['w_shaped', 'W-shaped'],
  ['full_path', 'Full path'],
];

const num = (v: unknown) => (typeof v === 'number' ? v : null);

export default function ChannelsPage(props: PageProps) {
  const q = props.query;
  const channel = q.get('channel');
  const dim = channel ? 'campaign' : 'channel';
  const sort = q.get('sort') ?? 'spend';
  const dir = q.get('dir') === 'asc' ? 'asc' : 'desc';
  const result = useApi<Performance>('/api/reports/performance', {
    workspace: props.workspace,
    from: q.get('from'),
    to: q.get('to'),
    model: q.get('model'),
    groupBy: dim,
    filter: channel ? `channel:${channel}` : null,
  });
  const report = result.state === 'ok' ? result.data : undefined;
  const rows = report
    ? [...report.rows].sort((a, b) => {
        const x = sort === dim ? String(a[dim] ?? '') : (num(a[sort]) ?? -Infinity);
        const y = sort === dim ? String(b[dim] ?? '') : (num(b[sort]) ?? -Infinity);
        const c = x < y ? -1 : x > y ? 1 : 0;
        return dir === 'asc' ? c : -c;
      })
    : [];
  const header = (key: string, label: string) => {
    const active = sort === key;
    const next = active && dir === 'desc' ? 'asc' : 'desc';
    return (
      <th
        key={key}
        scope="col"
        aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}
      >
        <a href={withQuery({ sort: key, dir: next })}>
          {label}
          {active ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
        </a>
      </th>
    );
  };
  return (
    <main class="channels">
      <h1>
        {channel ? (
          <>
            <a href={withQuery({ channel: null, sort: null, dir: null })}>Channels</a> › {channel}
          </>
        ) : (
          'Channels'
        )}
      </h1>
      <Status of={result} />
      {report && (
        <>
          <p class="range-note">
            {report.from} to {report.to}, {report.currency}{' '}
            <label>
              <span>Model</span>{' '}
              <select
                name="model"
                value={report.model}
                onChange={(e) =>
                  navigate(withQuery({ model: (e.target as HTMLSelectElement).value }))
                }
              >
                {(MODELS.some(([m]) => m === report.model)
                  ? MODELS
                  : [[report.model, report.model] as [string, string], ...MODELS]
                ).map(([m, label]) => (
                  <option key={m} value={m}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
          </p>
          <table class="report" data-dimension={dim} data-model={report.model}>
            <thead>
              <tr>
                {header(dim, dim === 'channel' ? 'Channel' : 'Campaign')}
                {COLUMNS.map((c) => header(c.key, c.label))}
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && (
                <tr>
                  <td colSpan={COLUMNS.length + 1}>Nothing in this range.</td>
                </tr>
              )}
              {rows.map((r) => {
                const name = r[dim] === null ? '(none)' : String(r[dim]);
                return (
                  <tr key={name} data-row={name}>
                    <th scope="row">
                      {channel || r[dim] === null ? (
                        name
                      ) : (
                        <a href={withQuery({ channel: name, sort: null, dir: null })}>{name}</a>
                      )}
                    </th>
                    {COLUMNS.map((c) => (
                      <td key={c.key} data-col={c.key} data-value={num(r[c.key]) ?? ''}>
                        {c.show(num(r[c.key]), report.currency)}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
            <tfoot>
              <tr data-row="(total)">
                <th scope="row">Total</th>
                {COLUMNS.map((c) => (
                  <td key={c.key} data-col={c.key} data-value={num(report.totals[c.key]) ?? ''}>
                    {c.show(num(report.totals[c.key]), report.currency)}
                  </td>
                ))}
              </tr>
            </tfoot>
          </table>
        </>
      )}
    </main>
  );
}
