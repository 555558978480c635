// Bars by category on uPlot (the time-chart's library, docs/dashboard.md): one series draws plain bars,
// several draw grouped bars side by side (a model comparison, a stage by source). Each series' bars are
// placed by uPlot's `disp` facets, in the x scale's own units: category k spans k-0.4 .. k+0.4.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { valueAxisSize } from './axis-size';

export interface BarSeries {
  label: string;
  color: string;
  values: (number | null)[];
}

/** A palette with enough contrast on white for up to twelve series (every stored model side by side). */
export const PALETTE = [
  '#1d4ed8',
  '#b45309',
  '#047857',
  '#b91c1c',
  '#6d28d9',
  '#0e7490',
  '#be185d',
  '#4d7c0f',
  '#475569',
  '#a16207',
  '#111827',
  '#c026d3',
];

const GROUP = 0.8;

export function BarChart(props: {
  categories: string[];
  series: BarSeries[];
  title: string;
  format: (v: number) => string;
  height?: number;
  /** Label every nth category on the axis (many narrow categories: minutes); default every one. */
  labelEvery?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const height = props.height ?? 260;
  useEffect(() => {
    const el = box.current;
    if (!el || props.categories.length === 0) return;
    const n = props.series.length;
    const width = GROUP / Math.max(n, 1);
    const xs = props.categories.map((_c, k) => k);
    const plot = new uPlot(
      {
        width: Math.max(el.clientWidth, 300),
        height,
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: false, range: [-0.5, props.categories.length - 0.5] },
          y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] },
        },
        series: [
          {
            value: (_u: uPlot, k: number | null) => (k === null ? '' : (props.categories[k] ?? '')),
          },
          ...props.series.map((s, i) => ({
            label: s.label,
            stroke: s.color,
            fill: s.color,
            width: 0,
            points: { show: false },
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : props.format(v)),
            paths: uPlot.paths.bars!({
              disp: {
                x0: {
                  unit: 1,
                  values: () => xs.map((k) => k - GROUP / 2 + i * width),
                },
                size: { unit: 1, values: () => xs.map(() => width) },
              },
            }),
          })),
        ],
        axes: [
          {
            splits: () => xs,
            values: (_u, ticks) =>
              ticks.map((k) =>
                k % (props.labelEvery ?? 1) === 0 ? (props.categories[k] ?? '') : '',
              ),
            gap: 4,
          },
          { values: (_u, ticks) => ticks.map((t) => props.format(t)), size: valueAxisSize },
        ],
      },
      [xs, ...props.series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(el.clientWidth, 300), height }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.categories, props.series]);
  return <figure class="chart bars" aria-label={props.title} ref={box} />;
}
