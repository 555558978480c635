// E-mail addresses in URLs found and replaced by a scan out from each `@`, linear in the text (a regex with
// a greedy local part can be quadratic on hostile input).

/** What an e-mail address in a URL becomes. */
export const EMAIL_MARKER = '[email]';

const AT = /@|%40|%2540/gi;
const DOMAIN = /[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/uy;
const LOCAL_CHAR = /[\p{L}\p{N}._+\-!$'*^`{|}~]/u;
/** Encoded characters that end a local part (`=`, `&`, `?`, `/`, `:`, `#`, space, `@`, `%`): they separate, not spell. */
const SEPARATOR_CODES = new Set([
  '3d',
  '26',
  '3f',
  '2f',
  '3a',
  '23',
  '20',
  '22',
  '3c',
  '3e',
  '40',
  '25',
]);
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-f]$/i.test(c);

/**
 * Replaces e-mail addresses by scanning out from each `@` (plain or percent-encoded): linear in the
 * length of the text, so no input can make it slow (a regex with a greedy local part can be quadratic).
 */
export function redactEmails(text: string, names: Set<string>): string {
  // a marker a client (the snippet) already wrote is listed too: the event says why the value is missing
  if (text.includes(EMAIL_MARKER)) names.add('email');
  if (!/@|%40|%2540/i.test(text)) return text;
  let out = '';
  let last = 0;
  AT.lastIndex = 0;
  for (let m = AT.exec(text); m !== null; m = AT.exec(text)) {
    const at = m.index;
    if (at < last) continue;
    let l = at;
    while (l > last) {
      if (l - 3 >= last && text[l - 3] === '%' && isHex(text[l - 2]) && isHex(text[l - 1])) {
        if (SEPARATOR_CODES.has(text.slice(l - 2, l).toLowerCase())) break;
        l -= 3;
      } else if (LOCAL_CHAR.test(text[l - 1]!)) {
        l -= 1;
      } else break;
    }
    DOMAIN.lastIndex = at + m[0].length;
    const d = DOMAIN.exec(text);
    if (l === at || !d || !/\p{L}{2,}$/u.test(d[0])) {
      AT.lastIndex = at + m[0].length;
      continue;
    }
    const end = at + m[0].length + d[0].length;
    out += text.slice(last, l) + EMAIL_MARKER;
    last = end;
    AT.lastIndex = end;
    names.add('email');
  }
  return last === 0 ? text : out + text.slice(last);
}
