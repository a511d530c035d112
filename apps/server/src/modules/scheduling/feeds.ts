import { sql } from 'kysely';
import type { z } from 'zod';
import type { AppointmentMessageList, CalendarFeedCreated, CalendarFeedStatus } from '@calmdesk/shared';
import { writeAudit } from '../../platform/audit.ts';
import type { AppDeps, PracticeCtx, RequestMeta } from '../../platform/context.ts';
import { hashToken, newToken } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { requireRole, requireStepUp, scoped, systemDb } from '../../platform/tenancy.ts';
import { buildIcs, type IcsEvent } from './ical.ts';
import { isOwnAppointment, SCHEDULERS } from './queries.ts';
import { FEED_MODE } from './reminder-texts.ts';

/**
 * A clinician's own appointments as an iCalendar feed to subscribe to from any calendar app,
 * behind a secret address. Only the token's SHA-256 is stored, so the address is shown once,
 * when made; making a new one revokes the old. What a feed shows is kept to the minimum a
 * clinician needs to plan their day on a phone: the clients' initials and the mode
 * (`J.B. · video`), and the location's name for in-person sessions — no names, no service,
 * no video link, no notes.
 *
 * Each occurrence of a series is an event of its own (UID = the appointment id). That is the
 * simplest form that is always right: a moved or cancelled session needs no RECURRENCE-ID
 * override or EXDATE, and the feed window (4 weeks back, 26 ahead) cuts a series anywhere.
 */
const WINDOW_BACK_DAYS = 28;
const WINDOW_AHEAD_DAYS = 26 * 7;
const REFRESH_SECONDS = 30 * 60;
const TOKEN = /^[A-Za-z0-9_-]{32,64}$/;

type Info = z.infer<typeof CalendarFeedStatus>['feed'];

/** The member themself, or the owner or back office of the practice. */
async function loadMember(ctx: PracticeCtx, membershipId: string) {
  if (membershipId !== ctx.membershipId) requireRole(ctx, ...SCHEDULERS);
  const member = await scoped(ctx).selectFrom('memberships').select(['id', 'active']).where('id', '=', membershipId).executeTakeFirst();
  if (!member) throw AppError.notFound('staff member');
  return member;
}

async function activeFeed(ctx: PracticeCtx, membershipId: string) {
  return scoped(ctx)
    .selectFrom('calendar_feeds')
    .select(['id', 'membership_id', 'created_at', 'last_read_at'])
    .where('membership_id', '=', membershipId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}

function present(f: { id: string; membership_id: string; created_at: Date; last_read_at: Date | null }): NonNullable<Info> {
  return {
    id: f.id,
    membershipId: f.membership_id,
    createdAt: f.created_at.toISOString(),
    lastReadAt: f.last_read_at?.toISOString() ?? null,
  };
}

export function feedUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/api/v1/calendar/${token}.ics`;
}

/** Whether the member has a feed (never its address). */
export async function getCalendarFeed(ctx: PracticeCtx, membershipId: string): Promise<z.infer<typeof CalendarFeedStatus>> {
  await loadMember(ctx, membershipId);
  const feed = await activeFeed(ctx, membershipId);
  return { feed: feed ? present(feed) : null };
}

/** Makes a new secret address (recent second factor), revoking the previous one. */
export async function createCalendarFeed(ctx: PracticeCtx, membershipId: string): Promise<z.infer<typeof CalendarFeedCreated>> {
  const member = await loadMember(ctx, membershipId);
  requireStepUp(ctx);
  if (!member.active) throw AppError.field('params.membershipId', 'this member is no longer active', 'conflict');
  const now = new Date();
  await scoped(ctx)
    .updateTable('calendar_feeds')
    .set({ revoked_at: now })
    .where('membership_id', '=', membershipId)
    .where('revoked_at', 'is', null)
    .execute();
  const token = newToken();
  const feed = await scoped(ctx)
    .insertInto('calendar_feeds', [
      { membership_id: membershipId, token_hash: hashToken(token), created_by: ctx.actor.userId, created_at: now },
    ])
    .returning(['id', 'membership_id', 'created_at', 'last_read_at'])
    .executeTakeFirstOrThrow();
  await scoped(ctx).audit({ action: 'calendar.feed.create', entityType: 'calendar_feed', entityId: feed.id, dataCategory: 'staff' });
  const url = feedUrl(ctx.deps.config.publicUrl, token);
  return { feed: present(feed), url, webcalUrl: url.replace(/^https?:/, 'webcal:') };
}

/** Revokes the member's feed: its address answers 404 from now on. */
export async function revokeCalendarFeed(ctx: PracticeCtx, membershipId: string): Promise<{ ok: true }> {
  await loadMember(ctx, membershipId);
  const revoked = await scoped(ctx)
    .updateTable('calendar_feeds')
    .set({ revoked_at: new Date() })
    .where('membership_id', '=', membershipId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  for (const r of revoked) {
    await scoped(ctx).audit({ action: 'calendar.feed.revoke', entityType: 'calendar_feed', entityId: r.id, dataCategory: 'staff' });
  }
  return { ok: true };
}

/** `Jan de Boer` → `J.B.`; a destroyed record shows nothing of the person. */
export function clientInitials(c: { first_name: string; last_name: string; destroyed_at: Date | null }): string {
  if (c.destroyed_at) return '?';
  const letter = (s: string) => s.trim().charAt(0).toLocaleUpperCase('nl');
  return [letter(c.first_name), letter(c.last_name)]
    .filter(Boolean)
    .map((l) => `${l}.`)
    .join('');
}

/**
 * The public read of a feed by its secret token (no session). An unknown, malformed or
 * revoked token, or a member who left, answers 404. Each read writes one access-log entry in
 * the clinician's name, on behalf of the feed, since it shows clients' initials.
 */
export async function readCalendarFeed(deps: AppDeps, token: string, meta: RequestMeta, opts: { now?: Date } = {}): Promise<string> {
  if (!TOKEN.test(token)) throw AppError.notFound('calendar');
  // No session and no practice yet: the secret token in the URL finds the feed.
  const db = systemDb(deps, { practiceId: 'all', reason: 'calendar feed read by its token' });
  return db.transaction().execute(async (tx) => {
    const feed = await tx
      .selectFrom('calendar_feeds')
      .innerJoin('memberships', 'memberships.id', 'calendar_feeds.membership_id')
      .innerJoin('practices', 'practices.id', 'calendar_feeds.practice_id')
      .select([
        'calendar_feeds.id',
        'calendar_feeds.practice_id',
        'calendar_feeds.membership_id',
        'memberships.user_id',
        'practices.name as practice_name',
        'practices.locale',
      ])
      .where('calendar_feeds.token_hash', '=', hashToken(token))
      .where('calendar_feeds.revoked_at', 'is', null)
      .where('memberships.active', '=', true)
      .executeTakeFirst();
    if (!feed) throw AppError.notFound('calendar');
    const now = (opts.now ?? new Date()).getTime();
    const from = new Date(now - WINDOW_BACK_DAYS * 86_400_000);
    const to = new Date(now + WINDOW_AHEAD_DAYS * 86_400_000);
    const appointments = await tx
      .selectFrom('appointments')
      .innerJoin('appointment_clinicians', 'appointment_clinicians.appointment_id', 'appointments.id')
      .leftJoin('locations', 'locations.id', 'appointments.location_id')
      .select([
        'appointments.id',
        'appointments.starts_at',
        'appointments.ends_at',
        'appointments.time_zone',
        'appointments.mode',
        'appointments.status',
        'locations.name as location_name',
      ])
      .where('appointments.practice_id', '=', feed.practice_id)
      .where('appointment_clinicians.membership_id', '=', feed.membership_id)
      .where('appointments.occupies', '=', true)
      .where(sql<boolean>`appointments.during && tstzrange(${from}, ${to}, '[)')`)
      .orderBy('appointments.starts_at')
      .limit(5000)
      .execute();
    const ids = appointments.map((a) => a.id);
    const clients =
      ids.length === 0
        ? []
        : await tx
            .selectFrom('appointment_clients')
            .innerJoin('clients', 'clients.id', 'appointment_clients.client_id')
            .select(['appointment_clients.appointment_id', 'clients.first_name', 'clients.last_name', 'clients.destroyed_at'])
            .where('appointment_clients.practice_id', '=', feed.practice_id)
            .where('appointment_clients.appointment_id', 'in', ids)
            .orderBy('clients.last_name')
            .execute();
    const events: IcsEvent[] = appointments.map((a) => {
      const initials = clients.filter((c) => c.appointment_id === a.id).map(clientInitials);
      return {
        uid: a.id,
        start: a.starts_at,
        end: a.ends_at,
        zone: a.time_zone,
        summary: `${initials.join(', ') || '—'} · ${FEED_MODE[feed.locale][a.mode]}`,
        location: a.mode === 'in_person' ? a.location_name : null,
        status: a.status === 'confirmed' ? 'confirmed' : undefined,
      };
    });
    await tx.updateTable('calendar_feeds').set({ last_read_at: new Date() }).where('id', '=', feed.id).execute();
    await writeAudit(tx, {
      action: 'calendar.feed.read',
      practiceId: feed.practice_id,
      userId: feed.user_id,
      onBehalfOf: `calendar_feed:${feed.id}`,
      entityType: 'calendar_feed',
      entityId: feed.id,
      dataCategory: 'client',
      requestId: meta.requestId,
      ipAddress: meta.ip,
    });
    return buildIcs({ method: null, name: `Calmdesk · ${feed.practice_name}`, refreshSeconds: REFRESH_SECONDS, events });
  });
}

/**
 * The messages about an appointment (invitations, reminders, updates, cancellations) with
 * their status and, when not sent, why — for the back office, and for the appointment's own
 * clinicians. One access-log entry per client shown.
 */
export async function listAppointmentMessages(ctx: PracticeCtx, appointmentId: string): Promise<z.infer<typeof AppointmentMessageList>> {
  requireRole(ctx, ...SCHEDULERS, 'clinician');
  const exists = await scoped(ctx).selectFrom('appointments').select('id').where('id', '=', appointmentId).executeTakeFirst();
  const scheduler = SCHEDULERS.some((r) => ctx.roles.includes(r));
  if (!exists || (!scheduler && !(await isOwnAppointment(ctx, appointmentId)))) throw AppError.notFound('appointment');
  const rows = await scoped(ctx)
    .selectFrom('appointment_reminders')
    .selectAll()
    .where('appointment_id', '=', appointmentId)
    .orderBy('due_at')
    .orderBy('created_at')
    .execute();
  const clientIds = [...new Set(rows.map((r) => r.client_id).filter((id): id is string => id !== null))];
  await scoped(ctx).auditMany(
    clientIds.map((clientId) => ({
      action: 'appointment.messages.read',
      entityType: 'appointment',
      entityId: appointmentId,
      clientId,
      dataCategory: 'client_contact',
    })),
  );
  return {
    items: rows.map((r) => ({
      id: r.id,
      clientId: r.client_id,
      kind: r.kind,
      channel: r.channel,
      leadHours: r.lead_hours,
      dueAt: r.due_at.toISOString(),
      status: r.status,
      skipReason: r.skip_reason,
      attempts: r.attempts,
      lastError: r.last_error,
      sentAt: r.sent_at?.toISOString() ?? null,
    })),
  };
}
