import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { touchesInWindow } from './lookback.js';
import { parseTransform, transformPath, type PathSettings } from './transforms.js';

const p = (s: string): string[] => s.split('>').map((x) => x.trim());
const t = (path: string, settings: PathSettings): string =>
  transformPath(p(path), settings).join(' > ');

describe('path transforms', () => {
  it('unique keeps the path; exposure collapses consecutive repeats', () => {
    assert.equal(t('A > A > B > A', { transforms: [{ kind: 'unique' }] }), 'A > A > B > A');
    assert.equal(t('A > A > B > A', { transforms: [{ kind: 'exposure' }] }), 'A > B > A');
  });
  it('first and frequency keep each channel at its first occurrence', () => {
    assert.equal(t('D > A > B > B > C > D', { transforms: [{ kind: 'first' }] }), 'D > A > B > C');
    assert.equal(
      t('D > A > B > B > C > D', { transforms: [{ kind: 'frequency' }] }),
      'D > A > B > C',
    );
  });
  it('remove_if_not_all drops every X unless the path is all X', () => {
    assert.equal(
      t('Direct > A > Direct > B', {
        transforms: [{ kind: 'remove_if_not_all', channel: 'Direct' }],
      }),
      'A > B',
    );
    assert.equal(
      t('Direct > Direct', { transforms: [{ kind: 'remove_if_not_all', channel: 'Direct' }] }),
      'Direct > Direct',
    );
  });
  it('remove_if_last_and_not_all drops only the trailing run of X', () => {
    const x = { kind: 'remove_if_last_and_not_all', channel: 'Direct' } as const;
    assert.equal(t('Direct > A > Direct > Direct', { transforms: [x] }), 'Direct > A');
    assert.equal(t('Direct > Direct', { transforms: [x] }), 'Direct > Direct');
    assert.equal(t('A > Direct > B', { transforms: [x] }), 'A > Direct > B');
  });
  it('applies exclusion, then the step limit, then transforms left to right', () => {
    assert.equal(
      t('A > B > Direct > B > C', { excludeChannels: ['Direct'], stepLimit: 3 }),
      'B > B > C',
    );
    assert.equal(
      t('A > B > Direct > B > C', {
        excludeChannels: ['Direct'],
        stepLimit: 3,
        transforms: [{ kind: 'exposure' }],
      }),
      'B > C',
    );
    // order of transforms matters: first-then-remove vs remove-then-first
    const r = { kind: 'remove_if_last_and_not_all', channel: 'A' } as const;
    assert.equal(t('A > B > A', { transforms: [{ kind: 'first' }, r] }), 'A > B');
    assert.equal(t('A > B > A', { transforms: [r, { kind: 'first' }] }), 'A > B');
    assert.equal(t('B > A > B > A', { transforms: [r, { kind: 'exposure' }] }), 'B > A > B');
  });
  it('rejects a bad step limit and parses transform names', () => {
    assert.throws(() => t('A', { stepLimit: 0 }), /stepLimit/);
    assert.deepEqual(parseTransform(' remove_if_not_all(Paid Search) '), {
      kind: 'remove_if_not_all',
      channel: 'Paid Search',
    });
    assert.deepEqual(parseTransform('exposure'), { kind: 'exposure' });
    assert.throws(() => parseTransform('remove_if_not_all()'), /unknown path transform/);
    assert.throws(() => parseTransform('shuffle'), /unknown path transform/);
  });
});

describe('lookback window', () => {
  it('keeps touches within the window at or before the conversion, in time order', () => {
    const day = 86_400_000;
    const touches = [
      { id: 'b', at: 10 * day },
      { id: 'edge', at: 5 * day },
      { id: 'too-old', at: 5 * day - 1 },
      { id: 'after', at: 15 * day + 1 },
      { id: 'a', at: 15 * day },
    ];
    assert.deepEqual(
      touchesInWindow(touches, 15 * day, 10).map((x) => x.id),
      ['edge', 'b', 'a'],
    );
    assert.throws(() => touchesInWindow(touches, 0, 0), /lookback/);
  });
});
