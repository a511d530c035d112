import { sql } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import type { z } from 'zod';
import { MAX_AVAILABILITY_DAYS, type Availability, type AvailabilityQuery, type Mode, type WorkingInterval } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { scoped } from '../../platform/tenancy.ts';
import { absenceQuery, dayStart, plainDate, presentAbsence } from './absences.ts';
import { practiceSchedulingSettings } from './book-appointment.ts';

type Query = z.infer<typeof AvailabilityQuery>;
type Interval = z.infer<typeof WorkingInterval>;

/** One row of `working_hours`: local wall-clock times on an ISO weekday (1 = Monday). */
export interface HoursRow {
  weekday: number;
  /** `09:00:00`; `24:00:00` is the end of the day. */
  start_time: string;
  end_time: string;
  modes: string[];
  location_id: string | null;
}

/** `09:30:00` → 570. */
function minuteOfDay(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/**
 * The instant of `minute` after local midnight of `date` in `zone`. A wall-clock time skipped
 * when the clocks go forward moves forward by the gap; one repeated when they go back is the
 * earlier instant (summer time), as for free slots and bookings.
 */
function instantAt(date: Temporal.PlainDate, minute: number, zone: string): Temporal.ZonedDateTime {
  const day = date.add({ days: Math.floor(minute / 1440) });
  const m = minute % 1440;
  return day.toZonedDateTime({ timeZone: zone, plainTime: Temporal.PlainTime.from({ hour: Math.floor(m / 60), minute: m % 60 }) });
}

const wall = (z: Temporal.ZonedDateTime) => z.toPlainDateTime().toString({ smallestUnit: 'minute' });

/**
 * Weekly working hours expanded to instants on every date from–to (inclusive), each date's
 * wall-clock times resolved in `zone` on that date: across a clock change 09:00 stays 09:00
 * local and a block spanning the change is an hour shorter (spring) or longer (autumn).
 */
export function expandWorkingHours(rows: HoursRow[], from: Temporal.PlainDate, to: Temporal.PlainDate, zone: string): Interval[] {
  const out: { at: number; interval: Interval }[] = [];
  for (let date = from; Temporal.PlainDate.compare(date, to) <= 0; date = date.add({ days: 1 })) {
    for (const r of rows) {
      if (r.weekday !== date.dayOfWeek) continue;
      const start = instantAt(date, minuteOfDay(r.start_time), zone);
      const end = instantAt(date, minuteOfDay(r.end_time), zone);
      if (end.epochMilliseconds <= start.epochMilliseconds) continue;
      out.push({
        at: start.epochMilliseconds,
        interval: {
          start: new Date(start.epochMilliseconds).toISOString(),
          end: new Date(end.epochMilliseconds).toISOString(),
          localStart: wall(start),
          localEnd: wall(end),
          modes: r.modes as Mode[],
          locationId: r.location_id,
        },
      });
    }
  }
  return out.sort((a, b) => a.at - b.at).map((o) => o.interval);
}

function checkRange(q: Query) {
  const from = plainDate(q.from, 'query.from');
  const to = plainDate(q.to, 'query.to');
  if (Temporal.PlainDate.compare(to, from) < 0) throw AppError.field('query.to', 'must be on or after from');
  if (from.until(to).days >= MAX_AVAILABILITY_DAYS) {
    throw AppError.field('query.to', `ask for at most ${MAX_AVAILABILITY_DAYS} days at a time`);
  }
  return { from, to };
}

/**
 * When each clinician can be booked over a range of local days: their working hours as
 * instants per date (in the practice's zone), their leave, sick leave and training, and the
 * practice's closures. For the agenda, to shade the time nobody can be booked in. Any role
 * may read it, like the list of absences.
 *
 * Four statements whatever the number of clinicians: the practice's zone, the clinicians,
 * their working hours, the absences. Absences of staff are personal data (sick leave
 * especially), so, as for the list of absences, a read that returns any writes one access-log
 * entry. Throws `validation_failed` naming the query field (a reversed or too long range, an
 * unknown clinician).
 */
export async function readAvailability(ctx: PracticeCtx, q: Query): Promise<z.infer<typeof Availability>> {
  const { from, to } = checkRange(q);
  const asked = q.clinicianIds === undefined ? null : [...new Set(q.clinicianIds.toLowerCase().split(','))];
  if (asked !== null && asked.length > 200) throw AppError.field('query.clinicianIds', 'ask for at most 200 clinicians at a time');
  const { time_zone: zone } = await practiceSchedulingSettings(ctx);

  const members = await scoped(ctx)
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['memberships.id', 'users.name'])
    .$if(asked === null, (b) => b.where('memberships.active', '=', true).where(sql<boolean>`memberships.roles @> ARRAY['clinician']`))
    .$if(asked !== null, (b) => b.where('memberships.id', 'in', asked ?? []))
    .orderBy('users.name')
    .orderBy('memberships.id')
    .execute();
  if (asked !== null) {
    const unknown = asked.filter((id) => !members.some((m) => m.id === id));
    if (unknown.length > 0) throw AppError.field('query.clinicianIds', `no member with id ${unknown.join(', ')} in this practice`);
  }
  const ids = members.map((m) => m.id);

  const hours =
    ids.length === 0
      ? []
      : await scoped(ctx)
          .selectFrom('working_hours')
          .select(['membership_id', 'weekday', 'start_time', 'end_time', 'modes', 'location_id'])
          .where('membership_id', 'in', ids)
          .execute();
  const lo = new Date(dayStart(from, zone));
  const hi = new Date(dayStart(to.add({ days: 1 }), zone));
  const absences = await absenceQuery(ctx)
    .where(sql<boolean>`tstzrange(absences.starts_at, absences.ends_at, '[)') && tstzrange(${lo}, ${hi}, '[)')`)
    .where((eb) =>
      ids.length === 0
        ? eb('absences.membership_id', 'is', null)
        : eb.or([eb('absences.membership_id', 'in', ids), eb('absences.membership_id', 'is', null)]),
    )
    .orderBy('absences.starts_at')
    .orderBy('absences.id')
    .execute();

  const staffAbsences = absences.filter((a) => a.membership_id !== null);
  if (staffAbsences.length > 0) {
    await scoped(ctx).audit({ action: 'availability.read', entityType: 'absence', dataCategory: 'staff' });
  }
  return {
    timeZone: zone,
    from: from.toString(),
    to: to.toString(),
    clinicians: members.map((m) => ({
      clinicianId: m.id,
      name: m.name,
      working: expandWorkingHours(
        hours.filter((h) => h.membership_id === m.id),
        from,
        to,
        zone,
      ),
      absences: staffAbsences.filter((a) => a.membership_id === m.id).map((a) => presentAbsence(a, zone)),
    })),
    closures: absences.filter((a) => a.membership_id === null).map((a) => presentAbsence(a, zone)),
  };
}
