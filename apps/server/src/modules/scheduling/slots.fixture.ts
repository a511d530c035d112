/** A practice for the free-slot and absence tests: clinicians with hours, one location with two rooms, services, clients. */
import crypto from 'node:crypto';
import { Temporal } from 'temporal-polyfill';
import type { Client, Reply, TestApp } from '../../test/harness.ts';
import { addMember, createTestPractice, createUser, signIn, type TestPractice } from '../../test/factories.ts';

export const ZONE = 'Europe/Amsterdam';

export interface SlotWorld {
  practice: TestPractice;
  base: string;
  owner: Client;
  backOffice: Client;
  backOfficeMembershipId: string;
  /** Anna and Bram, Monday to Friday 09:00–17:00 in person at `locationId` and by video. */
  clinicians: { membershipId: string; name: string; client: () => Promise<Client> }[];
  locationId: string;
  /** Kamer 1 and Kamer 2, in that order of preference. */
  roomIds: string[];
  /** 45 minutes, in person or video, no buffer. */
  serviceId: string;
  clientIds: string[];
}

export async function slotWorld(t: TestApp): Promise<SlotWorld> {
  const { db } = t.deps;
  const practice = await createTestPractice(t.deps);
  const id = practice.id;
  const base = `/api/v1/practices/${id}`;
  const owner = await signIn(t, practice.owner);
  const tag = crypto.randomUUID().slice(0, 6);
  const location = await db.insertInto('locations').values({ practice_id: id, name: 'Centrum' }).returning('id').executeTakeFirstOrThrow();
  const rooms = await db
    .insertInto('rooms')
    .values([
      { practice_id: id, location_id: location.id, name: 'Kamer 1' },
      { practice_id: id, location_id: location.id, name: 'Kamer 2' },
    ])
    .returning('id')
    .execute();
  const service = await db
    .insertInto('services')
    .values({ practice_id: id, name: 'Behandeling 45', default_duration_minutes: 45, allowed_modes: ['in_person', 'video'] })
    .returning('id')
    .executeTakeFirstOrThrow();
  const clinicians = [];
  for (const first of ['Anna', 'Bram']) {
    const name = `${first} ${tag}`;
    const user = await createUser(t.deps, { name });
    const membershipId = await addMember(t.deps, id, user, ['clinician']);
    const res = await owner.put(`${base}/staff/${membershipId}/working-hours`, {
      items: [1, 2, 3, 4, 5].map((weekday) => ({
        weekday,
        start: '09:00',
        end: '17:00',
        locationId: location.id,
        modes: ['in_person', 'video'],
      })),
    });
    if (res.status !== 200) throw new Error(`working hours: ${res.status} ${JSON.stringify(res.body)}`);
    clinicians.push({ membershipId, name, client: () => signIn(t, user) });
  }
  const officeUser = await createUser(t.deps, { name: `Office ${tag}` });
  const backOfficeMembershipId = await addMember(t.deps, id, officeUser, ['back_office']);
  const clientIds: string[] = [];
  for (let i = 0; i < 4; i++) {
    const c = await db
      .insertInto('clients')
      .values({
        practice_id: id,
        client_number: `C-00000${i + 1}`,
        first_name: `Client${i}`,
        last_name: `Slots ${tag}`,
        date_of_birth: '1985-06-15',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    clientIds.push(c.id);
  }
  return {
    practice,
    base,
    owner,
    backOffice: await signIn(t, officeUser),
    backOfficeMembershipId,
    clinicians,
    locationId: location.id,
    roomIds: rooms.map((r) => r.id),
    serviceId: service.id,
    clientIds,
  };
}

/** The Monday at least `weeks` weeks ahead of today (local), as YYYY-MM-DD. */
export function mondayAhead(weeks = 2): Temporal.PlainDate {
  const today = Temporal.Now.plainDateISO(ZONE);
  return today.add({ days: 7 * weeks - (today.dayOfWeek - 1) });
}

/**
 * The next spring and autumn clock changes in Europe/Amsterdam (last Sunday of March and of
 * October) that are still ahead, with the Friday before and the Monday after each.
 */
export function nextClockChanges(): { spring: ClockChange; autumn: ClockChange } {
  const today = Temporal.Now.plainDateISO(ZONE);
  const change = (month: number): ClockChange => {
    for (let year = today.year; ; year++) {
      const monthEnd = Temporal.PlainDate.from({ year, month, day: 1 }).add({ months: 1 }).subtract({ days: 1 });
      const sunday = monthEnd.subtract({ days: monthEnd.dayOfWeek % 7 });
      if (Temporal.PlainDate.compare(sunday.subtract({ days: 3 }), today) > 0) {
        return { sunday, friday: sunday.subtract({ days: 2 }), monday: sunday.add({ days: 1 }) };
      }
    }
  };
  return { spring: change(3), autumn: change(10) };
}
export interface ClockChange {
  friday: Temporal.PlainDate;
  sunday: Temporal.PlainDate;
  monday: Temporal.PlainDate;
}

interface ErrorBody {
  code: string;
  message: string;
  fields: { path: string; message: string }[];
}

export interface SlotItem {
  start: string;
  end: string;
  localStart: string;
  timeZone: string;
  clinicianId: string;
  clinicianName: string;
  locationId: string | null;
  roomId: string | null;
  roomName: string | null;
}

/** GET free-slots with these query parameters. */
export function searchSlots(
  c: Client,
  w: SlotWorld,
  query: Record<string, string | number>,
): Promise<Reply<{ items: SlotItem[]; error?: ErrorBody }>> {
  const q = new URLSearchParams(Object.entries({ serviceId: w.serviceId, mode: 'video', ...query }).map(([k, v]) => [k, String(v)]));
  return c.get(`${w.base}/free-slots?${q.toString()}`);
}

/** The local start times (`HH:MM`) of the slots on one date, for one clinician. */
export function timesOn(items: SlotItem[], date: Temporal.PlainDate | string, clinicianId?: string): string[] {
  const day = date.toString();
  return items
    .filter((s) => s.localStart.startsWith(day) && (clinicianId === undefined || s.clinicianId === clinicianId))
    .map((s) => s.localStart.slice(11));
}

/** The field paths of an error answer, sorted. */
export function fieldPaths(res: Reply<{ error?: ErrorBody } | undefined>): string[] {
  return (res.body?.error?.fields ?? []).map((f) => f.path).sort();
}
