// The controls every report page shares beside the date range: the attribution model and the comparison
// period, both in the URL (`model`, `compare`), so a link carries them and the back button undoes them.
// An empty value is the API's default (the workspace's reportModel; the previous period).
import { navigate, useLocation, withQuery } from '../location';
import { MODELS } from '../models';

/** The query keys that travel from page to page (the rest is a page's own state). */
export const GLOBAL_KEYS = ['workspace', 'from', 'to', 'model', 'compare'];

/** The controls a page's API takes; none: nothing shown. */
export function ReportControls(props: { show: ('model' | 'compare')[] }) {
  const { query } = useLocation();
  const model = query.get('model') ?? '';
  const compare = query.get('compare') ?? '';
  if (props.show.length === 0) return null;
  return (
    <form class="range" aria-label="Report settings" onSubmit={(e) => e.preventDefault()}>
      {props.show.includes('model') && (
        <label>
          <span>Model</span>
          <select
            name="model"
            value={model}
            onChange={(e) => navigate(withQuery({ model: (e.target as HTMLSelectElement).value }))}
          >
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
      {props.show.includes('compare') && (
        <label>
          <span>Compare to</span>
          <select
            name="compare"
            value={compare === 'none' ? 'none' : ''}
            onChange={(e) =>
              navigate(withQuery({ compare: (e.target as HTMLSelectElement).value }))
            }
          >
            <option value="">Previous period</option>
            <option value="none">No comparison</option>
          </select>
        </label>
      )}
    </form>
  );
}
