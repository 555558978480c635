// The visitor's anonymous id in the site's forms: a hidden input named `closedloop_anonymous_id` (the site
// adds it to a form) gets the id, so a CRM that stores a form's fields keeps it and Closedloop can match
// the CRM record to the visitor's history (docs/crm.md, "Matching"). Filled when this part runs, and
// again when a form is focused or submitted (capture phase: before the browser reads the fields), so
// forms added later are covered. Only while storing is allowed (the id is read from the cookie, else
// localStorage, as store.ts keeps it): no id leaves the page otherwise.
import { doc, safe } from '../dom.js';
import { core } from './core.js';

// (safe: storage may throw, e.g. in a sandboxed frame; then there is no id to give)
const fill = safe((): void => {
  const id: string | false =
    core.$s() && ((doc.cookie.match(/\b_cl_id=([^;]+)/) || [])[1] || localStorage._cl_id);
  if (id)
    doc
      .querySelectorAll<HTMLInputElement>('input[name=closedloop_anonymous_id]')
      .forEach((input) => (input.value = id.split('.')[0]!));
});

fill();
['focusin', 'submit'].map((type) => addEventListener(type, fill, true));
