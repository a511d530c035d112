import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BSN_PLACEHOLDER, checkBsn, normaliseBsn, passesElevenTest } from './bsn.ts';

describe('BSN', () => {
  it('accepts the published example 249566758', () => {
    assert.deepEqual(checkBsn('249566758'), { ok: true, bsn: '249566758', placeholder: false });
  });

  it('accepts the placeholder 999999999 only where a rule allows it', () => {
    assert.deepEqual(checkBsn(BSN_PLACEHOLDER), { ok: false, reason: 'placeholder_not_allowed' });
    assert.deepEqual(checkBsn(BSN_PLACEHOLDER, { allowPlaceholder: true }), { ok: true, bsn: '999999999', placeholder: true });
    assert.equal(passesElevenTest(BSN_PLACEHOLDER), false);
  });

  it('rejects 000000000 even though its weighted sum is divisible by 11', () => {
    assert.deepEqual(checkBsn('000000000'), { ok: false, reason: 'all_zero' });
  });

  it('zero-pads an 8-digit number before the eleven-test', () => {
    // 012345672: 0*9+1*8+2*7+3*6+4*5+5*4+6*3+7*2 - 2 = 110, divisible by 11.
    assert.deepEqual(checkBsn('12345672'), { ok: true, bsn: '012345672', placeholder: false });
    assert.equal(normaliseBsn('12345672'), '012345672');
  });

  it('rejects a number that fails the eleven-test, and wrong formats', () => {
    assert.deepEqual(checkBsn('249566759'), { ok: false, reason: 'eleven_test' });
    assert.deepEqual(checkBsn('1234567'), { ok: false, reason: 'format' });
    assert.deepEqual(checkBsn('1234567890'), { ok: false, reason: 'format' });
    assert.deepEqual(checkBsn('24956675a'), { ok: false, reason: 'format' });
  });

  it('ignores spaces, dots and dashes as people type them', () => {
    assert.equal(checkBsn('2495.66.758').ok, true);
    assert.equal(checkBsn('249 566 758').ok, true);
  });

  it('never accepts a number whose digit changed (single-digit errors are always caught)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
        const digits = '249566758'.split('').map(Number);
        digits[pos] = ((digits[pos] ?? 0) + delta) % 10;
        return !passesElevenTest(digits.join(''));
      }),
    );
  });
});
