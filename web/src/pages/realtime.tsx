// Realtime: visitors and events of the last minutes, updating live. The first paint is the realtime
// report (GET /api/reports/realtime); then the Server-Sent Events stream of the same snapshot
// (GET /api/reports/realtime/stream: one at once, one as events arrive, at most a second apart) replaces
// it, with no reload. Doubles as the live check after installing the snippet: with nothing in the
// window the page shows the workspace's snippet (GET /api/tracker/snippet) and a test event to send.
// docs/dashboard.md, "Realtime".
import { useEffect, useMemo, useState } from 'preact/hooks';
import { apiUrl } from '../api';
import { BarChart, PALETTE, type BarSeries } from '../components/bar-chart';
import { DataTable, type Column, type Row } from '../components/data-table';
import { Status } from '../components/status';
import { count } from '../format';
import { navigate, withQuery } from '../location';
import type { PageProps } from '../routes';
import { useApi } from '../use-api';

export interface RealtimeSnapshot {
  since: string;
  until: string;
  minutes: number;
  visitors: number;
  events: number;
  pageViews: number;
  eventsPerMinute: number;
  perMinute: { minute: string; events: number; visitors: number }[];
  topPages: { page: string; views: number; visitors: number }[];
  topSources: { source: string; medium: string; channel: string; sessions: number }[];
}

type Connection = 'connecting' | 'live' | 'reconnecting' | 'closed';

/** The stream's latest snapshot for `url` (none yet: undefined) and the connection's state. */
function useSnapshots(url: string): { snap: RealtimeSnapshot | undefined; connection: Connection } {
  const [state, setState] = useState<{ url: string; snap?: RealtimeSnapshot; c: Connection }>({
    url,
    c: 'connecting',
  });
  useEffect(() => {
    setState({ url, c: 'connecting' });
    // same origin: the session cookie goes with it; EventSource reconnects by itself after a drop
    const es = new EventSource(url);
    es.addEventListener('snapshot', (e) => {
      const snap = JSON.parse((e as MessageEvent<string>).data) as RealtimeSnapshot;
      setState({ url, snap, c: 'live' });
    });
    es.onopen = () => setState((s) => ({ ...s, c: 'live' }));
    es.onerror = () =>
      setState((s) => ({
        ...s,
        c: es.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting',
      }));
    return () => es.close();
  }, [url]);
  return state.url === url
    ? { snap: state.snap, connection: state.c }
    : { snap: undefined, connection: 'connecting' };
}

const WINDOWS = [5, 15, 30, 60, 120];

const CONNECTION_TEXT: Record<Connection, string> = {
  connecting: 'Connecting…',
  live: 'Live: updates as events arrive',
  reconnecting: 'Connection lost, reconnecting…',
  closed: 'Not updating: reload the page to try again',
};

const PAGE_COLUMNS: Column[] = [
  { key: 'page', label: 'Page', kind: 'text' },
  { key: 'views', label: 'Views', kind: 'count' },
  { key: 'visitors', label: 'Visitors', kind: 'count' },
];

const SOURCE_COLUMNS: Column[] = [
  { key: 'source', label: 'Source', kind: 'text' },
  { key: 'medium', label: 'Medium', kind: 'text' },
  { key: 'channel', label: 'Channel', kind: 'text' },
  { key: 'sessions', label: 'Sessions', kind: 'count' },
];

const hhmm = (iso: string) =>
  new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });

interface Snippet {
  writeKey: string;
  src: string;
  html: string;
}

/**
 * How to get a first event here: the workspace's snippet (GET /api/tracker/snippet), or one event by
 * hand with its write key. Until the snippet is read (or if it cannot be), a placeholder stands in.
 */
function InstallHint(props: { workspace: string }) {
  const got = useApi<Snippet>('/api/tracker/snippet', { workspace: props.workspace });
  const snippet = got.state === 'ok' ? got.data : undefined;
  const key = snippet?.writeKey ?? 'YOUR_WRITE_KEY';
  const origin = snippet ? new URL(snippet.src).origin : location.origin;
  const html = snippet?.html ?? `<script defer src="${origin}/cl.js" data-key="${key}"></script>`;
  const test = `curl -u ${key}: -H 'content-type: application/json' \\\n  -d '{"batch":[{"type":"track","event":"Test event","anonymousId":"test-visitor"}]}' \\\n  ${origin}/v1/batch`;
  return (
    <section
      class="install-hint"
      aria-labelledby="install-hint"
      data-snippet={snippet ? 'workspace' : 'placeholder'}
    >
      <h2 id="install-hint">Nothing yet? Check the install</h2>
      <p>
        Paste this snippet into the <code>&lt;head&gt;</code> of every page of your site, then open
        a page: the visit shows here within a second or two, with no reload.
      </p>
      <pre tabIndex={0} aria-label="The snippet">
        <code>{html}</code>
      </pre>
      <p>Or send a test event by hand:</p>
      <pre tabIndex={0} aria-label="A test event">
        <code>{test}</code>
      </pre>
    </section>
  );
}

export default function RealtimePage(props: PageProps) {
  const q = props.query;
  const request = { workspace: props.workspace, minutes: q.get('minutes') };
  const first = useApi<RealtimeSnapshot>('/api/reports/realtime', request);
  const live = useSnapshots(apiUrl('/api/reports/realtime/stream', request));
  // the stream's snapshot once it has one (it is the newer), else the report's
  const snap = live.snap ?? (first.state === 'ok' ? first.data : undefined);
  const categories = useMemo(() => snap?.perMinute.map((m) => hhmm(m.minute)) ?? [], [snap]);
  const series = useMemo<BarSeries[]>(
    () => [
      { label: 'Events', color: PALETTE[0]!, values: snap?.perMinute.map((m) => m.events) ?? [] },
      {
        label: 'Visitors',
        color: PALETTE[1]!,
        values: snap?.perMinute.map((m) => m.visitors) ?? [],
      },
    ],
    [snap],
  );
  const minutes = snap?.minutes ?? Number(q.get('minutes') ?? 30);
  const kpis = snap
    ? [
        { key: 'visitors', label: 'Visitors', value: snap.visitors },
        { key: 'events', label: 'Events', value: snap.events },
        { key: 'pageViews', label: 'Page views', value: snap.pageViews },
        { key: 'eventsPerMinute', label: 'Events a minute', value: snap.eventsPerMinute },
      ]
    : [];
  return (
    <main class="realtime">
      <h1>Realtime</h1>
      <div class="realtime-bar">
        <label for="realtime-window">Window</label>
        <select
          id="realtime-window"
          value={String(minutes)}
          onChange={(e) =>
            navigate(
              withQuery({
                minutes:
                  (e.target as HTMLSelectElement).value === '30'
                    ? null
                    : (e.target as HTMLSelectElement).value,
              }),
            )
          }
        >
          {WINDOWS.map((m) => (
            <option key={m} value={String(m)}>
              Last {m} minutes
            </option>
          ))}
        </select>
        <p class={`connection ${live.connection}`} role="status" data-connection={live.connection}>
          <span aria-hidden="true" class="dot" /> {CONNECTION_TEXT[live.connection]}
        </p>
      </div>
      {!snap && <Status of={first} />}
      {snap && (
        <>
          <p class="range-note" data-since={snap.since}>
            {hhmm(snap.since)} to {hhmm(snap.until)}, by each event's own time
          </p>
          <div class="kpis">
            {kpis.map((k) => (
              <section
                key={k.key}
                class="kpi"
                data-metric={k.key}
                data-value={k.value}
                aria-labelledby={`rt-${k.key}`}
              >
                <h2 id={`rt-${k.key}`}>{k.label}</h2>
                <p class="value">{count(k.value)}</p>
              </section>
            ))}
          </div>
          {snap.events === 0 && <InstallHint workspace={props.workspace} />}
          <h2>Events and visitors a minute</h2>
          <BarChart
            title={`Events and visitors a minute, last ${snap.minutes} minutes`}
            categories={categories}
            series={series}
            format={(v) => count(v)}
            height={200}
            labelEvery={Math.ceil(snap.minutes / 15)}
          />
          <div class="realtime-tables">
            <section aria-labelledby="rt-pages">
              <h2 id="rt-pages">Top pages</h2>
              <DataTable
                caption="Top pages"
                columns={PAGE_COLUMNS}
                rows={snap.topPages as unknown as Row[]}
                query={q}
                prefix="pages_"
                defaultSort="views"
                empty="No page viewed in this window."
                attrs={{ 'data-table': 'pages' }}
              />
            </section>
            <section aria-labelledby="rt-sources">
              <h2 id="rt-sources">Sources of the sessions active now</h2>
              <DataTable
                caption="Top sources"
                columns={SOURCE_COLUMNS}
                rows={snap.topSources as unknown as Row[]}
                query={q}
                prefix="sources_"
                defaultSort="sessions"
                empty="No session active in this window."
                rowKey={(r) => `${String(r.source)}|${String(r.medium)}|${String(r.channel)}`}
                attrs={{ 'data-table': 'sources' }}
              />
            </section>
          </div>
          <p class="table-actions">
            <a
              class="csv"
              href={apiUrl('/api/reports/realtime', { ...request, format: 'csv' })}
              download="realtime.csv"
            >
              Export CSV (pages and sources)
            </a>
          </p>
        </>
      )}
    </main>
  );
}
