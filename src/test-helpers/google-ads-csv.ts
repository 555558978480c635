// A Google Ads UI keyword report of any size, as the web interface exports it (a title, the date range,
// the header, the rows, a total row), for the tests of the streamed file import: each row's spend is
// known, so what an import stores can be checked by total; `badCostOnLastRow` spoils the last row's Cost.

export interface GeneratedCsv {
  text: string;
  rows: number;
  /** The spend of the rows, in micros, by day. */
  microsByDay: Map<string, number>;
  /** The file line (1-based) of the last row. */
  lastRowLine: number;
}

const dayAfter = (from: string, n: number) =>
  new Date(Date.parse(`${from}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export function googleKeywordCsv(o: {
  from: string;
  days: number;
  perDay: number;
  badCostOnLastRow?: boolean;
}): GeneratedCsv {
  const lines = [
    'Keyword report',
    `"${o.from} - ${dayAfter(o.from, o.days - 1)}"`,
    'Day,Campaign,Campaign ID,Ad group,Ad group ID,Keyword,Match type,Clicks,Impr.,Cost,Currency code',
  ];
  const microsByDay = new Map<string, number>();
  for (let d = 0; d < o.days; d++) {
    const day = dayAfter(o.from, d);
    for (let i = 0; i < o.perDay; i++) {
      const c = Math.floor(i / 100);
      const g = Math.floor(i / 10);
      // cents from 0.01 to 1,500.00, with a thousands separator above 999.99 (quoted, as exported)
      const cents = 1 + ((i * 7919 + d * 104_729) % 150_000);
      const last = d === o.days - 1 && i === o.perDay - 1;
      const amount = `${Math.floor(cents / 100).toLocaleString('en-US')}.${String(cents % 100).padStart(2, '0')}`;
      const cost = last && o.badCostOnLastRow ? '12.3.4' : amount;
      microsByDay.set(day, (microsByDay.get(day) ?? 0) + cents * 10_000);
      lines.push(
        `${day},Search ${c},${7000 + c},Group ${g},${8000 + g},kw ${i},Exact,${1 + (i % 40)},${100 + i},"${cost}",USD`,
      );
    }
  }
  const rows = o.days * o.perDay;
  lines.push(`Total: Account,,,,,,,,,--,`);
  return { text: `${lines.join('\n')}\n`, rows, microsByDay, lastRowLine: 3 + rows };
}

/** A text in pieces of `size` bytes, as a file or a request body arrives. */
export async function* piecesOf(text: string, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}
