import { sql } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import type { z } from 'zod';
import type { Absence, AbsenceCreateBody, AbsenceListQuery } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { requireRole, scoped } from '../../platform/tenancy.ts';
import { practiceSchedulingSettings } from './book-appointment.ts';
import { SCHEDULERS } from './queries.ts';
import { resolveLocal } from './time.ts';

type AbsenceView = z.infer<typeof Absence>;

const MAX_ABSENCE_DAYS = 366;
const MAX_LIST_DAYS = 366;

/** A calendar date, or a field error naming `path`. */
export function plainDate(value: string, path: string): Temporal.PlainDate {
  try {
    return Temporal.PlainDate.from(value, { overflow: 'reject' });
  } catch {
    throw AppError.field(path, `${value} is not a real date`);
  }
}

/** A whole day starts at its first instant in the zone (midnight, or later on a clock change). */
export function dayStart(date: Temporal.PlainDate, zone: string): number {
  return date.toZonedDateTime({ timeZone: zone }).epochMilliseconds;
}

/** `2026-07-13` is that day's start (or, as an end, the next day's start); `2026-07-13T13:00` that wall-clock time. */
function boundary(value: string, zone: string, path: string, asEnd: boolean): number {
  if (value.includes('T')) return resolveLocal(value, zone, path).at.epochMilliseconds;
  const date = plainDate(value, path);
  return dayStart(asEnd ? date.add({ days: 1 }) : date, zone);
}

function local(ms: number, zone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone).toPlainDateTime().toString({ smallestUnit: 'minute' });
}

export function absenceQuery(ctx: PracticeCtx) {
  return scoped(ctx)
    .selectFrom('absences')
    .leftJoin('memberships', 'memberships.id', 'absences.membership_id')
    .leftJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'absences.id',
      'absences.kind',
      'absences.membership_id',
      'users.name',
      'absences.starts_at',
      'absences.ends_at',
      'absences.description',
    ]);
}
type AbsenceRow = Awaited<ReturnType<ReturnType<typeof absenceQuery>['executeTakeFirstOrThrow']>>;

export function presentAbsence(r: AbsenceRow, zone: string): AbsenceView {
  return {
    id: r.id,
    kind: r.kind,
    membershipId: r.membership_id,
    name: r.membership_id ? r.name : null,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    localStart: local(r.starts_at.getTime(), zone),
    localEnd: local(r.ends_at.getTime(), zone),
    timeZone: zone,
    description: r.description,
  };
}

/**
 * Leave and closures overlapping the days from–to (local, inclusive), any role. Leave is
 * personal data of staff (sick leave especially): each list is one access-log entry.
 * Throws `validation_failed` for a reversed or too long period.
 */
export async function listAbsences(ctx: PracticeCtx, q: z.infer<typeof AbsenceListQuery>): Promise<{ items: AbsenceView[] }> {
  const { time_zone: zone } = await practiceSchedulingSettings(ctx);
  const from = plainDate(q.from, 'query.from');
  const to = plainDate(q.to, 'query.to');
  if (Temporal.PlainDate.compare(to, from) < 0) throw AppError.field('query.to', 'must be on or after from');
  if (from.until(to).days >= MAX_LIST_DAYS) throw AppError.field('query.to', `ask for at most ${MAX_LIST_DAYS} days at a time`);
  const lo = new Date(dayStart(from, zone));
  const hi = new Date(dayStart(to.add({ days: 1 }), zone));
  const rows = await absenceQuery(ctx)
    .where(sql<boolean>`tstzrange(absences.starts_at, absences.ends_at, '[)') && tstzrange(${lo}, ${hi}, '[)')`)
    .$if(q.membershipId !== undefined, (b) =>
      b.where((eb) => eb.or([eb('absences.membership_id', '=', q.membershipId ?? ''), eb('absences.membership_id', 'is', null)])),
    )
    .orderBy('absences.starts_at')
    .orderBy('absences.id')
    .execute();
  await scoped(ctx).audit({ action: 'absence.list', entityType: 'absence', dataCategory: 'staff' });
  return { items: rows.map((r) => presentAbsence(r, zone)) };
}

/**
 * Records leave of a member or a closure of the practice (owner, back office). Appointments
 * already booked in that time stay; new bookings there need an explicit override.
 * Throws `forbidden`, `validation_failed`.
 */
export async function createAbsence(ctx: PracticeCtx, input: z.infer<typeof AbsenceCreateBody>): Promise<AbsenceView> {
  requireRole(ctx, ...SCHEDULERS);
  const { time_zone: zone } = await practiceSchedulingSettings(ctx);
  const membershipId = input.membershipId ?? null;
  if (input.kind === 'closure' && membershipId !== null) {
    throw AppError.field('body.membershipId', 'a closure is for the whole practice: leave membershipId out');
  }
  if (input.kind !== 'closure' && membershipId === null) {
    throw AppError.field('body.membershipId', `${input.kind} needs the member who is away`);
  }
  const startsAt = boundary(input.start, zone, 'body.start', false);
  const endsAt = boundary(input.end, zone, 'body.end', true);
  if (endsAt <= startsAt) throw AppError.field('body.end', 'must be after the start');
  if (endsAt - startsAt > MAX_ABSENCE_DAYS * 86_400_000) {
    throw AppError.field('body.end', `an absence lasts at most ${MAX_ABSENCE_DAYS} days; enter a longer one in parts`);
  }
  if (membershipId !== null) {
    const member = await scoped(ctx)
      .selectFrom('memberships')
      .select('id')
      .where('id', '=', membershipId)
      .where('active', '=', true)
      .executeTakeFirst();
    if (!member) throw AppError.field('body.membershipId', 'no active member with this id in this practice');
  }
  const row = await scoped(ctx)
    .insertInto('absences', [
      {
        membership_id: membershipId,
        kind: input.kind,
        starts_at: new Date(startsAt),
        ends_at: new Date(endsAt),
        description: input.description || null,
        created_by: ctx.actor.userId,
      },
    ])
    .returning('id')
    .executeTakeFirstOrThrow();
  await scoped(ctx).audit({
    action: 'absence.create',
    entityType: 'absence',
    entityId: row.id,
    dataCategory: membershipId ? 'staff' : 'practice',
  });
  return presentAbsence(await absenceQuery(ctx).where('absences.id', '=', row.id).executeTakeFirstOrThrow(), zone);
}

/** Removes leave or a closure (owner, back office). Throws `forbidden`, `not_found`. */
export async function deleteAbsence(ctx: PracticeCtx, absenceId: string): Promise<{ ok: true }> {
  requireRole(ctx, ...SCHEDULERS);
  const row = await scoped(ctx).deleteFrom('absences').where('id', '=', absenceId).returning(['id', 'membership_id']).executeTakeFirst();
  if (!row) throw AppError.notFound('absence');
  await scoped(ctx).audit({
    action: 'absence.delete',
    entityType: 'absence',
    entityId: row.id,
    dataCategory: row.membership_id ? 'staff' : 'practice',
  });
  return { ok: true };
}
