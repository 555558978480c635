// Journeys: the leads (or customers, ... : `milestone`) of the range, newest first, a page at a time, each
// with its path of touches as channel chips and a link to the person's timeline. A search box (`search`)
// and the drill path of the channels page (`channel`, `campaign`, `adGroup`, `ad`, `keyword`) narrow the
// list; all of it is in the URL. GET /api/reports/journeys (docs/reports.md, "journeys").
import { apiUrl } from '../api';
import { GLOBAL_KEYS } from '../components/report-controls';
import { Status } from '../components/status';
import { count } from '../format';
import { navigate, withQuery } from '../location';
import type { PageProps } from '../routes';
import { useApi } from '../use-api';

interface Touch {
  sessionId: string;
  at: string;
  channel: string;
  source: string;
  medium: string;
  campaign: string | null;
}

interface JourneyPerson {
  personId: string;
  reachedAt: string;
  value: number | null;
  email: string | null;
  touchCount: number;
  firstTouch: string | null;
  lastTouch: string | null;
  path: Touch[];
}

export interface Journeys {
  milestone: string;
  from: string;
  to: string;
  total: number;
  limit: number;
  offset: number;
  next: number | null;
  persons: JourneyPerson[];
}

const MILESTONES = [
  { name: 'lead', label: 'Leads' },
  { name: 'mql', label: 'MQLs' },
  { name: 'sql', label: 'SQLs' },
  { name: 'opportunity', label: 'Opportunities' },
  { name: 'customer', label: 'Customers' },
];

/** The drill path's filters the list takes, in the channels page's order. */
export const FILTERS = [
  { key: 'channel', label: 'Channel' },
  { key: 'campaign', label: 'Campaign' },
  { key: 'adGroup', label: 'Ad group' },
  { key: 'ad', label: 'Ad' },
  { key: 'keyword', label: 'Keyword' },
] as const;

export const PAGE_SIZE = 25;

/** A person's timeline, keeping only the query keys every page shares (workspace, range, model). */
export function personHref(personId: string): string {
  const q = new URLSearchParams(
    [...new URLSearchParams(location.search)].filter(([k]) => GLOBAL_KEYS.includes(k)),
  );
  q.set('id', personId);
  return `/person?${q.toString()}`;
}

const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;

export default function JourneysPage(props: PageProps) {
  const q = props.query;
  const milestone = q.get('milestone') ?? 'lead';
  const search = q.get('search') ?? '';
  const offset = Math.max(0, Number(q.get('offset') ?? 0) || 0);
  const active = FILTERS.filter((f) => q.get(f.key));
  const request = {
    workspace: props.workspace,
    milestone,
    from: q.get('from'),
    to: q.get('to'),
    ...Object.fromEntries(FILTERS.map((f) => [f.key, q.get(f.key)])),
    search: search || null,
    limit: PAGE_SIZE,
    offset: offset || null,
  };
  const result = useApi<Journeys>('/api/reports/journeys', request);
  const report = result.state === 'ok' ? result.data : undefined;
  const label = MILESTONES.find((m) => m.name === milestone)?.label ?? milestone;

  return (
    <main class="journeys">
      <h1>Journeys</h1>
      <form
        class="page-controls"
        role="search"
        aria-label="Find people"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          navigate(withQuery({ search: String(data.get('search') ?? '').trim(), offset: null }));
        }}
      >
        <label>
          <span>Show</span>
          <select
            name="milestone"
            value={milestone}
            onChange={(e) =>
              navigate(
                withQuery({ milestone: (e.target as HTMLSelectElement).value, offset: null }),
              )
            }
          >
            {MILESTONES.map((m) => (
              <option key={m.name} value={m.name}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Search</span>
          <input
            type="search"
            name="search"
            key={search}
            defaultValue={search}
            minLength={2}
            placeholder="e-mail, user id or name"
          />
        </label>
        <button type="submit">Search</button>
        {search && (
          <a class="clear" href={withQuery({ search: null, offset: null })}>
            Clear search
          </a>
        )}
      </form>
      {active.length > 0 && (
        <ul class="active-filters" aria-label="Active filters">
          {active.map((f) => (
            <li key={f.key} data-filter={f.key} data-value={q.get(f.key)!}>
              <span>
                {f.label}: <strong>{q.get(f.key)}</strong>
              </span>{' '}
              <a
                href={withQuery({ [f.key]: null, offset: null })}
                aria-label={`Remove the ${f.label.toLowerCase()} filter`}
              >
                ×
              </a>
            </li>
          ))}
        </ul>
      )}
      <Status of={result} />
      {report && (
        <>
          <p class="range-note" data-total={report.total}>
            {report.total === 0
              ? `No ${label.toLowerCase()} `
              : `${count(report.total)} ${label.toLowerCase()} `}
            first reached {report.from} to {report.to}
            {report.total > 0 &&
              `, showing ${report.offset + 1}–${report.offset + report.persons.length}`}
          </p>
          {report.persons.length === 0 ? (
            <p class="empty">
              Nobody here.{' '}
              {search || active.length > 0 ? 'Try fewer filters or another search.' : ''}
            </p>
          ) : (
            <div class="table-box">
              <table class="report people" aria-label={`${label} and their paths`}>
                <thead>
                  <tr>
                    <th scope="col">Person</th>
                    <th scope="col">Reached</th>
                    <th scope="col">Value</th>
                    <th scope="col">Touches</th>
                    <th scope="col">Path to {milestone}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.persons.map((p) => (
                    <tr key={p.personId} data-person={p.personId}>
                      <th scope="row" data-col="person">
                        <a href={personHref(p.personId)}>{p.email ?? p.personId}</a>
                      </th>
                      <td data-col="reachedAt" data-value={p.reachedAt}>
                        {when(p.reachedAt)}
                      </td>
                      <td data-col="value" data-value={p.value ?? ''}>
                        {p.value === null ? '—' : count(p.value)}
                      </td>
                      <td data-col="touchCount" data-value={p.touchCount}>
                        {count(p.touchCount)}
                      </td>
                      <td data-col="path">
                        {p.path.length === 0 ? (
                          <span class="muted">no visits</span>
                        ) : (
                          <ol class="chips">
                            {p.touchCount > p.path.length && (
                              <li class="more">+{p.touchCount - p.path.length} earlier</li>
                            )}
                            {p.path.map((t) => (
                              <li
                                key={t.sessionId}
                                class="chip"
                                data-channel={t.channel}
                                title={`${when(t.at)} ${t.source} / ${t.medium}${t.campaign ? ` (${t.campaign})` : ''}`}
                              >
                                {t.channel}
                              </li>
                            ))}
                          </ol>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p class="table-actions">
                <a
                  class="csv"
                  href={apiUrl('/api/reports/journeys', { ...request, format: 'csv' })}
                  download="journeys.csv"
                >
                  Export CSV
                </a>
              </p>
            </div>
          )}
          {(report.offset > 0 || report.next !== null) && (
            <nav class="pager" aria-label="Pages">
              {report.offset > 0 ? (
                <a
                  href={withQuery({
                    offset: String(Math.max(0, report.offset - report.limit)) || null,
                  })}
                  rel="prev"
                >
                  ← Previous
                </a>
              ) : (
                <span />
              )}
              {report.next !== null && (
                <a href={withQuery({ offset: String(report.next) })} rel="next">
                  Next →
                </a>
              )}
            </nav>
          )}
        </>
      )}
    </main>
  );
}
