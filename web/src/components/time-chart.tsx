// A time series chart on uPlot (docs/dashboard.md: small, fast on thousands of points, canvas). Sized to
// its container and redrawn when the data changes.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { valueAxisSize } from './axis-size';

const DAY = 86_400;
const DAY_STEPS = [1, 2, 7, 14, 30, 91, 182, 365].map((n) => n * DAY);

export interface Series {
  label: string;
  color: string;
  values: (number | null)[];
}

export function TimeChart(props: {
  days: string[];
  series: Series[];
  title: string;
  format: (v: number) => string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const xs = props.days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
    const plot = new uPlot(
      {
        width: Math.max(el.clientWidth, 300),
        height: 260,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        series: [
          {},
          ...props.series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : props.format(v)),
          })),
        ],
        axes: [
          // one tick a day at most: the series are daily (the time zone's days, drawn as UTC)
          {
            incrs: DAY_STEPS,
            values: (_u, ticks) => ticks.map((t) => new Date(t * 1000).toISOString().slice(5, 10)),
          },
          { values: (_u, ticks) => ticks.map((t) => props.format(t)), size: valueAxisSize },
        ],
      },
      [xs, ...props.series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(el.clientWidth, 300), height: 260 }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.days, props.series]);
  return <figure class="chart" aria-label={props.title} ref={box} />;
}
