// Goals: each target of the period beside what is reached so far and where the current pace ends it
// (GET /api/reports/goals; `period` in the URL, default the month and the quarter of today), as progress
// bars with their figures in words. Admins and owners (the role PUT /api/goals declares) set the targets
// in a form below (PUT /api/goals replaces the list whole, with the CSRF token); viewers and analysts see
// the targets read-only. docs/dashboard.md, "Goals".
import { useEffect, useState } from 'preact/hooks';
import { api, apiUrl } from '../api';
import { Status } from '../components/status';
import { count, money, percent } from '../format';
import { navigate, withQuery } from '../location';
import type { PageProps } from '../routes';
import { useApi } from '../use-api';

export const METRICS = ['leads', 'pipeline', 'revenue', 'cpl'] as const;
type Metric = (typeof METRICS)[number];

export const METRIC_LABELS: Record<Metric, string> = {
  leads: 'Leads',
  pipeline: 'Pipeline',
  revenue: 'Revenue',
  cpl: 'Cost per lead',
};

interface Goal {
  period: string;
  metric: Metric;
  target: number;
}

export interface GoalProgress extends Goal {
  start: string;
  end: string;
  elapsed: number;
  actual: number | null;
  projected: number | null;
  progress: number | null;
  status: 'not_started' | 'on_track' | 'off_track' | 'met' | 'missed';
  spend?: number | null;
  leads?: number;
}

interface GoalsReport {
  at: string;
  currency: string;
  goals: GoalProgress[];
}

const STATUS: Record<GoalProgress['status'], string> = {
  not_started: 'Not started',
  on_track: 'On track',
  off_track: 'Off track',
  met: 'Met',
  missed: 'Missed',
};

/** The role PUT /api/goals needs (a change: admin, access.ts `defaultRole`). */
const ROLES = ['viewer', 'analyst', 'admin', 'owner'];
const mayWrite = (role: string | undefined) =>
  role !== undefined && ROLES.indexOf(role) >= ROLES.indexOf('admin');

const PERIOD = /^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$/;
const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

/** 2026-03 as "Mar 2026", 2026-Q1 as "Q1 2026". */
export function periodLabel(p: string): string {
  const m = PERIOD.exec(p);
  if (!m) return p;
  return m[2] !== undefined ? `${MONTHS[Number(m[2]) - 1]} ${m[1]}` : `Q${m[3]} ${m[1]}`;
}

const thisMonth = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
};

const value = (metric: Metric, v: number | null, currency: string) =>
  metric === 'leads' ? count(v) : money(v, currency);

function GoalCard(props: { goal: GoalProgress; currency: string; index: number }) {
  const { goal: g, currency } = props;
  const id = `goal-${props.index}`;
  const label = METRIC_LABELS[g.metric];
  const filled = g.progress === null ? 0 : Math.min(1, Math.max(0, g.progress));
  const pct = Math.round(filled * 100);
  const target = value(g.metric, g.target, currency);
  const actual = value(g.metric, g.actual, currency);
  const words =
    g.metric === 'cpl'
      ? g.actual === null
        ? `no cost per lead yet (no lead, or spend without a rate); target ${target} or less`
        : `cost per lead ${actual} against a target of ${target} or less`
      : `${actual} of ${target} ${g.metric === 'leads' ? 'leads' : label.toLowerCase()} (${percent(g.progress)})`;
  return (
    <section
      class={`goal ${g.status}`}
      aria-labelledby={id}
      data-period={g.period}
      data-metric={g.metric}
      data-status={g.status}
    >
      <h2 id={id}>
        {label} · {periodLabel(g.period)}
      </h2>
      <p class="goal-figures">
        <span class="actual" data-col="actual" data-value={g.actual ?? ''}>
          {actual}
        </span>
        <span class="of">
          {g.metric === 'cpl' ? ' against at most ' : ' of '}
          <span data-col="target" data-value={g.target}>
            {target}
          </span>
        </span>
        <span class={`status ${g.status}`}>{STATUS[g.status]}</span>
      </p>
      <div
        class="progress"
        role="progressbar"
        aria-labelledby={id}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${STATUS[g.status]}: ${words}; ${percent(g.elapsed)} of the period gone`}
        data-progress={g.progress ?? ''}
      >
        <div class="fill" style={{ width: `${pct}%` }} />
        <div class="elapsed" style={{ left: `${Math.round(g.elapsed * 100)}%` }} />
      </div>
      <p class="pace" data-projected={g.projected ?? ''} data-elapsed={g.elapsed}>
        {g.metric === 'cpl'
          ? `${money(g.spend ?? null, currency)} spent over ${count(g.leads ?? 0)} leads so far`
          : g.projected === null
            ? 'No pace yet: the period has not begun'
            : g.elapsed >= 1
              ? `Ended at ${value(g.metric, g.actual, currency)}`
              : `At this pace: ${value(g.metric, g.projected, currency)} by the period's end`}
        {g.elapsed < 1 && ` · ${percent(g.elapsed)} of the period gone`}
      </p>
    </section>
  );
}

interface Draft {
  key: number;
  period: string;
  metric: Metric;
  target: string;
}

let nextKey = 1;
const draftOf = (g: Goal): Draft => ({ key: nextKey++, ...g, target: String(g.target) });

/** The targets as a form: edit, add, remove, then save the whole list. */
function GoalsForm(props: {
  workspace: string;
  goals: Goal[];
  defaultPeriod: string;
  onSaved: () => void;
}) {
  const [rows, setRows] = useState<Draft[]>(() => props.goals.map(draftOf));
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => setRows(props.goals.map(draftOf)), [props.goals]);
  const change = (key: number, patch: Partial<Draft>) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const save = async (e: Event) => {
    e.preventDefault();
    setSaving(true);
    setResult(null);
    try {
      const goals = rows.map((r) => ({
        period: r.period.trim(),
        metric: r.metric,
        target: r.target.trim() === '' ? Number.NaN : Number(r.target),
      }));
      const bad = goals.findIndex((g) => !Number.isFinite(g.target));
      if (bad >= 0) throw new Error(`goals[${bad}].target: must be a number`);
      await api('/api/goals', {
        method: 'PUT',
        query: { workspace: props.workspace },
        body: { goals },
      });
      setResult({ ok: true, text: `Saved ${goals.length} goal${goals.length === 1 ? '' : 's'}.` });
      props.onSaved();
    } catch (err) {
      setResult({ ok: false, text: `Not saved: ${(err as Error).message}` });
    } finally {
      setSaving(false);
    }
  };
  return (
    <form class="goals-form" aria-labelledby="set-goals" onSubmit={(e) => void save(e)}>
      <h2 id="set-goals">Set targets</h2>
      <p class="note">
        A target per month (YYYY-MM) or quarter (YYYY-Qn) and metric. Cost per lead is met at or
        under its target. Saving replaces the whole list.
      </p>
      {rows.length === 0 ? (
        <p class="note">No targets yet.</p>
      ) : (
        <table class="report goal-rows">
          <thead>
            <tr>
              <th scope="col">Period</th>
              <th scope="col">Metric</th>
              <th scope="col">Target</th>
              <th scope="col">
                <span class="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.key}>
                <td>
                  <input
                    aria-label={`Period of goal ${i + 1}`}
                    value={r.period}
                    required
                    pattern="\d{4}-(0[1-9]|1[0-2]|Q[1-4])"
                    placeholder="2026-03 or 2026-Q1"
                    onInput={(e) => change(r.key, { period: (e.target as HTMLInputElement).value })}
                  />
                </td>
                <td>
                  <select
                    aria-label={`Metric of goal ${i + 1}`}
                    value={r.metric}
                    onChange={(e) =>
                      change(r.key, { metric: (e.target as HTMLSelectElement).value as Metric })
                    }
                  >
                    {METRICS.map((m) => (
                      <option key={m} value={m}>
                        {METRIC_LABELS[m]}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input
                    aria-label={`Target of goal ${i + 1}`}
                    type="number"
                    min="0"
                    step="any"
                    required
                    value={r.target}
                    onInput={(e) => change(r.key, { target: (e.target as HTMLInputElement).value })}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    aria-label={`Remove goal ${i + 1}`}
                    onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="form-actions">
        <button
          type="button"
          onClick={() =>
            setRows((rs) => [
              ...rs,
              draftOf({ period: props.defaultPeriod, metric: 'leads', target: 0 }),
            ])
          }
        >
          Add a goal
        </button>
        <button type="submit" class="primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save goals'}
        </button>
      </p>
      {result && (
        <p class={result.ok ? 'saved' : 'error'} role={result.ok ? 'status' : 'alert'}>
          {result.text}
        </p>
      )}
    </form>
  );
}

export default function GoalsPage(props: PageProps) {
  const q = props.query;
  const [version, setVersion] = useState(0);
  const period = q.get('period');
  const request = { workspace: props.workspace, period };
  const report = useApi<GoalsReport>('/api/reports/goals', request, version);
  const set = useApi<{ goals: Goal[] }>('/api/goals', { workspace: props.workspace }, version);
  const r = report.state === 'ok' ? report.data : undefined;
  // the last list read: the form stays (with its message) while the list is read again after a save
  const [goals, setGoals] = useState<Goal[]>();
  useEffect(() => {
    if (set.state === 'ok') setGoals(set.data.goals);
  }, [set]);
  const role = props.me.workspaces.find((w) => w.id === props.workspace)?.role;
  const writable = mayWrite(role);
  const periods = [...new Set([...(goals ?? []).map((g) => g.period), ...(period ? [period] : [])])]
    .sort()
    .reverse();
  return (
    <main class="goals">
      <h1>Goals</h1>
      <div class="goals-bar">
        <label for="goals-period">Period</label>
        <select
          id="goals-period"
          value={period ?? ''}
          onChange={(e) =>
            navigate(withQuery({ period: (e.target as HTMLSelectElement).value || null }))
          }
        >
          <option value="">This month and quarter</option>
          {periods.map((p) => (
            <option key={p} value={p}>
              {periodLabel(p)}
            </option>
          ))}
        </select>
      </div>
      <Status of={report} />
      {r && (
        <>
          <p class="range-note" data-at={r.at}>
            Progress as of{' '}
            {new Date(r.at).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })},{' '}
            {r.currency}
          </p>
          {r.goals.length === 0 ? (
            <p class="empty-goals">
              No target for {period ? periodLabel(period) : 'this month or this quarter'}.{' '}
              {writable ? 'Set one below.' : 'An admin or owner of the workspace sets the targets.'}
            </p>
          ) : (
            <div class="goal-cards">
              {r.goals.map((g, i) => (
                <GoalCard
                  key={`${g.period}|${g.metric}`}
                  goal={g}
                  currency={r.currency}
                  index={i}
                />
              ))}
            </div>
          )}
          <p class="table-actions">
            <a
              class="csv"
              href={apiUrl('/api/reports/goals', { ...request, format: 'csv' })}
              download="goals.csv"
            >
              Export CSV
            </a>
          </p>
        </>
      )}
      {writable ? (
        goals ? (
          <GoalsForm
            workspace={props.workspace}
            goals={goals}
            defaultPeriod={period ?? thisMonth()}
            onSaved={() => setVersion((v) => v + 1)}
          />
        ) : (
          <Status of={set} />
        )
      ) : (
        <p class="note read-only" data-read-only="true">
          You see the goals read-only: setting targets needs the admin or owner role in this
          workspace{role ? ` (yours: ${role})` : ''}.
        </p>
      )}
    </main>
  );
}
