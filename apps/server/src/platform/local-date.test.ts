import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDays, addYears, localDate } from './local-date.ts';

describe('a practice’s calendar date', () => {
  it('is already tomorrow in Amsterdam while the UTC date is still today (summer and winter time)', () => {
    // 22:30 UTC in July is 00:30 the next day in Amsterdam (UTC+2); 23:30 UTC in January is 00:30 (UTC+1).
    assert.equal(localDate('Europe/Amsterdam', new Date('2026-07-13T22:30:00Z')), '2026-07-14');
    assert.equal(localDate('Europe/Amsterdam', new Date('2026-01-15T23:30:00Z')), '2026-01-16');
    assert.equal(localDate('Europe/Amsterdam', new Date('2026-01-15T22:59:59Z')), '2026-01-15');
    // The night the clocks go forward: 23:30 UTC on 28 March is 00:30 on the 29th.
    assert.equal(localDate('Europe/Amsterdam', new Date('2026-03-28T23:30:00Z')), '2026-03-29');
    assert.equal(localDate('UTC', new Date('2026-07-13T22:30:00Z')), '2026-07-13');
  });

  it('adds calendar days across months and years, and years on the wall clock', () => {
    assert.equal(addDays('2026-12-30', 2), '2027-01-01');
    assert.equal(addDays('2026-03-01', -1), '2026-02-28');
    // 29 February 2024 at 00:30 Amsterdam (23:30 UTC the day before): 21 years on is 28 February 2045, 00:30 there.
    const ends = addYears(new Date('2024-02-28T23:30:00Z'), 21, 'Europe/Amsterdam');
    assert.equal(localDate('Europe/Amsterdam', ends), '2045-02-28');
    assert.equal(ends.toISOString(), '2045-02-27T23:30:00.000Z');
    assert.equal(localDate('Europe/Amsterdam', addYears(new Date('2024-02-28T23:30:00Z'), 20, 'Europe/Amsterdam')), '2044-02-29');
  });
});
