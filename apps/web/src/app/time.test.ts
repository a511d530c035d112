import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { todayIn } from './time.ts';

describe('todayIn', () => {
  it("is the practice's date, already tomorrow in Amsterdam while the UTC date is still today", () => {
    assert.equal(todayIn('Europe/Amsterdam', new Date('2026-07-13T22:30:00Z')), '2026-07-14');
    assert.equal(todayIn('Europe/Amsterdam', new Date('2026-01-15T23:30:00Z')), '2026-01-16');
    assert.equal(todayIn('Europe/Amsterdam', new Date('2026-01-15T22:59:00Z')), '2026-01-15');
    assert.equal(todayIn('UTC', new Date('2026-07-13T22:30:00Z')), '2026-07-13');
  });
});
