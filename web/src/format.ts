// Numbers as the pages show them. Money in the report's currency; whole units past a thousand.
export function money(x: number | null | undefined, currency: string): string {
  if (x === null || x === undefined) return '—';
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    maximumFractionDigits: Math.abs(x) >= 1000 ? 0 : 2,
  }).format(x);
}

export function count(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(x);
}

export function times(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : `${x.toFixed(2)}×`;
}

export function percent(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`;
}

/** A relative change, signed: +12.5%. */
export function change(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  return `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}%`;
}

/** A duration in days (sales cycle). */
export function days(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  return `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(x)} d`;
}

/** A count that can only be whole (persons, deals): a chart's fractional axis ticks are left blank. */
export function wholeCount(x: number): string {
  return Number.isInteger(x) ? count(x) : '';
}
