import assert from 'node:assert/strict';
import { test } from 'node:test';
import { phoneTextPattern, splitE164 } from './phone-spellings.js';

test('an E.164 phone splits into its calling code and national number', () => {
  assert.deepEqual(splitE164('+441614960003'), { country: '44', national: '1614960003' });
  assert.deepEqual(splitE164('+14155550123'), { country: '1', national: '4155550123' });
  assert.deepEqual(splitE164('+74951234567'), { country: '7', national: '4951234567' });
  assert.deepEqual(splitE164('+35312345678'), { country: '353', national: '12345678' });
  assert.deepEqual(splitE164('+4930123456'), { country: '49', national: '30123456' });
  assert.equal(splitE164('+3531234'), null, 'a national number under 7 digits is not searched for');
  assert.equal(splitE164('01614960003'), null, 'not E.164');
});

test("a phone's pattern finds its international and national spellings, never a part of a longer number", () => {
  const finds = (phone: string, text: string) => new RegExp(phoneTextPattern(phone)!).test(text);
  const uk = '+441614960003';
  for (const text of [
    '{"phone":"+44 161 496-0003"}',
    '{"phone":"00441614960003"}',
    '{"phone":"0161 496 0003"}',
    '{"phone":"01614960003"}',
    '{"phone":"+44 (0)161 496 0003"}',
    '<Phone>(0161) 496-0003</Phone>',
    '{"phone":"161.496.0003"}',
  ])
    assert.ok(finds(uk, text), text);
  for (const text of [
    '{"phone":"+44 161 496 00031"}',
    '{"phone":"0161 496 00039"}',
    '{"id":"91614960003"}',
    '{"phone":"+1614960003"}',
    '{"phone":"0161 496 0004"}',
  ])
    assert.ok(!finds(uk, text), text);
  const us = '+14155550123';
  for (const text of ['(415) 555-0123', '1-415-555-0123', '+1 415 555 0123', '415.555.0123'])
    assert.ok(finds(us, text), text);
  assert.ok(!finds(us, '4155550123 4'.replace(' ', '')), 'inside a longer number');
  assert.equal(phoneTextPattern('+12345'), null);
});
