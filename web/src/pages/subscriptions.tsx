// Subscriptions: MRR, ARR, the MRR movements, churn and lifetime value of Stripe customers by the first
// touch of their person (the subscriptions report, docs/reports.md "subscriptions"). The report reads
// months: the URL's range gives its first and last month. KPI cards of the totals, the movements, and a
// table per first-touch group (`groupBy` in the URL: source and campaign by default).
import { useMemo } from 'preact/hooks';
import { DataTable, type Column, type Row } from '../components/data-table';
import { Kpi } from '../components/kpi';
import { chosen, type Choice } from '../choices';
import { UrlSelect } from '../components/url-select';
import { Status } from '../components/status';
import { count, money, percent } from '../format';
import type { PageProps } from '../routes';
import { useApi } from '../use-api';

const MOVEMENTS = [
  { key: 'new_business', label: 'New business' },
  { key: 'expansion', label: 'Expansion' },
  { key: 'contraction', label: 'Contraction' },
  { key: 'churn', label: 'Churn' },
  { key: 'reactivation', label: 'Reactivation' },
] as const;
type MovementKind = (typeof MOVEMENTS)[number]['key'];

interface Group {
  group: Record<string, string>;
  customers: number;
  mrr: number;
  arr: number;
  startMrr: number;
  movements: Record<MovementKind, number>;
  netNewMrr: number;
  newCustomers: number;
  churnedCustomers: number;
  customerMonths: number;
  monthlyChurnRate: number | null;
  arpa: number | null;
  ltv: number | null;
}

interface Subscriptions {
  from: string;
  to: string;
  currency: string;
  groupBy: string[];
  rows: Group[];
  total: Group;
  missingRates: { currency: string; date: string }[];
  matching: { customers: number; matched: number; unmatched: number };
}

const GROUPINGS: Choice[] = [
  { value: 'source,campaign', label: 'Source and campaign' },
  { value: 'source', label: 'Source' },
  { value: 'campaign', label: 'Campaign' },
  { value: 'channel', label: 'Channel' },
  { value: 'channel,campaign', label: 'Channel and campaign' },
];

/** A group's numbers as one flat table row, its first-touch values joined in the first column. */
const flat = (g: Group, dims: string[]): Row => ({
  // a customer matched to nobody, or a person never seen, has the same word in every dimension
  group: [...new Set(dims.map((d) => g.group[d] ?? ''))].join(' · '),
  customers: g.customers,
  mrr: g.mrr,
  arr: g.arr,
  startMrr: g.startMrr,
  ...g.movements,
  netNewMrr: g.netNewMrr,
  newCustomers: g.newCustomers,
  churnedCustomers: g.churnedCustomers,
  monthlyChurnRate: g.monthlyChurnRate,
  arpa: g.arpa,
  ltv: g.ltv,
});

export default function SubscriptionsPage(props: PageProps) {
  const q = props.query;
  const groupBy = chosen(q, 'groupBy', GROUPINGS);
  const request = {
    workspace: props.workspace,
    from: q.get('from')?.slice(0, 7),
    to: q.get('to')?.slice(0, 7),
    groupBy,
    currency: q.get('currency'),
  };
  const result = useApi<Subscriptions>('/api/reports/subscriptions', request);
  const report = result.state === 'ok' ? result.data : undefined;
  const rows = useMemo(
    () => (report ? report.rows.map((g) => flat(g, report.groupBy)) : []),
    [report],
  );
  const dimsLabel = GROUPINGS.find((c) => c.value === groupBy)!.label.toLowerCase();
  const columns: Column[] = [
    { key: 'group', label: `First-touch ${dimsLabel}`, kind: 'text' },
    { key: 'customers', label: 'Customers', kind: 'count' },
    { key: 'mrr', label: 'MRR', kind: 'money' },
    { key: 'arr', label: 'ARR', kind: 'money' },
    { key: 'startMrr', label: 'MRR at start', kind: 'money' },
    ...MOVEMENTS.map((m) => ({ key: m.key, label: m.label, kind: 'money' as const })),
    { key: 'netNewMrr', label: 'Net new MRR', kind: 'money' },
    { key: 'newCustomers', label: 'New customers', kind: 'count' },
    { key: 'churnedCustomers', label: 'Churned customers', kind: 'count' },
    { key: 'monthlyChurnRate', label: 'Monthly churn', kind: 'percent' },
    { key: 'arpa', label: 'ARPA', kind: 'money' },
    { key: 'ltv', label: 'LTV', kind: 'money' },
  ];
  return (
    <main class="subscriptions">
      <h1>Subscriptions</h1>
      <form
        class="page-controls"
        aria-label="Subscriptions settings"
        onSubmit={(e) => e.preventDefault()}
      >
        <UrlSelect
          label="By first touch"
          name="groupBy"
          value={chosen(q, 'groupBy', GROUPINGS)}
          options={GROUPINGS}
        />
      </form>
      <Status of={result} />
      {report && (
        <>
          <p class="range-note" data-range={`${report.from}..${report.to}`}>
            Months {report.from} to {report.to} (UTC), in {report.currency}:{' '}
            {report.matching.matched} of {report.matching.customers} Stripe customers matched to a
            person
          </p>
          {report.missingRates.length > 0 && (
            <p class="warning" role="note">
              Customers paying in{' '}
              {[...new Set(report.missingRates.map((m) => m.currency))].join(', ')} have no exchange
              rate to {report.currency} on a day they needed one and are left out: add the rates
              (docs/revenue.md).
            </p>
          )}
          <div class="kpis">
            <Kpi
              metric="mrr"
              label="MRR"
              value={report.total.mrr}
              text={money(report.total.mrr, report.currency)}
            />
            <Kpi
              metric="arr"
              label="ARR"
              value={report.total.arr}
              text={money(report.total.arr, report.currency)}
            />
            <Kpi
              metric="customers"
              label="Paying customers"
              value={report.total.customers}
              text={count(report.total.customers)}
            />
            <Kpi
              metric="netNewMrr"
              label="Net new MRR"
              value={report.total.netNewMrr}
              text={money(report.total.netNewMrr, report.currency)}
            />
            <Kpi
              metric="monthlyChurnRate"
              label="Monthly churn"
              value={report.total.monthlyChurnRate}
              text={percent(report.total.monthlyChurnRate)}
            />
            <Kpi
              metric="ltv"
              label="LTV"
              value={report.total.ltv}
              text={money(report.total.ltv, report.currency)}
            />
          </div>
          <h2>
            MRR movements, {report.from} to {report.to}
          </h2>
          <ul class="movements" aria-label="MRR movements">
            {MOVEMENTS.map((m) => (
              <li key={m.key} data-movement={m.key} data-value={report.total.movements[m.key]}>
                <span>{m.label}</span>{' '}
                <strong>{money(report.total.movements[m.key], report.currency)}</strong>
              </li>
            ))}
          </ul>
          <DataTable
            caption={`Subscriptions by first-touch ${dimsLabel}`}
            columns={columns}
            rows={rows}
            totals={flat(report.total, [])}
            currency={report.currency}
            query={q}
            defaultSort="mrr"
            csv={{ path: '/api/reports/subscriptions', query: request }}
            attrs={{ 'data-group-by': report.groupBy.join(',') }}
            empty="No Stripe customers in these months."
          />
        </>
      )}
    </main>
  );
}
