// The controls report pages share beside the date range: the attribution model, the comparison period,
// the milestone credited, the lookback window and the currency money is shown in, each in the URL
// (`model`, `compare`, `milestone`, `lookback`, `currency`), so a link carries them and the back button undoes them. An empty value is the API's
// default (the workspace's settings; the previous period). A page names the ones its API takes
// (`controls` in routes.ts); the rest are not shown.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { navigate, useLocation, withQuery } from '../location';
import { MODELS } from '../models';

export type Control = 'model' | 'compare' | 'milestone' | 'lookback' | 'currency';

/** The query keys that travel from page to page (the rest is a page's own state). */
export const GLOBAL_KEYS = [
  'workspace',
  'from',
  'to',
  'model',
  'compare',
  'milestone',
  'lookback',
  'currency',
];

const set = (key: string) => (e: Event) =>
  navigate(withQuery({ [key]: (e.target as HTMLSelectElement | HTMLInputElement).value }));

/** The workspace's funnel milestones (GET /api/funnel), once asked for. */
function useMilestones(workspace: string | null, wanted: boolean): string[] {
  const [list, setList] = useState<{ ws: string; names: string[] }>();
  useEffect(() => {
    if (!wanted || !workspace) return;
    let live = true;
    api<{ funnel: { milestones: string[] } }>('/api/funnel', { query: { workspace } })
      .then((r) => live && setList({ ws: workspace, names: r.funnel.milestones }))
      .catch(() => live && setList({ ws: workspace, names: [] }));
    return () => {
      live = false;
    };
  }, [workspace, wanted]);
  return list?.ws === workspace ? list.names : [];
}

/**
 * The currencies a report can be shown in: the workspace's and those an imported rate names (GET
 * /api/fx-rates/currencies, a viewer's read), once asked for.
 */
function useCurrencies(workspace: string | null, wanted: boolean): string[] {
  const [list, setList] = useState<{ ws: string; codes: string[] }>();
  useEffect(() => {
    if (!wanted || !workspace) return;
    let live = true;
    api<{ currencies: string[] }>('/api/fx-rates/currencies', { query: { workspace } })
      .then((r) => live && setList({ ws: workspace, codes: r.currencies }))
      .catch(() => live && setList({ ws: workspace, codes: [] }));
    return () => {
      live = false;
    };
  }, [workspace, wanted]);
  return list?.ws === workspace ? list.codes : [];
}

export function ReportControls(props: { show: Control[] }) {
  const { query } = useLocation();
  const model = query.get('model') ?? '';
  const compare = query.get('compare') ?? '';
  const milestone = query.get('milestone') ?? '';
  const lookback = query.get('lookback') ?? '';
  const currency = query.get('currency') ?? '';
  const milestones = useMilestones(query.get('workspace'), props.show.includes('milestone'));
  const currencies = useCurrencies(query.get('workspace'), props.show.includes('currency'));
  if (props.show.length === 0) return null;
  return (
    <form class="range" aria-label="Report settings" onSubmit={(e) => e.preventDefault()}>
      {props.show.includes('model') && (
        <label>
          <span>Model</span>
          <select name="model" value={model} onChange={set('model')}>
            <option value="">Default</option>
            {(MODELS.some((m) => m.name === model) || !model
              ? MODELS
              : [{ name: model, label: model }, ...MODELS]
            ).map((m) => (
              <option key={m.name} value={m.name}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {props.show.includes('milestone') && (
        <label>
          <span>Milestone</span>
          <select name="milestone" value={milestone} onChange={set('milestone')}>
            <option value="">Default</option>
            {(milestones.includes(milestone) || !milestone
              ? milestones
              : [milestone, ...milestones]
            ).map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
      )}
      {props.show.includes('lookback') && (
        <label>
          <span>Lookback (days)</span>
          <input
            name="lookback"
            type="number"
            min={1}
            max={730}
            placeholder="Default"
            value={lookback}
            onChange={set('lookback')}
          />
        </label>
      )}
      {props.show.includes('compare') && <CompareControl compare={compare} />}
      {props.show.includes('currency') && (
        <label>
          <span>Currency</span>
          <select name="currency" value={currency} onChange={set('currency')}>
            {/* the first code listed is the workspace's: the reports' default */}
            <option value="">{currencies[0] ?? 'Default'}</option>
            {(currencies.includes(currency) || !currency
              ? currencies.slice(1)
              : [currency, ...currencies.slice(1)]
            ).map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      )}
    </form>
  );
}

const CUSTOM = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/;

/**
 * The comparison period: the previous one (as many days just before), none, or custom days
 * (`compare=FROM..TO`), chosen with two date inputs that move the URL once both are set.
 */
function CompareControl(props: { compare: string }) {
  const custom = CUSTOM.exec(props.compare);
  const [picking, setPicking] = useState(false);
  const mode = custom || picking ? 'custom' : props.compare === 'none' ? 'none' : '';
  const [from, setFrom] = useState(custom?.[1] ?? '');
  const [to, setTo] = useState(custom?.[2] ?? '');
  useEffect(() => {
    setFrom(custom?.[1] ?? '');
    setTo(custom?.[2] ?? '');
  }, [props.compare]);
  const apply = (f: string, t: string) => {
    if (f && t && f <= t) navigate(withQuery({ compare: `${f}..${t}` }));
  };
  return (
    <>
      <label>
        <span>Compare to</span>
        <select
          name="compare"
          value={mode}
          onChange={(e) => {
            const v = (e.target as HTMLSelectElement).value;
            setPicking(v === 'custom');
            if (v !== 'custom') navigate(withQuery({ compare: v }));
          }}
        >
          <option value="">Previous period</option>
          <option value="none">No comparison</option>
          <option value="custom">Custom period</option>
        </select>
      </label>
      {mode === 'custom' && (
        <>
          <label>
            <span>Comparison from</span>
            <input
              type="date"
              name="compareFrom"
              value={from}
              onChange={(e) => {
                const v = (e.target as HTMLInputElement).value;
                setFrom(v);
                apply(v, to);
              }}
            />
          </label>
          <label>
            <span>Comparison until</span>
            <input
              type="date"
              name="compareTo"
              value={to}
              onChange={(e) => {
                const v = (e.target as HTMLInputElement).value;
                setTo(v);
                apply(from, v);
              }}
            />
          </label>
        </>
      )}
    </>
  );
}
