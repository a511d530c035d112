import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { busyWithBuffer, findSlots, isFree, localStart, mergeIntervals, type SlotClinician, type SlotSearch } from './slot-finder.ts';

const ZONE = 'Europe/Amsterdam';
const weekdays = (startMinute: number, endMinute: number) =>
  [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute, endMinute, locationId: null }));

function clinician(name: string, blocked: { start: string; end: string }[] = []): SlotClinician {
  return {
    id: `id-${name}`,
    name,
    blocks: weekdays(9 * 60, 17 * 60),
    blocked: mergeIntervals(blocked.map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end) }))),
  };
}

function search(from: string, to: string, extra: Partial<SlotSearch> = {}): SlotSearch {
  return {
    zone: ZONE,
    from: Temporal.PlainDate.from(from),
    to: Temporal.PlainDate.from(to),
    durationMinutes: 45,
    now: 0,
    limit: 1000,
    rooms: null,
    locationId: null,
    ...extra,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('slot finder', () => {
  it('turns 09:00 local into 08:00Z before and 07:00Z after the change to summer time on 2026-03-29', () => {
    const slots = findSlots(search('2026-03-27', '2026-03-30'), [clinician('Anna')]);
    const firsts = [...new Set(slots.map((s) => iso(s.start).slice(0, 10)))].map((d) =>
      iso(slots.find((s) => iso(s.start).startsWith(d))!.start),
    );
    assert.deepEqual(firsts, ['2026-03-27T08:00:00.000Z', '2026-03-30T07:00:00.000Z']);
    assert.equal(slots.length, 60);
  });

  it('turns 09:00 local into 07:00Z before and 08:00Z after the change to winter time on 2026-10-25', () => {
    const slots = findSlots(search('2026-10-23', '2026-10-26'), [clinician('Anna')]);
    assert.equal(iso(slots[0]!.start), '2026-10-23T07:00:00.000Z');
    assert.equal(iso(slots[30]!.start), '2026-10-26T08:00:00.000Z');
    assert.equal(iso(slots[59]!.end), '2026-10-26T16:00:00.000Z', 'the last session ends at 17:00 local');
  });

  it('keeps elapsed time through the night of the change: hours 01:00–04:00 on 2026-03-29 last two hours', () => {
    const night = { ...clinician('Nacht'), blocks: [{ weekday: 7, startMinute: 60, endMinute: 240, locationId: null }] };
    const slots = findSlots(search('2026-03-29', '2026-03-29', { durationMinutes: 60 }), [night]);
    assert.equal(iso(slots[0]!.start), '2026-03-29T00:00:00.000Z');
    assert.equal(iso(slots[slots.length - 1]!.end), '2026-03-29T02:00:00.000Z');
    assert.equal(slots.length, 5);
    assert.deepEqual(
      slots.map((s) => localStart(s, ZONE)),
      ['2026-03-29T01:00', '2026-03-29T01:15', '2026-03-29T01:30', '2026-03-29T01:45', '2026-03-29T03:00'],
    );
  });

  it('labels slots with their wall-clock start on both sides of a clock change', () => {
    const spring = findSlots(search('2026-03-27', '2026-03-30'), [clinician('Anna')]);
    assert.equal(localStart(spring[0]!, ZONE), '2026-03-27T09:00');
    assert.equal(localStart(spring[30]!, ZONE), '2026-03-30T09:00');
    const autumn = findSlots(search('2026-10-23', '2026-10-26'), [clinician('Anna')]);
    assert.equal(localStart(autumn[29]!, ZONE), '2026-10-23T16:15');
    assert.equal(localStart(autumn[30]!, ZONE), '2026-10-26T09:00');
  });

  it('offers no start before now, and rounds now up to the grid', () => {
    const now = Date.parse('2026-03-30T07:07:00Z');
    const slots = findSlots(search('2026-03-30', '2026-03-30', { now }), [clinician('Anna')]);
    assert.equal(iso(slots[0]!.start), '2026-03-30T07:15:00.000Z');
  });

  it('widens a session by the larger buffer on both sides', () => {
    const s = { start: Date.parse('2026-03-30T08:00:00Z'), end: Date.parse('2026-03-30T08:45:00Z') };
    assert.deepEqual(busyWithBuffer(s, 10, 0), { start: s.start - 600_000, end: s.end + 600_000 });
    assert.deepEqual(busyWithBuffer(s, 0, 30), { start: s.start - 1_800_000, end: s.end + 1_800_000 });
  });

  it('merges touching intervals and tells free from taken at the edges', () => {
    const list = mergeIntervals([
      { start: 30, end: 40 },
      { start: 10, end: 20 },
      { start: 20, end: 25 },
    ]);
    assert.deepEqual(list, [
      { start: 10, end: 25 },
      { start: 30, end: 40 },
    ]);
    assert.equal(isFree(list, 0, 10), true);
    assert.equal(isFree(list, 25, 30), true);
    assert.equal(isFree(list, 24, 26), false);
    assert.equal(isFree(list, 0, 100), false);
    assert.equal(isFree(list, 40, 50), true);
  });

  it('stops after the day on which the limit is reached, in start then name order', () => {
    const slots = findSlots(search('2026-03-30', '2026-04-30', { limit: 3 }), [clinician('Bram'), clinician('Anna')]);
    assert.deepEqual(
      slots.map((s) => [iso(s.start).slice(11, 16), s.clinician.name]),
      [
        ['07:00', 'Anna'],
        ['07:00', 'Bram'],
        ['07:15', 'Anna'],
      ],
    );
  });

  it('chooses the first room that is free for the whole session, at the block’s location', () => {
    const taken = { start: Date.parse('2026-03-30T07:00:00Z'), end: Date.parse('2026-03-30T08:00:00Z') };
    const rooms = [
      { id: 'r1', name: 'Kamer 1', locationId: 'L1', busy: [taken] },
      { id: 'r2', name: 'Kamer 2', locationId: 'L1', busy: [] },
      { id: 'r3', name: 'Kamer N', locationId: 'L2', busy: [] },
    ];
    const atL1 = { ...clinician('Anna'), blocks: [{ weekday: 1, startMinute: 540, endMinute: 660, locationId: 'L1' }] };
    const slots = findSlots(search('2026-03-30', '2026-03-30', { rooms }), [atL1]);
    assert.deepEqual(
      slots.map((s) => s.room?.id),
      ['r2', 'r2', 'r2', 'r2', 'r1', 'r1'],
    );
    assert.equal(findSlots(search('2026-03-30', '2026-03-30', { rooms, locationId: 'L2' }), [atL1]).length, 0);
  });
});
