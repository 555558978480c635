// The Demo workspace's exchange rates: a file in the layout `closedloop import fx` reads, so the
// dashboard's currency control has currencies to offer on the Demo. Working days only, as central banks
// publish them (a weekend's amount takes Friday's rate); the rates drift smoothly and are the same on
// every run (no randomness: a Demo's numbers in EUR can be compared between machines).

const PAIRS = [
  { quote: 'EUR', level: 0.92, swing: 0.015, period: 11 },
  { quote: 'GBP', level: 0.79, swing: 0.01, period: 17 },
] as const;

const DAY = 86_400_000;

/** USD to EUR and GBP on each working day from `from` to `to` (YYYY-MM-DD, inclusive), as CSV. */
export function demoFxCsv(from: string, to: string): string {
  const lines = ['date,base,quote,rate'];
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = start, i = 0; t <= end; t += DAY, i++) {
    const weekday = new Date(t).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const date = new Date(t).toISOString().slice(0, 10);
    for (const p of PAIRS) {
      const rate = p.level + p.swing * Math.sin(i / p.period);
      lines.push(`${date},USD,${p.quote},${rate.toFixed(4)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The first day of a `days`-day world ending on `end`, less a week, so its first weekend has a rate. */
export function demoFxFrom(end: string, days: number): string {
  return new Date(Date.parse(`${end}T00:00:00Z`) - (days - 1 + 7) * DAY).toISOString().slice(0, 10);
}
