import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  COMPANY_STEMS,
  COMPANY_TAILS,
  COMPANY_TLDS,
  FIRST_NAMES,
  JOB_TITLES,
  LAST_NAMES,
} from './people-names.js';

test('each list holds distinct entries, and the domain endings are the ten that keep company domains unique', () => {
  for (const [name, list] of Object.entries({
    FIRST_NAMES,
    LAST_NAMES,
    COMPANY_STEMS,
    COMPANY_TAILS,
    COMPANY_TLDS,
    JOB_TITLES,
  })) {
    assert.ok(list.length > 0, name);
    assert.equal(new Set(list).size, list.length, `${name} repeats an entry`);
  }
  assert.equal(COMPANY_TLDS.length, 10);
  // a domain is stem + tail + ending: the stems and tails must not run into each other ambiguously
  const domains = COMPANY_STEMS.flatMap((s) => COMPANY_TAILS.map((t) => `${s}${t}`.toLowerCase()));
  assert.equal(new Set(domains).size, domains.length);
});
