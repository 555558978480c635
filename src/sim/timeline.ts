/**
 * Everything one person contributes to the output, in time order: their realised sessions (with the
 * conversion placed in its session), the follow-ups a lead brings (nurture email clicks, a gated form on
 * their other device), and their CRM and subscription changes. Built once when the person arrives;
 * the simulator then walks it lazily through its min-heap.
 */
import type { ChannelId } from './channels.js';
import type { CrmPlan } from './crm.js';
import { SESSION_GUARD_MS, ownDay, type JourneyDraws, type Realized } from './journey.js';
import { PURPOSE, Rng } from './prng.js';
import type { SessionConversion } from './session-path.js';
import type { TouchContext } from './tagging.js';
import { DAY, HOUR, formatDate } from './time.js';

export type TimelineItem =
  | {
      kind: 'session';
      t: number;
      ordinal: number;
      channel: ChannelId;
      device: number;
      isFirst: boolean;
      email: TouchContext['email'];
      conversion: SessionConversion | null;
    }
  | { kind: 'stage'; t: number; index: number }
  | { kind: 'deal'; t: number; closed: boolean }
  | { kind: 'revenue'; t: number; index: number };

/** Ordinals of follow-up sessions start here, apart from planned ones (which stay below 16). */
const EXTRA_ORDINAL = 100;

export function buildTimeline(
  seed: number,
  draws: JourneyDraws,
  realized: Realized,
  crm: CrmPlan | null,
  windowEnd: number,
): TimelineItem[] {
  const items: TimelineItem[] = [];
  const { person } = draws;
  realized.sessions.forEach((s, i) => {
    items.push({
      kind: 'session',
      t: s.planned.t,
      ordinal: s.planned.ordinal,
      channel: s.channel,
      device: s.planned.device,
      isFirst: i === 0,
      email: { kind: 'newsletter', month: formatDate(s.planned.t).slice(0, 7).replace('-', '_') },
      conversion:
        i === realized.leadSession
          ? { kind: 'lead', method: draws.method, at: realized.leadAt }
          : null,
    });
  });

  if (realized.leadSession >= 0) {
    const rng = Rng.of(seed, PURPOSE.extras, person.key);
    const leadDevice = realized.sessions[realized.leadSession]?.planned.device ?? 0;
    const extras: { t: number; device: number; gate: boolean }[] = [];
    // Two-device people usually identify on their other device too (a gated download from a follow-up email).
    if (person.devices.length > 1 && rng.chance(0.8)) {
      extras.push({
        t: realized.leadAt + rng.uniform(0.5, 4) * DAY,
        device: 1 - leadDevice,
        gate: true,
      });
    }
    const nurture = rng.poisson(1.2);
    for (let i = 0; i < nurture; i++)
      extras.push({ t: realized.leadAt + DAY + rng.exponential(10 * DAY), device: 0, gate: false });
    extras.forEach((x, i) => {
      const t = fit(x.t, x.device, items, draws);
      if (t > windowEnd - SESSION_GUARD_MS) return;
      items.push({
        kind: 'session',
        t,
        ordinal: EXTRA_ORDINAL + i,
        channel: 'email',
        device: x.device,
        isFirst: false,
        email: { kind: 'nurture' },
        conversion: x.gate ? { kind: 'gate' } : null,
      });
    });
  }

  if (crm !== null) {
    crm.stages.forEach((s, index) => items.push({ kind: 'stage', t: s.at, index }));
    if (crm.deal !== null) {
      items.push({ kind: 'deal', t: crm.deal.createdAt, closed: false });
      if (crm.deal.closedAt !== null)
        items.push({ kind: 'deal', t: crm.deal.closedAt, closed: true });
    }
    crm.movements.forEach((m, index) => items.push({ kind: 'revenue', t: m.at, index }));
  }
  // Stable order: by time, then sessions before CRM changes at the same instant.
  return items.sort((a, b) => a.t - b.t || kindRank(a) - kindRank(b));
}

function kindRank(item: TimelineItem): number {
  return item.kind === 'session' ? 0 : item.kind === 'stage' ? 1 : item.kind === 'deal' ? 2 : 3;
}

/** Moves a follow-up session until it is clear of the person's other sessions on the same device. */
function fit(
  t: number,
  device: number,
  items: readonly TimelineItem[],
  draws: JourneyDraws,
): number {
  let out = ownDay(t, draws.person);
  for (let guard = 0; guard < 50; guard++) {
    const clash = items.some(
      (it) =>
        it.kind === 'session' && it.device === device && Math.abs(it.t - out) < SESSION_GUARD_MS,
    );
    if (!clash) return out;
    out = ownDay(out + SESSION_GUARD_MS + HOUR, draws.person);
  }
  return out;
}
