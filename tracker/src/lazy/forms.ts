// Form capture: a submitted form holding an email becomes identify + form_submitted.
// Passwords, card data and hidden fields are never put into an event, and their names are remembered
// so that the next page's URL (where a GET form puts them) is redacted too.
import { DENY } from '../redact.js';
import { core, list } from './core.js';

const formAllow = list(core.$d.formAllow);
const formDeny = list(core.$d.formDeny);

/** 13–19 digits (spaces/dashes allowed) passing the Luhn checksum: looks like a payment card number. */
const looksLikeCard = (value: string): boolean =>
  // From the right, every second digit is doubled; the string maps a digit to its doubled digit sum.
  /^\d{13,19}$/.test((value = value.replace(/[ -]/g, ''))) &&
  !(
    [...value]
      .reverse()
      .reduce(
        (sum, digit, i) => sum + +(i % 2 ? '0246813579'[digit as unknown as number]! : digit),
        0,
      ) % 10
  );

/** `form` was submitted with `data` (its fields at the submit: what the form sends, no buttons, unticked boxes, nameless or disabled controls). */
export const submitted = (form: HTMLFormElement, data: FormData): void => {
  const fields: Record<string, string> = {};
  const properties: Record<string, unknown> = { fields };
  const refused = new URLSearchParams();
  let email;
  // (TS's DOM lib here lacks DOM.Iterable, hence the cast.)
  for (const [name, value] of data as unknown as [string, string][]) {
    // The control (a list, without type or autocomplete, for a group of boxes sharing the name), as
    // "type,name,autocomplete,id".
    const el = form.elements[name as never] as HTMLInputElement;
    const about = [el.type, name, el.autocomplete, el.id] + '';
    // Refused: hidden / file inputs (tested first: a file is no string), sensitive names (passwords,
    // card data: autocomplete cc-*; see DENY), denied names, Luhn-valid numbers.
    if (
      /^(hid|fil)/.test(about) ||
      DENY.test(about) ||
      formDeny.includes(name) ||
      looksLikeCard(value)
    )
      refused.append(name, '');
    else if (value) {
      // type or autocomplete "email", or a name / id containing "email".
      if (/@/.test(value) && /email/i.test(about)) email = email || value;
      if (!formAllow[0] || formAllow.includes(name))
        fields[name] = (fields[name] ? fields[name] + ',' : '') + value;
    }
  }
  // Kept for the rest of the tab's session (sessionStorage: names only, no values; cl.js redacts them
  // in this tab's later URLs), unless off. Storage may be missing or throw: then they are not kept.
  if (core.$s() !== 0)
    try {
      sessionStorage._cl_f = (sessionStorage._cl_f || '') + '&' + refused;
    } catch {
      // storage unavailable
    }
  if (email) {
    core.identify(email);
    // getAttribute: form.id / form.action would return fields named "id" / "action".
    for (const attr of ['id', 'name', 'action'])
      properties['form_' + attr] = form.getAttribute(attr);
    core.track('form_submitted', properties);
    core.$f(); // the submit usually navigates away
  }
};
