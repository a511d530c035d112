import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addDays,
  clock,
  dayStart,
  layoutLanes,
  localTime,
  mondayOf,
  outsideOf,
  parseClock,
  segmentOnDate,
  snap,
  weekday,
} from './calendar.ts';

test('an instant is placed on the practice clock, across both 2026 clock changes', () => {
  // 29 March 2026: 02:00 CET becomes 03:00 CEST.
  assert.deepEqual(localTime('2026-03-29T00:30:00Z', 'Europe/Amsterdam'), { date: '2026-03-29', minutes: 90 });
  assert.deepEqual(localTime('2026-03-29T01:30:00Z', 'Europe/Amsterdam'), { date: '2026-03-29', minutes: 210 });
  // 25 October 2026: 03:00 CEST becomes 02:00 CET; 23:30 UTC the day before is 00:30 local.
  assert.deepEqual(localTime('2026-10-24T22:30:00Z', 'Europe/Amsterdam'), { date: '2026-10-25', minutes: 30 });
  assert.deepEqual(localTime('2026-10-25T09:00:00Z', 'Europe/Amsterdam'), { date: '2026-10-25', minutes: 600 });
  assert.equal(dayStart('2026-03-29', 'Europe/Amsterdam'), '2026-03-28T23:00:00.000Z');
  assert.equal(dayStart('2026-03-30', 'Europe/Amsterdam'), '2026-03-29T22:00:00.000Z');
  assert.equal(dayStart('2026-10-26', 'Europe/Amsterdam'), '2026-10-25T23:00:00.000Z');
});

test('weeks start on Monday; days roll over months and years', () => {
  assert.equal(weekday('2026-03-30'), 1);
  assert.equal(weekday('2026-03-29'), 7);
  assert.equal(mondayOf('2026-03-29'), '2026-03-23');
  assert.equal(mondayOf('2027-01-01'), '2026-12-28');
  assert.equal(addDays('2026-12-31', 1), '2027-01-01');
  assert.equal(addDays('2026-03-01', -1), '2026-02-28');
});

test('times of day are written and read on a 24-hour clock, snapped to 15 minutes', () => {
  assert.equal(clock(615), '10:15');
  assert.equal(clock(0), '00:00');
  assert.equal(parseClock('9:05'), 545);
  assert.equal(parseClock('14.30'), 870);
  assert.equal(parseClock('24:00'), null);
  assert.equal(parseClock('2 pm'), null);
  assert.equal(snap(607), 600);
  assert.equal(snap(608), 615);
});

test('overlapping blocks share the column side by side; the rest keep the full width', () => {
  const placed = layoutLanes([
    { id: 'a', start: 540, end: 600 },
    { id: 'b', start: 570, end: 630 },
    { id: 'c', start: 600, end: 660 },
    { id: 'd', start: 700, end: 745 },
  ]);
  const by = Object.fromEntries(placed.map((p) => [p.id, [p.lane, p.lanes]]));
  assert.deepEqual(by, { a: [0, 2], b: [1, 2], c: [0, 2], d: [0, 1] });
});

test('availability is cut per local day, across the clock changes, and the rest of the day is outside the hours', () => {
  const zone = 'Europe/Amsterdam';
  // 09:00–17:00 on the Monday after the spring change (UTC+2).
  const monday = { start: '2026-03-30T07:00:00Z', end: '2026-03-30T15:00:00Z' };
  assert.deepEqual(segmentOnDate(monday, '2026-03-30', zone), { start: 540, end: 1020 });
  assert.equal(segmentOnDate(monday, '2026-03-31', zone), null);
  // Leave from Friday 13:00 to the end of Sunday 29 March: Saturday is whole, Sunday ends at midnight.
  const leave = { start: '2026-03-27T12:00:00Z', end: '2026-03-29T22:00:00Z' };
  assert.deepEqual(segmentOnDate(leave, '2026-03-27', zone), { start: 780, end: 1440 });
  assert.deepEqual(segmentOnDate(leave, '2026-03-28', zone), { start: 0, end: 1440 });
  assert.deepEqual(segmentOnDate(leave, '2026-03-29', zone), { start: 0, end: 1440 });
  // 01:00 CET – 05:00 CEST on the night of the change is 01:00–05:00 on the wall clock.
  assert.deepEqual(segmentOnDate({ start: '2026-03-29T00:00:00Z', end: '2026-03-29T03:00:00Z' }, '2026-03-29', zone), {
    start: 60,
    end: 300,
  });
  assert.deepEqual(
    outsideOf([
      { start: 780, end: 1020 },
      { start: 540, end: 720 },
      { start: 700, end: 800 },
    ]),
    [
      { start: 0, end: 540 },
      { start: 1020, end: 1440 },
    ],
  );
  assert.deepEqual(outsideOf([]), [{ start: 0, end: 1440 }]);
});
