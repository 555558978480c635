// A labelled select whose value is one key of the URL (a page's own view state: a grouping, a step), so
// a link carries it and the back button undoes it. The first option is the default: choosing it removes
// the key.
import { navigate, withQuery } from '../location';

export function UrlSelect(props: {
  label: string;
  /** The URL key (and the select's name). */
  name: string;
  value: string;
  options: readonly { value: string; label: string }[];
  /** Keys to clear with a change (a sort on columns the new view may not have). */
  clear?: readonly string[];
  disabled?: boolean;
  /** The id of a note saying why the select is as it is (e.g. disabled). */
  describedBy?: string | undefined;
}) {
  const first = props.options[0]?.value;
  return (
    <label class="url-select">
      <span>{props.label}</span>
      <select
        name={props.name}
        aria-label={props.label}
        value={props.value}
        disabled={props.disabled}
        aria-describedby={props.describedBy}
        onChange={(e) => {
          const v = (e.target as HTMLSelectElement).value;
          const cleared = Object.fromEntries((props.clear ?? []).map((k) => [k, null]));
          navigate(withQuery({ ...cleared, [props.name]: v === first ? null : v }));
        }}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
