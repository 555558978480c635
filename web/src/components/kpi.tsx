// A KPI card: a headline figure and, when the report has a comparison period, its change against it
// (green when good news, red when bad), with that period's own figure and days where given. The Overview's cards and the sales
// pages' totals (Funnel, Lead quality, Sales cycle, Revenue) are all this one card.
import type { ComponentChildren } from 'preact';
import { change } from '../format';

/** (now - before) / before; unknown when either is, or before is 0. */
export function relative(now: number | null, before: number | null): number | null {
  return now === null || before === null || before === 0 ? null : (now - before) / before;
}

export interface KpiProps {
  /** data-metric, and the heading's id (`kpi-<metric>`): unique on the page. */
  metric: string;
  label: string;
  value: number | null;
  /** The value as shown (money, count, percent...). */
  text: string;
  /**
   * The relative change to the comparison period (null: unknown, e.g. it was 0); undefined when the
   * report has no comparison period: the card then leaves the line out.
   */
  change?: number | null;
  /** The comparison period's figure, as shown, and its days (else the line says "previous period"). */
  previous?: { value: number | null; text: string; from: string; to: string };
  /** When a rise is bad news (costs, days, losses). */
  lowerIsBetter?: boolean;
  /** elementtiming on the figure: the browser reports when it is painted (the paint bench reads it). */
  timing?: string;
  children?: ComponentChildren;
}

export function Kpi(props: KpiProps) {
  const delta = props.change;
  const tone =
    delta === null || delta === undefined || delta === 0
      ? 'flat'
      : delta > 0 !== !!props.lowerIsBetter
        ? 'good'
        : 'bad';
  const id = `kpi-${props.metric}`;
  return (
    <section
      class="kpi"
      data-metric={props.metric}
      data-value={props.value ?? ''}
      aria-labelledby={id}
    >
      <h2 id={id}>{props.label}</h2>
      <p class="value" elementtiming={props.timing}>
        {props.text}
      </p>
      {delta !== undefined && (
        <p class={`delta ${tone}`} data-change={delta ?? ''}>
          {change(delta)}
          {props.previous ? (
            <span class="vs">
              {' vs '}
              <span class="previous" data-previous={props.previous.value ?? ''}>
                {props.previous.text}
              </span>{' '}
              in {props.previous.from} to {props.previous.to}
            </span>
          ) : (
            <span class="vs"> vs previous period</span>
          )}
        </p>
      )}
      {props.children}
    </section>
  );
}

/**
 * A card's comparison from a report's comparison period (null on compare=none: no comparison shown) and
 * that period's figure; the change is the report's own where it gives one (`given`), else derived.
 */
export function against(
  period: { from: string; to: string } | null,
  value: number | null,
  before: number | null | undefined,
  show: (v: number | null) => string,
  given?: number | null,
): Pick<KpiProps, 'change' | 'previous'> {
  if (!period || before === undefined) return {};
  return {
    change: given !== undefined ? given : relative(value, before),
    previous: { value: before, text: show(before), ...period },
  };
}
