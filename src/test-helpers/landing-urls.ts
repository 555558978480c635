// Landing URLs for property tests of the rules that read them (click ids, sessions).
import fc from 'fast-check';
import { CLICK_ID_PARAMS } from '../rules/campaign-params.js';
import { parseLandingUrl } from '../rules/landing-url.js';

// URLs as landings arrive: browsers' (already in the URL parser's form) and whatever server-side SDKs
// and imports send: names in any case, escaped, padded; values with every kind of escape (ill-formed
// UTF-8 included), spaces, '=' and '?'; tabs and newlines inside, controls and spaces around.
const hex = fc.constantFrom(...'0123456789abcdefABCDEF'.split(''));
const escape = fc.tuple(hex, hex).map(([a, b]) => `%${a}${b}`);
const utf8Escapes = fc
  .string({ minLength: 1, maxLength: 2, unit: 'binary' })
  .map((s) => encodeURIComponent(s.replaceAll('\u0000', '')));
const nameArb = fc.oneof(
  fc.constantFrom(...CLICK_ID_PARAMS),
  fc.constantFrom('GCLID', 'FbClId', 'g%63lid', '%67clid', 'gclid ', ' gclid', 'gcl\tid', 'gclid+'),
  fc.constantFrom('MSCL\u212aID', 'GCL\u0130D', 'utm_source', 'foo', ''),
);
const valueArb = fc
  .array(
    fc.oneof(
      fc.string({ maxLength: 3 }),
      fc.string({ maxLength: 2, unit: 'binary' }),
      escape,
      utf8Escapes,
      fc.constantFrom('%', '%4', '%zz', '+', ' ', '\u00a0', '\u3000', '%20', '%09', '=', '?', '#'),
    ),
    { maxLength: 4 },
  )
  .map((parts) => parts.join(''));
const pairArb = fc.oneof(
  fc.tuple(nameArb, valueArb).map(([n, v]) => `${n}=${v}`),
  nameArb,
  fc.constant(''),
);
const urlArb = fc
  .tuple(
    fc.constantFrom('', ' ', '\u0001', '\u00a0'),
    fc.constantFrom(
      'https://a.example/p',
      'https://a.example',
      'a.example/x',
      '/path',
      '',
      'mailto:x',
      'https://a.example/p?x#y',
    ),
    fc.array(pairArb, { maxLength: 5 }),
    fc.constantFrom('', '#f', '#gclid=9', '#&msclkid=1', '?gclid=8'),
    fc.constantFrom('', ' ', '\u0001', '\t', '\u00a0\u0001', '\u0001\u00a0'),
  )
  .map(([lead, base, pairs, tail, end]) => `${lead}${base}?${pairs.join('&')}${tail}${end}`);
/** Landing URLs of every kind a session may start with (each one that parses). */
export const anyLandingUrl = fc
  .oneof(
    { arbitrary: urlArb, weight: 4 },
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
  )
  .map((u) => u.replaceAll('\u0000', ''))
  .filter((u) => parseLandingUrl(u) !== null);
