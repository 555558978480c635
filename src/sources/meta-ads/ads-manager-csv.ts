// The CSV a marketer exports from Meta Ads Manager, read into cost records. No official specification
// (external-formats.md §2c): the columns are the user's column set; the currency is in the spend label
// ("Amount spent (USD)") unless a Currency column is there; a day is `Day`, or `Reporting starts` =
// `Reporting ends` with the by-day breakdown; localised exports translate the headers (the German,
// French and Spanish ones are mapped) and use `;` with decimal commas. All or nothing: the first value
// that cannot be read stops the file with its line and column.
import { AdFileError, type AdCostRecord } from '../ads/records.js';
import {
  cellReader,
  HEAD,
  headerThenRows,
  readWhole,
  sniffDelimiter,
  type AdCsvReader,
} from '../ads/csv.js';

// header (lower case, without the currency in brackets) to our field
const COLUMNS: Record<string, string> = {
  'reporting starts': 'start',
  berichtsbeginn: 'start',
  'début des rapports': 'start',
  'inicio del informe': 'start',
  'reporting ends': 'end',
  berichtsende: 'end',
  'fin des rapports': 'end',
  'fin del informe': 'end',
  day: 'day',
  tag: 'day',
  jour: 'day',
  día: 'day',
  'campaign name': 'campaign',
  kampagnenname: 'campaign',
  'nom de la campagne': 'campaign',
  'nombre de la campaña': 'campaign',
  'campaign id': 'campaignId',
  'kampagnen-id': 'campaignId',
  'identifiant de la campagne': 'campaignId',
  'identificador de la campaña': 'campaignId',
  'ad set name': 'adSet',
  anzeigengruppenname: 'adSet',
  "nom de l'ensemble de publicités": 'adSet',
  'nombre del conjunto de anuncios': 'adSet',
  'ad set id': 'adSetId',
  'anzeigengruppen-id': 'adSetId',
  "identifiant de l'ensemble de publicités": 'adSetId',
  'identificador del conjunto de anuncios': 'adSetId',
  'ad name': 'ad',
  anzeigenname: 'ad',
  'nom de la publicité': 'ad',
  'nombre del anuncio': 'ad',
  'ad id': 'adId',
  'anzeigen-id': 'adId',
  'identifiant de la publicité': 'adId',
  'identificador del anuncio': 'adId',
  'amount spent': 'spend',
  'ausgegebener betrag': 'spend',
  'montant dépensé': 'spend',
  'importe gastado': 'spend',
  impressions: 'impressions',
  impressionen: 'impressions',
  impresiones: 'impressions',
  'clicks (all)': 'clicks',
  'klicks (alle)': 'clicks',
  'clics (tous)': 'clicks',
  'clics (todos)': 'clicks',
  'link clicks': 'linkClicks',
  'link-klicks': 'linkClicks',
  'clics sur un lien': 'linkClicks',
  'clics en el enlace': 'linkClicks',
  currency: 'currency',
  währung: 'currency',
  devise: 'currency',
  divisa: 'currency',
  purchases: 'conversions',
  käufe: 'conversions',
  achats: 'conversions',
  compras: 'conversions',
  'purchases conversion value': 'conversionValue',
  'conversionswert für käufe': 'conversionValue',
  "valeur de conversion d'achat": 'conversionValue',
  'valor de conversión de compras': 'conversionValue',
};

/** A header to its field and the currency in its label ("Amount spent (USD)"). */
function fieldOf(header: string): { field?: string; currency?: string } {
  const h = header.toLowerCase().replace(/[’`]/g, "'").trim();
  const m = /^(.*?)\s*\(([A-Za-z]{3})\)$/.exec(h);
  if (m && COLUMNS[m[1]!] === 'spend') return { field: 'spend', currency: m[2]!.toUpperCase() };
  return { field: COLUMNS[h] };
}

export interface MetaCsv {
  rows: AdCostRecord[];
  from: string;
  to: string;
}

const NO_HEADER = 'no header with Campaign name and Amount spent (CUR)';

/** The reader of an export, record by record (ads/csv.ts); `head` is the file's beginning. */
export function metaAdsCsvReader(head: string, opts: { currency?: string } = {}): AdCsvReader {
  const delimiter = sniffDelimiter(head);
  const decimalComma = delimiter === ';';
  let rows = 0;
  const phase = headerThenRows(
    (record) => {
      const f = record.map((c) => fieldOf(c).field);
      return f.includes('campaign') && f.includes('spend');
    },
    NO_HEADER,
    (h) => {
      const header = h.record;
      const fields = header.map((c) => fieldOf(c).field);
      const labelCurrency = header.map((c) => fieldOf(c).currency).find((c) => c !== undefined);
      const hasDay = fields.includes('day') || (fields.includes('start') && fields.includes('end'));
      if (!hasDay)
        throw new AdFileError(
          h.line,
          'header',
          'no Day or Reporting starts/ends columns (export with the "By day" breakdown)',
        );
      const fallback = (labelCurrency ?? opts.currency)?.toUpperCase();
      if (!fields.includes('currency') && (fallback === undefined || !/^[A-Z]{3}$/.test(fallback)))
        throw new AdFileError(
          h.line,
          header[fields.indexOf('spend')]!,
          "no currency in the label or a Currency column: give the account's currency",
        );
      return (l) => {
        const c = cellReader(header, fields, l, decimalComma);
        const campaign = c.text('campaign');
        // Ads Manager ends with a summary row (no campaign, the totals): not a day's cost
        if (campaign === null && c.text('campaignId') === null) return undefined;
        if (campaign === null) throw c.bad('campaign', 'is empty');
        let date: string | null;
        if (c.has('day')) date = c.text('day');
        else {
          date = c.text('start');
          if (date !== c.text('end'))
            throw c.bad(
              'end',
              `differs from the start (${date}): export with the "By day" breakdown`,
            );
        }
        if (date === null || !/^\d{4}-\d{2}-\d{2}$/.test(date))
          throw c.bad(c.has('day') ? 'day' : 'start', `not a day as YYYY-MM-DD: "${date ?? ''}"`);
        const currency = (c.text('currency') ?? fallback ?? '').toUpperCase();
        if (!/^[A-Z]{3}$/.test(currency)) throw c.bad('currency', 'not a currency code');
        const adSet = c.text('adSet');
        const ad = c.text('ad');
        rows++;
        return {
          date,
          currency,
          campaignId: c.text('campaignId') ?? `name:${campaign}`,
          campaignName: campaign,
          adGroupId: c.text('adSetId') ?? (adSet === null ? null : `name:${adSet}`),
          adGroupName: adSet,
          adId: c.text('adId') ?? (ad === null ? null : `name:${ad}`),
          adName: ad,
          keyword: null,
          matchType: null,
          impressions: c.count('impressions'),
          clicks: c.has('clicks') ? c.count('clicks') : c.count('linkClicks'),
          costMicros: c.micros('spend'),
          conversions: c.decimal('conversions'),
          conversionValue: c.decimal('conversionValue'),
        };
      };
    },
  );
  return {
    delimiter,
    take: phase.take,
    end() {
      const h = phase.header();
      if (rows === 0) throw new AdFileError(h.line, 'file', 'no rows: nothing to import');
      return {};
    },
  };
}

/** Reads a whole export (the streamed import uses metaAdsCsvReader). */
export function readMetaAdsCsv(text: string, opts: { currency?: string } = {}): MetaCsv {
  const { rows, from, to } = readWhole(metaAdsCsvReader(text.slice(0, HEAD), opts), text);
  return { rows, from, to };
}
