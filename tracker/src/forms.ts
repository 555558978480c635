// Form capture: a submitted form holding an email becomes identify + form_submitted.
// Passwords, card data and hidden fields are never read into an event.
import { formAllow, formDeny } from './config.js';
import { identify, track } from './api.js';
import { on } from './dom.js';
import { flush } from './transport.js';

/** 13–19 digits (spaces/dashes allowed) passing the Luhn checksum: looks like a payment card number. */
export const looksLikeCard = (value: string): boolean => {
  value = value.replace(/[ -]/g, '');
  let sum = 0;
  for (let i = value.length, double = 0; i--; double ^= 1) {
    const digit = +value[i]! * (double + 1);
    sum += digit > 9 ? digit - 9 : digit;
  }
  return /^\d{13,19}$/.test(value) && sum % 10 == 0;
};

export const watchForms = (): void =>
  on('submit', (e: SubmitEvent) => {
    const form = e.target as HTMLFormElement;
    const fields: Record<string, string> = {};
    const properties: Record<string, unknown> = { fields };
    let email;
    // Form controls are iterable in every target browser; TS's DOM lib here lacks DOM.Iterable.
    for (const el of form.elements as unknown as HTMLInputElement[]) {
      const { name, value, type } = el;
      // Never read: empty values, password / hidden / button-like / file inputs, unticked boxes, denied
      // names, card data (autocomplete cc-*, names like card / cc / cvc / cvv but not "account", Luhn-valid numbers).
      if (
        value &&
        !/^(pas|hid|sub|but|res|fil|ima)/.test(type) &&
        !(el.checked == false && /^(ch|ra)/.test(type)) &&
        formDeny.indexOf(name) < 0 &&
        !/pass|card|cvc|cvv|(^|[^a-z])cc/i.test(name + ' ' + el.autocomplete) &&
        !looksLikeCard(value)
      ) {
        if ((type == 'email' || /email/i.test(name + el.id)) && /@/.test(value)) email = email || value;
        if (name && (!formAllow[0] || formAllow.indexOf(name) >= 0)) fields[name] = (fields[name] ? fields[name] + ',' : '') + value;
      }
    }
    if (email) {
      identify(email);
      // getAttribute: form.id / form.action would return fields named "id" / "action".
      for (const attr of ['id', 'name', 'action']) properties['form_' + attr] = form.getAttribute(attr);
      track('form_submitted', properties);
      flush(); // the submit usually navigates away
    }
  });
