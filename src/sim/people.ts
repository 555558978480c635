/**
 * Who visits: households (one device, usually one person; a few shared devices with two or three
 * people), people (name, company, locale, intent, devices) and companies. Everything is drawn from
 * streams keyed by the household or person, so a person is the same in every run of a seed.
 */
import type { ChannelId } from './channels.js';
import {
  COMPANY_STEMS,
  COMPANY_TAILS,
  COMPANY_TLDS,
  FIRST_NAMES,
  JOB_TITLES,
  LAST_NAMES,
} from './people-names.js';
import { PURPOSE, Rng } from './prng.js';

export type DeviceKind = 'desktop' | 'mobile' | 'tablet';

export interface Device {
  /** Unique per device in a run; also the stream key of the device. */
  key: number;
  anonymousId: string;
  kind: DeviceKind;
  userAgent: string;
  ip: string;
  /** Set once the device has sent an event (for the record's count of anonymous ids). */
  seen: boolean;
  /** How many distinct emails have identified on it (shared devices show several). */
  emails: number;
  /** The first session anyone had on it (for the record's product-visible first touch). */
  firstSession?: { t: number; channel: ChannelId };
  /**
   * Every session on it, kept only for a device several people share (the record splits its sessions
   * between them by their identifies), so memory stays flat for everyone else.
   */
  sessions?: { t: number; channel: ChannelId }[];
}

export interface Company {
  index: number;
  name: string;
  domain: string;
  employees: number;
  industry: string;
}

export interface Person {
  /** Stream key and id root: household * 4 + member. */
  key: number;
  household: number;
  member: number;
  householdSize: number;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  title: string;
  company: Company;
  country: string;
  locale: string;
  timezone: string;
  /** Offset of local time from UTC in minutes (standard time; daylight saving is ignored). */
  utcOffsetMin: number;
  /** Scales every session's contribution to the conversion hazard. Heavy-tailed: most visitors never buy. */
  intent: number;
  /** Already on the company's mailing list (newsletter, event attendee) before their first visit. */
  listMember: boolean;
  devices: Device[];
}

interface Country {
  code: string;
  locale: string;
  zones: readonly (readonly [string, number])[];
  phone: (n: number) => string;
  ipFirstOctets: readonly number[];
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

const COUNTRIES: readonly (readonly [Country, number])[] = [
  [
    {
      code: 'US',
      locale: 'en-US',
      zones: [
        ['America/New_York', -300],
        ['America/Chicago', -360],
        ['America/Denver', -420],
        ['America/Los_Angeles', -480],
      ],
      phone: (n) => `+1${200 + (n % 800)}555${pad(Math.floor(n / 800) % 10000, 4)}`,
      ipFirstOctets: [24, 47, 66, 67, 68, 71, 73, 76, 98, 99, 107, 174],
    },
    0.44,
  ],
  [
    {
      code: 'GB',
      locale: 'en-GB',
      zones: [['Europe/London', 0]],
      phone: (n) => `+447700${pad(n % 1000000, 6)}`,
      ipFirstOctets: [81, 86, 90, 92, 109, 151, 212],
    },
    0.18,
  ],
  [
    {
      code: 'DE',
      locale: 'de-DE',
      zones: [['Europe/Berlin', 60]],
      phone: (n) => `+49151${pad(n % 100000000, 8)}`,
      ipFirstOctets: [79, 84, 87, 91, 93, 217],
    },
    0.1,
  ],
  [
    {
      code: 'FR',
      locale: 'fr-FR',
      zones: [['Europe/Paris', 60]],
      phone: (n) => `+336${pad(n % 100000000, 8)}`,
      ipFirstOctets: [78, 82, 88, 90, 176],
    },
    0.06,
  ],
  [
    {
      code: 'NL',
      locale: 'nl-NL',
      zones: [['Europe/Amsterdam', 60]],
      phone: (n) => `+316${pad(n % 100000000, 8)}`,
      ipFirstOctets: [77, 80, 83, 145, 213],
    },
    0.05,
  ],
  [
    {
      code: 'CA',
      locale: 'en-CA',
      zones: [
        ['America/Toronto', -300],
        ['America/Vancouver', -480],
      ],
      phone: (n) => `+1${200 + (n % 800)}555${pad(Math.floor(n / 800) % 10000, 4)}`,
      ipFirstOctets: [24, 70, 99, 142, 184],
    },
    0.07,
  ],
  [
    {
      code: 'AU',
      locale: 'en-AU',
      zones: [
        ['Australia/Sydney', 600],
        ['Australia/Melbourne', 600],
      ],
      phone: (n) => `+614${pad(n % 100000000, 8)}`,
      ipFirstOctets: [1, 27, 49, 58, 101, 120],
    },
    0.05,
  ],
  [
    {
      code: 'IN',
      locale: 'en-IN',
      zones: [['Asia/Kolkata', 330]],
      phone: (n) => `+9198${pad(n % 100000000, 8)}`,
      ipFirstOctets: [49, 103, 106, 117, 122, 182],
    },
    0.05,
  ],
];

const DESKTOP_UAS: readonly (readonly [string, number])[] = [
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    0.38,
  ],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    0.22,
  ],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
    0.12,
  ],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    0.18,
  ],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', 0.07],
  [
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    0.03,
  ],
];
const MOBILE_UAS: readonly (readonly [string, number])[] = [
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    0.5,
  ],
  [
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
    0.42,
  ],
  [
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
    0.08,
  ],
];
const TABLET_UA =
  'Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

const INDUSTRIES = [
  'Software',
  'Financial Services',
  'Healthcare',
  'Manufacturing',
  'Retail',
  'Education',
  'Logistics',
  'Media',
];

/** Number of distinct (first, last, company) combinations; people map onto them one-to-one. */
const COMPANY_COUNT = COMPANY_STEMS.length * COMPANY_TAILS.length * 5;
const IDENTITY_SPACE = FIRST_NAMES.length * LAST_NAMES.length * COMPANY_COUNT;
/** A prime larger than any factor of IDENTITY_SPACE, so multiplying by it permutes the space. */
const IDENTITY_STRIDE = 2654435761 % IDENTITY_SPACE;

export function companyAt(seed: number, index: number): Company {
  const stem = COMPANY_STEMS[index % COMPANY_STEMS.length] ?? 'North';
  const rest = Math.floor(index / COMPANY_STEMS.length);
  const tail = COMPANY_TAILS[rest % COMPANY_TAILS.length] ?? 'soft';
  const tld =
    COMPANY_TLDS[(Math.floor(rest / COMPANY_TAILS.length) % 5) + ((index * 7) % 2) * 5] ?? '.com';
  const rng = Rng.of(seed, PURPOSE.company, index);
  // Company size is heavy-tailed: many small firms, a few enterprises.
  const employees = Math.max(5, Math.round(rng.lognormal(120, 1.4)));
  const name = `${stem}${tail}`;
  return {
    index,
    name,
    domain: `${name.toLowerCase()}${tld}`,
    employees,
    industry: rng.pick(INDUSTRIES),
  };
}

/** Which people live behind one device: usually one, 2.5% share a device with one or two others. */
export function householdSize(seed: number, household: number): number {
  const r = Rng.of(seed, PURPOSE.household, household).next();
  return r < 0.975 ? 1 : r < 0.995 ? 2 : 3;
}

function deviceAt(seed: number, key: number, kind: DeviceKind, country: Country): Device {
  const rng = Rng.of(seed, PURPOSE.device, key);
  const userAgent =
    kind === 'desktop'
      ? rng.weighted(DESKTOP_UAS)
      : kind === 'mobile'
        ? rng.weighted(MOBILE_UAS)
        : TABLET_UA;
  const ip = `${rng.pick(country.ipFirstOctets)}.${rng.between(1, 254)}.${rng.between(0, 255)}.${rng.between(1, 254)}`;
  return { key, anonymousId: rng.uuid(), kind, userAgent, ip, seen: false, emails: 0 };
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z]/g, '');
}

/**
 * The people of household `h`. Members of a shared household use the same first device object (so the
 * same anonymous id). Two-device people get a second device of the other kind.
 */
export function householdPeople(seed: number, h: number): Person[] {
  const size = householdSize(seed, h);
  const people: Person[] = [];
  let shared: Device | undefined;
  for (let member = 0; member < size; member++) {
    const key = h * 4 + member;
    const rng = Rng.of(seed, PURPOSE.person, key);
    // People sharing a device share its place (and so its clock: they take turns by local day).
    const drawnCountry = rng.weighted(COUNTRIES);
    const drawnZone = rng.weighted(drawnCountry.zones.map((z) => [z, 1] as const));
    const first0 = people[0];
    const country =
      first0 === undefined
        ? drawnCountry
        : (COUNTRIES.find(([c]) => c.code === first0.country)?.[0] ?? drawnCountry);
    const [timezone, utcOffsetMin] =
      first0 === undefined ? drawnZone : ([first0.timezone, first0.utcOffsetMin] as const);
    // One-to-one map from (household, member) onto names x companies, offset by the seed.
    const dense = h * 3 + member;
    const x =
      (dense * IDENTITY_STRIDE +
        (Rng.of(seed, PURPOSE.person, 0xffffffff).uint32() % IDENTITY_SPACE)) %
      IDENTITY_SPACE;
    const first = FIRST_NAMES[x % FIRST_NAMES.length] ?? 'Alex';
    const last = LAST_NAMES[Math.floor(x / FIRST_NAMES.length) % LAST_NAMES.length] ?? 'Doe';
    const company = companyAt(
      seed,
      Math.floor(x / (FIRST_NAMES.length * LAST_NAMES.length)) % COMPANY_COUNT,
    );
    // People sharing a device are colleagues evaluating together: much keener than the average visitor.
    const intent = rng.lognormal(0.004, 1.5) * (size > 1 ? 12 : 1);
    const listMember = rng.chance(0.12);
    const twoDevices = size === 1 && rng.chance(0.14);
    const primaryKind: DeviceKind = rng.chance(0.72)
      ? 'desktop'
      : rng.chance(0.85)
        ? 'mobile'
        : 'tablet';
    const devices: Device[] = [];
    if (size > 1) {
      shared ??= { ...deviceAt(seed, h * 8, 'desktop', country), sessions: [] };
      devices.push(shared);
    } else {
      devices.push(deviceAt(seed, h * 8, primaryKind, country));
    }
    if (twoDevices)
      devices.push(
        deviceAt(
          seed,
          h * 8 + 4 + member,
          primaryKind === 'desktop' ? 'mobile' : 'desktop',
          country,
        ),
      );
    people.push({
      key,
      household: h,
      member,
      householdSize: size,
      firstName: first,
      lastName: last,
      email: `${slug(first)}.${slug(last)}@${company.domain}`,
      phone: country.phone(dense),
      title: rng.pick(JOB_TITLES),
      company,
      country: country.code,
      locale: country.locale,
      timezone,
      utcOffsetMin,
      intent,
      listMember,
      devices,
    });
  }
  return people;
}
