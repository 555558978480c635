import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  normaliseEmail,
  normaliseIdentifier,
  normaliseKind,
  normaliseOpaqueId,
  normalisePhone,
  type RejectReason,
} from './normalise.js';

type Row = [input: string, expected: string | RejectReason];

function check(
  rows: Row[],
  fn: (raw: string) => { value: string | undefined; reason?: RejectReason | undefined },
): void {
  for (const [input, expected] of rows) {
    const r = fn(input);
    const got = r.value ?? r.reason;
    assert.equal(got, expected, `input ${JSON.stringify(input)}`);
    if (r.value !== undefined) assert.equal(r.reason, undefined);
  }
}

test('emails: trimmed and lower-cased, plus-addressing kept, implausible values rejected with a reason', () => {
  check(
    [
      ['Ann@Example.com', 'ann@example.com'],
      ['  ann@example.com \n', 'ann@example.com'],
      ['Ann+News@Example.co.uk', 'ann+news@example.co.uk'],
      ['mailto:Bob@x.io', 'bob@x.io'],
      ["o'brien.j@sub.example.org", "o'brien.j@sub.example.org"],
      ['zoë@bücher.de', 'zoë@bücher.de'],
      ['ann@xn--bcher-kva.com', 'ann@xn--bcher-kva.com'],
      ['', 'empty'],
      ['   ', 'empty'],
      ['undefined', 'placeholder'],
      ['NULL', 'placeholder'],
      ['ann.example.com', 'missing_at'],
      ['@example.com', 'invalid_local_part'],
      ['ann..b@example.com', 'invalid_local_part'],
      ['.ann@example.com', 'invalid_local_part'],
      ['a b@example.com', 'invalid_local_part'],
      ['ann@b@example.com', 'invalid_local_part'],
      [`${'a'.repeat(65)}@example.com`, 'invalid_local_part'],
      ['ann@localhost', 'invalid_domain'],
      ['ann@example', 'invalid_domain'],
      ['ann@example.c', 'invalid_domain'],
      ['ann@example.com.', 'invalid_domain'],
      ['ann@-example.com', 'invalid_domain'],
      ['ann@exa_mple.com', 'invalid_domain'],
      ['ann@192.168.0.1', 'invalid_domain'],
      [`ann@${'a'.repeat(250)}.com`, 'too_long'],
    ],
    normaliseEmail,
  );
});

test('phones: E.164 from common national and international spellings', () => {
  const us = (raw: string) => normalisePhone(raw, { defaultCountry: '1' });
  const uk = (raw: string) => normalisePhone(raw, { defaultCountry: '+44' });
  const it = (raw: string) => normalisePhone(raw, { defaultCountry: '39' });
  const none = (raw: string) => normalisePhone(raw);
  check(
    [
      ['(415) 555-0100', '+14155550100'],
      ['415.555.0100', '+14155550100'],
      ['1-415-555-0100', '+14155550100'],
      ['+1 (415) 555-0100 ext. 23', '+14155550100'],
      ['415-555-0100 x7', '+14155550100'],
      ['tel:+1-415-555-0100;ext=9', '+14155550100'],
      ['011 44 20 7946 0018', '+442079460018'],
      ['555-0100', 'too_short'],
      ['+1 415 555 01000', 'too_long'],
      ['(555) 555-5555', 'placeholder'],
      ['(000) 000-0000', 'invalid_country'],
      ['call me', 'invalid_characters'],
      ['', 'empty'],
    ],
    us,
  );
  check(
    [
      ['020 7946 0018', '+442079460018'],
      ['+44 (0)20 7946 0018', '+442079460018'],
      ['0044 20 7946 0018', '+442079460018'],
      ['07700 900123', '+447700900123'],
      ['+49 30 901820', '+4930901820'],
      ['+1234567890123456', 'too_long'],
      ['+12', 'too_short'],
      ['020 7946 0018 #12', '+442079460018'],
    ],
    uk,
  );
  check([['06 6982 1234', '+390669821234']], it);
  check(
    [
      ['020 7946 0018', 'missing_country'],
      ['+44 20 7946 0018', '+442079460018'],
      ['+44 20 7946 0018 ext 4', '+442079460018'],
    ],
    none,
  );
  assert.equal(normalisePhone('020 7946 0018', { defaultCountry: 'UK' }).reason, 'invalid_country');
});

test('opaque ids: trimmed, case kept, empty and placeholder values rejected', () => {
  check(
    [
      [' a-1B ', 'a-1B'],
      ['cus_NffrFeUfNV2Hib', 'cus_NffrFeUfNV2Hib'],
      ['', 'empty'],
      ['\t', 'empty'],
      ['undefined', 'placeholder'],
      ['0', 'placeholder'],
      ['[object Object]', 'placeholder'],
      ['x'.repeat(513), 'too_long'],
    ],
    normaliseOpaqueId,
  );
});

test('kinds are lower-cased and checked; identifiers normalise idempotently', () => {
  assert.equal(normaliseKind(' Email '), 'email');
  assert.equal(normaliseKind('hubspot_contact'), 'hubspot_contact');
  assert.equal(normaliseKind('a:b'), undefined);
  assert.equal(normaliseKind(''), undefined);
  assert.equal(normaliseIdentifier({ kind: 'bad kind', value: 'x' }).reason, 'invalid_kind');
  const inputs = [
    { kind: 'EMAIL', value: ' Ann+X@Example.COM ' },
    { kind: 'phone', value: '020 7946 0018' },
    { kind: 'anonymous_id', value: ' a-1 ' },
  ];
  for (const input of inputs) {
    const once = normaliseIdentifier(input, { defaultCountry: '44' }).identifier;
    assert.ok(once, JSON.stringify(input));
    assert.deepEqual(normaliseIdentifier(once, { defaultCountry: '44' }).identifier, once);
  }
});
