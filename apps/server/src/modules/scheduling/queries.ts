import type { Selectable } from 'kysely';
import type { z } from 'zod';
import type { Appointment, AppointmentStatus } from '@calmdesk/shared';
import type { AppointmentMode, AppointmentsTable } from '../../db/schema.ts';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { scoped } from '../../platform/tenancy.ts';
import { displayName } from '../clients/presenter.ts';
import { localForApi } from './time.ts';

export type AppointmentView = z.infer<typeof Appointment>;

/** Roles that run the calendar of the whole practice (book, move, cancel). */
export const SCHEDULERS = ['owner', 'back_office'] as const;

export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter((w) => w.length > 0 && w[0] === w[0]?.toUpperCase())
    .map((w) => w[0])
    .join('')
    .slice(0, 4);
}

export function appointmentQuery(ctx: PracticeCtx) {
  return scoped(ctx)
    .selectFrom('appointments')
    .innerJoin('services', 'services.id', 'appointments.service_id')
    .leftJoin('locations', 'locations.id', 'appointments.location_id')
    .leftJoin('rooms', 'rooms.id', 'appointments.room_id')
    .select([
      'appointments.id',
      'appointments.practice_id',
      'appointments.series_id',
      'appointments.series_position',
      'appointments.service_id',
      'services.name as service_name',
      'appointments.mode',
      'appointments.location_id',
      'locations.name as location_name',
      'appointments.room_id',
      'rooms.name as room_name',
      'appointments.starts_at',
      'appointments.ends_at',
      'appointments.local_start',
      'appointments.time_zone',
      'appointments.status',
      'appointments.status_reason',
      'appointments.status_changed_at',
      'appointments.cancelled_by',
      'appointments.fee_decision',
      'appointments.video_url',
      'appointments.outside_hours_reason',
    ]);
}
export type AppointmentRow = Awaited<ReturnType<ReturnType<typeof appointmentQuery>['executeTakeFirstOrThrow']>>;

interface Participants {
  clients: Map<string, AppointmentView['clients']>;
  clinicians: Map<string, AppointmentView['clinicians']>;
}

/** The clients and clinicians of these appointments, in two statements. */
export async function loadParticipants(ctx: PracticeCtx, appointmentIds: string[]): Promise<Participants> {
  const result: Participants = { clients: new Map(), clinicians: new Map() };
  if (appointmentIds.length === 0) return result;
  const [clients, clinicians] = await Promise.all([
    scoped(ctx)
      .selectFrom('appointment_clients')
      .innerJoin('clients', 'clients.id', 'appointment_clients.client_id')
      .select([
        'appointment_clients.appointment_id',
        'clients.id',
        'clients.client_number',
        'clients.first_name',
        'clients.name_prefix',
        'clients.last_name',
        'clients.pseudonym',
        'clients.destroyed_at',
      ])
      .where('appointment_clients.appointment_id', 'in', appointmentIds)
      .orderBy('clients.last_name')
      .execute(),
    scoped(ctx)
      .selectFrom('appointment_clinicians')
      .innerJoin('memberships', 'memberships.id', 'appointment_clinicians.membership_id')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select(['appointment_clinicians.appointment_id', 'memberships.id', 'users.name'])
      .where('appointment_clinicians.appointment_id', 'in', appointmentIds)
      .orderBy('users.name')
      .execute(),
  ]);
  for (const c of clients) {
    const list = result.clients.get(c.appointment_id) ?? [];
    list.push({ id: c.id, clientNumber: c.client_number, displayName: displayName(c) });
    result.clients.set(c.appointment_id, list);
  }
  for (const c of clinicians) {
    const list = result.clinicians.get(c.appointment_id) ?? [];
    list.push({ membershipId: c.id, name: c.name, initials: initials(c.name) });
    result.clinicians.set(c.appointment_id, list);
  }
  return result;
}

export function presentAppointment(r: AppointmentRow, p: Participants): AppointmentView {
  return {
    id: r.id,
    practiceId: r.practice_id,
    seriesId: r.series_id,
    seriesPosition: r.series_position,
    serviceId: r.service_id,
    serviceName: r.service_name,
    mode: r.mode,
    locationId: r.location_id,
    locationName: r.location_name,
    roomId: r.room_id,
    roomName: r.room_name,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    localStart: localForApi(r.local_start),
    timeZone: r.time_zone,
    durationMinutes: Math.round((r.ends_at.getTime() - r.starts_at.getTime()) / 60_000),
    status: r.status,
    statusReason: r.status_reason,
    statusChangedAt: r.status_changed_at?.toISOString() ?? null,
    cancelledBy: r.cancelled_by,
    feeDecision: r.fee_decision,
    videoUrl: r.video_url,
    outsideHoursReason: r.outside_hours_reason,
    clients: p.clients.get(r.id) ?? [],
    clinicians: p.clinicians.get(r.id) ?? [],
  };
}

/** Reads and presents appointments by id (in start order), without an access-log entry. */
export async function readAppointments(ctx: PracticeCtx, ids: string[]): Promise<AppointmentView[]> {
  if (ids.length === 0) return [];
  const rows = await appointmentQuery(ctx).where('appointments.id', 'in', ids).orderBy('appointments.starts_at').execute();
  const participants = await loadParticipants(ctx, ids);
  return rows.map((r) => presentAppointment(r, participants));
}

/**
 * One access-log entry per (appointment, client), in one statement. After a change, call it
 * last in the transaction: writing it takes the practice's chain lock, held to COMMIT.
 */
export async function auditAppointmentWrite(
  ctx: PracticeCtx,
  action: string,
  pairs: { appointmentId: string; clientId: string }[],
  reason: string | null = null,
): Promise<void> {
  await scoped(ctx).auditMany(
    pairs.map((p) => ({
      action,
      entityType: 'appointment',
      entityId: p.appointmentId,
      clientId: p.clientId,
      dataCategory: 'client',
      reason,
    })),
  );
}

/** One access-log entry per client shown, in one statement. */
export async function auditAppointmentRead(ctx: PracticeCtx, action: string, appointments: AppointmentView[]): Promise<void> {
  const seen = new Map<string, string>();
  for (const a of appointments) for (const c of a.clients) if (!seen.has(c.id)) seen.set(c.id, a.id);
  await auditAppointmentWrite(
    ctx,
    action,
    [...seen].map(([clientId, appointmentId]) => ({ appointmentId, clientId })),
  );
}

/** An appointment of this practice, locked for a change; 404 otherwise. */
export async function lockAppointment(ctx: PracticeCtx, id: string) {
  const row = await scoped(ctx).selectFrom('appointments').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw AppError.notFound('appointment');
  return row;
}

/**
 * The sessions a change of `row` applies to, locked: the row itself, or its series' planned
 * and confirmed sessions from this one on ('following') or all of them — only those still to
 * come when `onlyFuture` (always true for a cancellation; a move of 'following' may start in
 * the past).
 */
export async function lockScopedSessions(
  ctx: PracticeCtx,
  row: Selectable<AppointmentsTable>,
  scope: 'this' | 'following' | 'all',
  onlyFuture: boolean,
): Promise<Selectable<AppointmentsTable>[]> {
  if (scope === 'this') return [row];
  return scoped(ctx)
    .selectFrom('appointments')
    .selectAll()
    .where('series_id', '=', row.series_id)
    .where('status', 'in', ['planned', 'confirmed'])
    .$if(onlyFuture, (b) => b.where('starts_at', '>', new Date()))
    .$if(scope === 'following', (b) => b.where('series_position', '>=', row.series_position ?? 1))
    .orderBy('series_position')
    .forUpdate()
    .execute();
}

/** True when the actor takes part in the appointment as one of its clinicians. */
export async function isOwnAppointment(ctx: PracticeCtx, appointmentId: string): Promise<boolean> {
  const row = await scoped(ctx)
    .selectFrom('appointment_clinicians')
    .select('appointment_id')
    .where('appointment_id', '=', appointmentId)
    .where('membership_id', '=', ctx.membershipId)
    .executeTakeFirst();
  return row !== undefined;
}

export type { AppointmentMode, AppointmentStatus };
