// A page's own setting as a labelled select kept in the URL (`name`), like the shell's model select: a
// link carries it and the back button undoes it. The first option is the page's default; choosing it
// leaves the key out of the URL.
import { navigate, withQuery } from '../location';

export interface Choice {
  value: string;
  label: string;
}

export function QuerySelect(props: {
  label: string;
  name: string;
  query: URLSearchParams;
  choices: Choice[];
}) {
  const { name, choices } = props;
  const given = props.query.get(name);
  const value = choices.some((c) => c.value === given) ? given! : choices[0]!.value;
  return (
    <label>
      <span id={`setting-${name}`}>{props.label}</span>
      <select
        name={name}
        aria-labelledby={`setting-${name}`}
        value={value}
        onChange={(e) => {
          const v = (e.target as HTMLSelectElement).value;
          navigate(withQuery({ [name]: v === choices[0]!.value ? null : v }));
        }}
      >
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The value a QuerySelect shows: the URL's when it is one of the choices, else the default. */
export const chosen = (query: URLSearchParams, name: string, choices: Choice[]): string => {
  const given = query.get(name);
  return choices.some((c) => c.value === given) ? given! : choices[0]!.value;
};

/** The first-touch dimensions the pipeline reports group by (store: FIRST_TOUCH_DIMENSIONS). */
export const FIRST_TOUCH_CHOICES: Choice[] = [
  { value: 'source', label: 'Source' },
  { value: 'channel', label: 'Channel' },
  { value: 'medium', label: 'Medium' },
  { value: 'campaign', label: 'Campaign' },
];
