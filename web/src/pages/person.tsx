// Person: one person's timeline (`/person?id=<personId>`, opened from the journeys list): sessions with
// their source and pages, forms and other events, identifies, identity merges, milestones with their
// value, CRM stage changes and revenue, on one time axis (a list grouped by day, UTC), with the person's
// identifiers. GET /api/people/:id/journey (docs/journeys.md).
import { useMemo } from 'preact/hooks';
import { Status } from '../components/status';
import { count } from '../format';
import { withQuery } from '../location';
import type { PageProps } from '../routes';
import { useApi } from '../use-api';

interface Session {
  sessionId: string;
  landingUrl: string | null;
  source: string;
  medium: string;
  campaign: string | null;
  channel: string;
  pageViews: number;
}

export type TimelineItem =
  | {
      kind: 'session';
      at: string;
      session: Session;
      pages: { at: string; url: string | null; title: string | null }[];
    }
  | {
      kind: 'event';
      at: string;
      type: string;
      event: string | null;
      properties: unknown;
      traits: unknown;
    }
  | { kind: 'milestone'; at: string; milestone: string; source: string; value: number | null }
  | { kind: 'identity'; at: string; change: string; others: string[]; reason: string | null }
  | {
      kind: 'crm';
      at: string;
      source: string;
      objectType: string;
      objectId: string;
      change: string;
      stage: string | null;
      outcome: string | null;
      amountMinor: number | null;
      currency: string | null;
      lostReason: string | null;
    }
  | {
      kind: 'revenue';
      at: string;
      source: string;
      paymentId: string | null;
      amountMinor: number;
      currency: string;
      description: string | null;
    };

export interface PersonJourney {
  personId: string;
  identifiers: { kind: string; value: string }[];
  firstSeen: string | null;
  lastSeen: string | null;
  timeline: TimelineItem[];
}

const KIND_LABEL: Record<TimelineItem['kind'], string> = {
  session: 'Visit',
  event: 'Event',
  milestone: 'Milestone',
  identity: 'Identity',
  crm: 'CRM',
  revenue: 'Revenue',
};

const IDENTIFIER_LABEL: Record<string, string> = {
  email: 'E-mail',
  phone: 'Phone',
  user_id: 'User id',
  anonymous_id: 'Device (anonymous id)',
};

const KIND_COLOR: Record<TimelineItem['kind'], string> = {
  session: '#1d4ed8',
  event: '#475569',
  milestone: '#047857',
  identity: '#6d28d9',
  crm: '#b45309',
  revenue: '#0e7490',
};

/** Every item as a tick on one axis from the first to the last (a glance at the rhythm of the journey). */
function Strip(props: { items: TimelineItem[] }) {
  const times = props.items.map((i) => Date.parse(i.at));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const x = (t: number) => (t1 === t0 ? 500 : 10 + ((t - t0) / (t1 - t0)) * 980);
  const kinds = [...new Set(props.items.map((i) => i.kind))];
  return (
    <figure class="strip">
      <svg
        viewBox="0 0 1000 36"
        preserveAspectRatio="none"
        role="img"
        aria-label={`${props.items.length} items from ${props.items[0]!.at.slice(0, 10)} to ${props.items.at(-1)!.at.slice(0, 10)}`}
      >
        <line x1="10" x2="990" y1="18" y2="18" stroke="#cbd5e1" stroke-width="2" />
        {props.items.map((i, n) => (
          <rect key={n} x={x(times[n]!) - 2} y={6} width={4} height={24} fill={KIND_COLOR[i.kind]}>
            <title>{`${i.at.slice(0, 16).replace('T', ' ')} ${KIND_LABEL[i.kind]}`}</title>
          </rect>
        ))}
      </svg>
      <figcaption>
        {kinds.map((k) => (
          <span key={k} class="key">
            <span class="swatch" style={{ background: KIND_COLOR[k] }} /> {KIND_LABEL[k]}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** An amount in minor units as money (the currency's own number of decimals). */
export function minorMoney(minor: number, currency: string): string {
  const code = currency.toUpperCase();
  try {
    const f = new Intl.NumberFormat('en-US', { style: 'currency', currency: code });
    const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
    return f.format(minor / 10 ** digits);
  } catch {
    return `${(minor / 100).toFixed(2)} ${code}`;
  }
}

const time = (iso: string) => iso.slice(11, 16);

const text = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;

const field = (o: unknown, k: string): string | null =>
  o && typeof o === 'object' ? text((o as Record<string, unknown>)[k]) : null;

/** What an item says, in a line, and its details. */
function describe(i: TimelineItem): { title: string; detail?: string } {
  switch (i.kind) {
    case 'session': {
      const s = i.session;
      return {
        title: `Visit from ${s.source} / ${s.medium} (${s.channel})${s.campaign ? `, campaign ${s.campaign}` : ''}`,
        detail: s.landingUrl ?? undefined,
      };
    }
    case 'event': {
      if (i.type === 'identify') {
        const who = field(i.traits, 'email') ?? field(i.traits, 'name');
        return { title: who ? `Identified as ${who}` : 'Identified' };
      }
      if (i.type === 'track') {
        const form = /form/i.test(i.event ?? '');
        return {
          title: `${form ? 'Form' : 'Event'}: ${i.event ?? '(unnamed)'}`,
          detail: field(i.properties, 'form') ?? field(i.properties, 'url') ?? undefined,
        };
      }
      return { title: `${i.type}${i.event ? `: ${i.event}` : ''}` };
    }
    case 'milestone':
      return {
        title: `Became ${i.milestone === 'opportunity' ? 'an opportunity' : `a ${i.milestone}`}`,
        detail: `from ${i.source}${i.value !== null ? `, value ${count(i.value)}` : ''}`,
      };
    case 'identity':
      return {
        title: `Identity ${i.change}${i.others.length > 0 ? ` with ${i.others.join(', ')}` : ''}`,
        detail: i.reason ?? undefined,
      };
    case 'crm': {
      const what = i.stage ?? i.outcome ?? i.change.replace(/_/g, ' ');
      const amount =
        i.amountMinor !== null && i.currency ? `, ${minorMoney(i.amountMinor, i.currency)}` : '';
      return {
        title: `${i.objectType} ${i.objectId}: ${what}${amount}`,
        detail: `${i.source}${i.lostReason ? `, lost: ${i.lostReason}` : ''}`,
      };
    }
    case 'revenue':
      return {
        title: `${i.amountMinor < 0 ? 'Refund' : 'Payment'} ${minorMoney(i.amountMinor, i.currency)}`,
        detail: [i.source, i.paymentId, i.description].filter(Boolean).join(', '),
      };
  }
}

export default function PersonPage(props: PageProps) {
  const id = props.query.get('id') ?? '';
  if (!id)
    return (
      <main class="person">
        <h1>Person</h1>
        <p class="empty">
          No person chosen. Pick one from the{' '}
          <a href={withQuery({ id: null }, '/journeys')}>journeys</a>.
        </p>
      </main>
    );
  return <Timeline id={id} workspace={props.workspace} />;
}

function Timeline(props: { id: string; workspace: string }) {
  const result = useApi<PersonJourney>(`/api/people/${encodeURIComponent(props.id)}/journey`, {
    workspace: props.workspace,
  });
  const journey = result.state === 'ok' ? result.data : undefined;
  const days = useMemo(() => {
    const out: { day: string; items: TimelineItem[] }[] = [];
    for (const i of journey?.timeline ?? []) {
      const day = i.at.slice(0, 10);
      const last = out.at(-1);
      if (last?.day === day) last.items.push(i);
      else out.push({ day, items: [i] });
    }
    return out;
  }, [journey]);
  const back = withQuery({ id: null }, '/journeys');
  return (
    <main class="person">
      <p class="crumbs">
        <a href={back}>← Journeys</a>
      </p>
      <h1>
        Person{' '}
        {journey && (
          <span class="who">
            {journey.identifiers.find((x) => x.kind === 'email')?.value ?? journey.personId}
          </span>
        )}
      </h1>
      <Status of={result} />
      {journey && (
        <>
          <section class="identifiers" aria-labelledby="ids-h">
            <h2 id="ids-h">Identifiers</h2>
            <ul>
              {journey.identifiers.map((x) => (
                <li key={`${x.kind}:${x.value}`} data-kind={x.kind}>
                  <span class="muted">{IDENTIFIER_LABEL[x.kind] ?? x.kind}</span> {x.value}
                </li>
              ))}
            </ul>
            <p class="note">
              Person id <code>{journey.personId}</code>
              {journey.firstSeen &&
                `, first seen ${journey.firstSeen.slice(0, 10)}, last seen ${journey.lastSeen!.slice(0, 10)}`}
              . Times are UTC.
            </p>
          </section>
          <section class="timeline" aria-labelledby="timeline-h">
            <h2 id="timeline-h">Timeline</h2>
            {journey.timeline.length > 1 && <Strip items={journey.timeline} />}
            {days.length === 0 ? (
              <p class="empty">Nothing on this person's timeline yet.</p>
            ) : (
              days.map((d) => (
                <section key={d.day} class="day" data-day={d.day} aria-label={d.day}>
                  <h3>{d.day}</h3>
                  <ol>
                    {d.items.map((i, n) => {
                      const { title, detail } = describe(i);
                      return (
                        <li
                          key={`${i.at}#${n}`}
                          class={`item ${i.kind}`}
                          data-kind={i.kind}
                          data-at={i.at}
                          {...(i.kind === 'session' ? { 'data-session': i.session.sessionId } : {})}
                          {...(i.kind === 'event' ? { 'data-type': i.type } : {})}
                        >
                          <time dateTime={i.at}>{time(i.at)}</time>
                          <span class="badge">{KIND_LABEL[i.kind]}</span>
                          <div class="what">
                            <span class="title">{title}</span>
                            {detail && <span class="detail">{detail}</span>}
                            {i.kind === 'session' && i.pages.length > 0 && (
                              <ul class="pages" aria-label="Pages viewed">
                                {i.pages.map((p, k) => (
                                  <li key={k}>
                                    <time dateTime={p.at}>{time(p.at)}</time>{' '}
                                    {p.title ?? p.url ?? '(no address)'}
                                  </li>
                                ))}
                              </ul>
                            )}
                          </div>
                        </li>
                      );
                    })}
                  </ol>
                </section>
              ))
            )}
          </section>
        </>
      )}
    </main>
  );
}
