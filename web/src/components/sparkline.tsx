// A KPI card's trend: one SVG path over the daily values (a gap where a value is unknown). Too small a
// drawing to be worth a chart instance per card.
export function Sparkline(props: { values: (number | null)[]; label: string }) {
  const { values } = props;
  const w = 120;
  const h = 32;
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return <svg class="spark" height={h} aria-hidden="true" />;
  const lo = Math.min(...known);
  const hi = Math.max(...known);
  const x = (i: number) => (values.length === 1 ? w / 2 : (i / (values.length - 1)) * (w - 2) + 1);
  const y = (v: number) => (hi === lo ? h / 2 : h - 2 - ((v - lo) / (hi - lo)) * (h - 4));
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) pen = false;
    else {
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    }
  });
  return (
    <svg
      class="spark"
      height={h}
      viewBox={`0 0 ${w} ${h}`}
      // stretched to the card's width; the stroke keeps its width (vector-effect)
      preserveAspectRatio="none"
      role="img"
      aria-label={props.label}
    >
      <path
        d={d}
        fill="none"
        stroke="currentColor"
        stroke-width="1.5"
        vector-effect="non-scaling-stroke"
      />
    </svg>
  );
}
