// The date range of every report: `from` and `to` (days, inclusive, the workspace's time zone) in the
// URL. Empty means the API's default (the 30 days up to today); presets count back from today.
import { navigate, useLocation, withQuery } from '../location';

const day = (d: Date) => d.toISOString().slice(0, 10);
const daysAgo = (n: number) => day(new Date(Date.now() - n * 86_400_000));

const PRESETS: [string, number][] = [
  ['7 days', 7],
  ['30 days', 30],
  ['90 days', 90],
];

export function DateRange() {
  const { query } = useLocation();
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const set = (changes: { from?: string; to?: string }) => navigate(withQuery(changes));
  return (
    <form class="range" aria-label="Date range" onSubmit={(e) => e.preventDefault()}>
      <label>
        <span>From</span>
        <input
          type="date"
          name="from"
          value={from}
          onChange={(e) => set({ from: (e.target as HTMLInputElement).value })}
        />
      </label>
      <label>
        <span>To</span>
        <input
          type="date"
          name="to"
          value={to}
          onChange={(e) => set({ to: (e.target as HTMLInputElement).value })}
        />
      </label>
      {PRESETS.map(([label, n]) => (
        <button
          key={label}
          type="button"
          aria-pressed={to === daysAgo(0) && from === daysAgo(n - 1)}
          onClick={() => set({ from: daysAgo(n - 1), to: daysAgo(0) })}
        >
          {label}
        </button>
      ))}
    </form>
  );
}
