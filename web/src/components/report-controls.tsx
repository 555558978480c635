// The controls report pages share beside the date range: the attribution model, the comparison period,
// the milestone credited and the lookback window, each in the URL (`model`, `compare`, `milestone`,
// `lookback`), so a link carries them and the back button undoes them. An empty value is the API's
// default (the workspace's settings; the previous period). A page names the ones its API takes
// (`controls` in routes.ts); the rest are not shown.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { navigate, useLocation, withQuery } from '../location';
import { MODELS } from '../models';

export type Control = 'model' | 'compare' | 'milestone' | 'lookback';

/** The query keys that travel from page to page (the rest is a page's own state). */
export const GLOBAL_KEYS = ['workspace', 'from', 'to', 'model', 'compare', 'milestone', 'lookback'];

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

export function ReportControls(props: { show: Control[] }) {
  const { query } = useLocation();
  const model = query.get('model') ?? '';
  const compare = query.get('compare') ?? '';
  const milestone = query.get('milestone') ?? '';
  const lookback = query.get('lookback') ?? '';
  const milestones = useMilestones(query.get('workspace'), props.show.includes('milestone'));
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
      {props.show.includes('compare') && (
        <label>
          <span>Compare to</span>
          <select name="compare" value={compare === 'none' ? 'none' : ''} onChange={set('compare')}>
            <option value="">Previous period</option>
            <option value="none">No comparison</option>
          </select>
        </label>
      )}
    </form>
  );
}
