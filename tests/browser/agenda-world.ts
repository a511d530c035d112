import type { AppDeps } from '../../apps/server/src/platform/context.ts';
import { addMember, createTestPractice, createUser, randomBsn } from '../../apps/server/src/test/factories.ts';

export const ZONE = 'Europe/Amsterdam';

/** Today in the practice's zone, plus `days`, as YYYY-MM-DD. */
export function day(days = 0): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date());
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * A practice for the agenda journeys: back office Sanne Visser and clinician Joris Bakker
 * (both reading English), who works `hours` on `weekdays` (in person and video); one
 * location with one room, a 45-minute service and two clients, Anna and Bram.
 */
export async function agendaPractice(deps: AppDeps, suffix: string, opts: { name: string; weekdays: number[]; hours: [string, string] }) {
  const practice = await createTestPractice(deps, { name: `${opts.name} ${suffix}` });
  const p = practice.id;
  const { db } = deps;
  const backOffice = await createUser(deps, { name: 'Sanne Visser' });
  await addMember(deps, p, backOffice, ['back_office']);
  const clinician = await createUser(deps, { name: 'Joris Bakker' });
  const clinicianId = await addMember(deps, p, clinician, ['clinician']);
  await db.updateTable('users').set({ locale: 'en' }).where('id', 'in', [backOffice.id, clinician.id]).execute();
  const location = await db
    .insertInto('locations')
    .values({ practice_id: p, name: 'Utrecht Centrum', address: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const room = await db
    .insertInto('rooms')
    .values({ practice_id: p, location_id: location.id, name: 'Kamer 1' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const service = await db
    .insertInto('services')
    .values({ practice_id: p, name: 'Behandelgesprek', default_duration_minutes: 45, allowed_modes: ['in_person', 'video'] })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('working_hours')
    .values(
      opts.weekdays.map((weekday) => ({
        practice_id: p,
        membership_id: clinicianId,
        weekday,
        start_time: opts.hours[0],
        end_time: opts.hours[1],
        location_id: null,
        modes: ['in_person', 'video'] as ('in_person' | 'video')[],
      })),
    )
    .execute();
  await db.updateTable('practices').set({ next_client_number: 3 }).where('id', '=', p).execute();
  const client = (number: string, first: string, last: string) =>
    db
      .insertInto('clients')
      .values({ practice_id: p, client_number: number, first_name: first, last_name: last, date_of_birth: '1980-03-27', bsn: randomBsn() })
      .returning('id')
      .executeTakeFirstOrThrow();
  const anna = await client('C-000001', 'Anna', `Jansen-${suffix}`);
  const bram = await client('C-000002', 'Bram', `de Vries-${suffix}`);
  return { practice, backOffice, clinician, clinicianId, location, room, service, anna, bram };
}
