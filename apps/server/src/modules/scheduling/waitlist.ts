import { sql } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import type { z } from 'zod';
import {
  FREEING_STATUSES,
  URGENCIES,
  type CandidatesForSlotQuery,
  type DayPart,
  type Mode,
  type WaitlistCandidate,
  type WaitlistCandidates,
  type WaitlistEntry,
  type WaitlistEntryCreateBody,
  type WaitlistEntryList,
  type WaitlistEntryPatch,
  type WaitlistListQuery,
  type WaitlistOffer,
  type WaitlistOfferCreateBody,
  type WaitlistOfferResult,
} from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { requireRole, scoped } from '../../platform/tenancy.ts';
import { inCareOf, seesOnlyOwnClients } from '../clients/care.ts';
import { displayName } from '../clients/presenter.ts';
import { bookAppointment, practiceSchedulingSettings } from './book-appointment.ts';
import { SCHEDULERS } from './queries.ts';
import { resolveLocal } from './time.ts';

/**
 * The waitlist: clients waiting for a slot with their preferences. When time frees up
 * (a cancellation), the matching entries are computed on request, most urgent and longest
 * waiting first; an offer is a proposal of one slot to one entry, and accepting it books the
 * slot through the normal booking use case (so every booking rule applies).
 */

type EntryView = z.infer<typeof WaitlistEntry>;
type OfferView = z.infer<typeof WaitlistOffer>;
type CandidateView = z.infer<typeof WaitlistCandidate>;

/** Read the waitlist: the schedulers and the clinicians. */
const READERS = ['owner', 'back_office', 'clinician'] as const;
const DEFAULT_STATUSES = ['waiting', 'offered'] as const;

export function dayPartOf(hour: number): DayPart {
  return hour < 12 ? 'morning' : hour < 17 ? 'afternoon' : 'evening';
}

const urgencyRank = (u: string) => URGENCIES.indexOf(u as (typeof URGENCIES)[number]);

function entryQuery(ctx: PracticeCtx) {
  const query = scoped(ctx)
    .selectFrom('waitlist_entries')
    .innerJoin('clients', 'clients.id', 'waitlist_entries.client_id')
    .leftJoin('services', 'services.id', 'waitlist_entries.service_id')
    .leftJoin('memberships', 'memberships.id', 'waitlist_entries.membership_id')
    .leftJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'waitlist_entries.id',
      'waitlist_entries.client_id',
      'clients.client_number',
      'clients.first_name',
      'clients.name_prefix',
      'clients.last_name',
      'clients.pseudonym',
      'clients.destroyed_at',
      'waitlist_entries.service_id',
      'services.name as service_name',
      'waitlist_entries.membership_id',
      'users.name as clinician_name',
      'waitlist_entries.modes',
      'waitlist_entries.weekdays',
      'waitlist_entries.day_parts',
      'waitlist_entries.urgency',
      'waitlist_entries.remark',
      'waitlist_entries.status',
      'waitlist_entries.created_at',
      'waitlist_entries.updated_at',
    ])
    .orderBy(sql`CASE waitlist_entries.urgency WHEN 'urgent' THEN 0 WHEN 'soon' THEN 1 ELSE 2 END`)
    .orderBy('waitlist_entries.created_at')
    .orderBy('waitlist_entries.id');
  // A clinician sees the entries waiting for them and those of clients they treat.
  if (!seesOnlyOwnClients(ctx.roles)) return query;
  return query.where((eb) =>
    eb.or([eb('waitlist_entries.membership_id', '=', ctx.membershipId), inCareOf(ctx, 'waitlist_entries.client_id')(eb)]),
  );
}
type EntryRow = Awaited<ReturnType<ReturnType<typeof entryQuery>['executeTakeFirstOrThrow']>>;

async function loadOffers(ctx: PracticeCtx, entryIds: string[], zone: string): Promise<Map<string, OfferView[]>> {
  const result = new Map<string, OfferView[]>();
  if (entryIds.length === 0) return result;
  const rows = await scoped(ctx)
    .selectFrom('waitlist_offers')
    .innerJoin('memberships', 'memberships.id', 'waitlist_offers.membership_id')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'waitlist_offers.id',
      'waitlist_offers.entry_id',
      'waitlist_offers.membership_id',
      'users.name',
      'waitlist_offers.starts_at',
      'waitlist_offers.ends_at',
      'waitlist_offers.mode',
      'waitlist_offers.status',
      'waitlist_offers.appointment_id',
      'waitlist_offers.created_at',
      'waitlist_offers.responded_at',
    ])
    .where('waitlist_offers.entry_id', 'in', entryIds)
    .orderBy('waitlist_offers.created_at', 'desc')
    .orderBy('waitlist_offers.id')
    .execute();
  for (const r of rows) {
    const list = result.get(r.entry_id) ?? [];
    list.push({
      id: r.id,
      entryId: r.entry_id,
      clinicianId: r.membership_id,
      clinicianName: r.name,
      startsAt: r.starts_at.toISOString(),
      endsAt: r.ends_at.toISOString(),
      localStart: localOf(r.starts_at, zone).toPlainDateTime().toString({ smallestUnit: 'minute' }),
      durationMinutes: Math.round((r.ends_at.getTime() - r.starts_at.getTime()) / 60_000),
      mode: r.mode,
      status: r.status,
      appointmentId: r.appointment_id,
      createdAt: r.created_at.toISOString(),
      respondedAt: r.responded_at?.toISOString() ?? null,
    });
    result.set(r.entry_id, list);
  }
  return result;
}

function localOf(at: Date, zone: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(zone);
}

function present(r: EntryRow, offers: Map<string, OfferView[]>): EntryView {
  return {
    id: r.id,
    client: { id: r.client_id, clientNumber: r.client_number, displayName: displayName(r) },
    serviceId: r.service_id,
    serviceName: r.service_name,
    clinicianId: r.membership_id,
    clinicianName: r.clinician_name,
    modes: r.modes,
    weekdays: r.weekdays,
    dayParts: r.day_parts,
    urgency: r.urgency,
    remark: r.remark,
    status: r.status,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    offers: offers.get(r.id) ?? [],
  };
}

async function presentRows(ctx: PracticeCtx, rows: EntryRow[]): Promise<EntryView[]> {
  const { time_zone } = await practiceSchedulingSettings(ctx);
  const offers = await loadOffers(
    ctx,
    rows.map((r) => r.id),
    time_zone,
  );
  return rows.map((r) => present(r, offers));
}

/** One access-log entry per client shown. */
async function auditEntries(ctx: PracticeCtx, action: string, entries: { id: string; clientId: string }[]): Promise<void> {
  const seen = new Map<string, string>();
  for (const e of entries) if (!seen.has(e.clientId)) seen.set(e.clientId, e.id);
  await scoped(ctx).auditMany(
    [...seen].map(([clientId, entryId]) => ({ action, entityType: 'waitlist_entry', entityId: entryId, clientId, dataCategory: 'client' })),
  );
}

async function readEntry(ctx: PracticeCtx, id: string, forUpdate = false): Promise<EntryView> {
  if (forUpdate) {
    const locked = await scoped(ctx).selectFrom('waitlist_entries').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
    if (!locked) throw AppError.notFound('waitlist entry');
  }
  const row = await entryQuery(ctx).where('waitlist_entries.id', '=', id).executeTakeFirst();
  if (!row) throw AppError.notFound('waitlist entry');
  const [entry] = await presentRows(ctx, [row]);
  if (!entry) throw AppError.notFound('waitlist entry');
  return entry;
}

export async function listWaitlist(ctx: PracticeCtx, query: z.infer<typeof WaitlistListQuery>): Promise<z.infer<typeof WaitlistEntryList>> {
  requireRole(ctx, ...READERS);
  const statuses = query.status ? [...new Set(query.status.split(','))] : [...DEFAULT_STATUSES];
  const rows = await entryQuery(ctx)
    .where('waitlist_entries.status', 'in', statuses as EntryView['status'][])
    .execute();
  const items = await presentRows(ctx, rows);
  await auditEntries(
    ctx,
    'waitlist.read',
    items.map((e) => ({ id: e.id, clientId: e.client.id })),
  );
  return { items };
}

async function checkClient(ctx: PracticeCtx, clientId: string): Promise<void> {
  const c = await scoped(ctx)
    .selectFrom('clients')
    .select(['id', 'merged_into', 'destroyed_at'])
    .where('id', '=', clientId)
    .executeTakeFirst();
  if (!c) throw AppError.field('body.clientId', 'no client with this id in this practice');
  if (c.merged_into) throw AppError.field('body.clientId', 'this record was merged into another; use the surviving record');
  if (c.destroyed_at) throw AppError.field('body.clientId', "this client's record was destroyed");
}

async function checkService(ctx: PracticeCtx, serviceId: string | null | undefined): Promise<void> {
  if (!serviceId) return;
  const s = await scoped(ctx).selectFrom('services').select(['id', 'active']).where('id', '=', serviceId).executeTakeFirst();
  if (!s?.active) throw AppError.field('body.serviceId', 'no active service with this id in this practice');
}

async function checkClinician(ctx: PracticeCtx, membershipId: string | null | undefined, path = 'body.clinicianId'): Promise<void> {
  if (!membershipId) return;
  const m = await scoped(ctx)
    .selectFrom('memberships')
    .select('id')
    .where('id', '=', membershipId)
    .where('active', '=', true)
    .where(sql<boolean>`roles @> ARRAY['clinician']`)
    .executeTakeFirst();
  if (!m) throw AppError.field(path, 'no active clinician with this id in this practice');
}

const sorted = <T>(xs: T[]): T[] => [...new Set(xs)].sort();

export async function addToWaitlist(ctx: PracticeCtx, input: z.infer<typeof WaitlistEntryCreateBody>): Promise<EntryView> {
  requireRole(ctx, ...SCHEDULERS);
  await checkClient(ctx, input.clientId);
  await checkService(ctx, input.serviceId);
  await checkClinician(ctx, input.clinicianId);
  const row = await scoped(ctx)
    .insertInto('waitlist_entries', [
      {
        client_id: input.clientId,
        service_id: input.serviceId ?? null,
        membership_id: input.clinicianId ?? null,
        modes: sorted(input.modes),
        weekdays: sorted(input.weekdays),
        day_parts: sorted(input.dayParts),
        urgency: input.urgency,
        remark: input.remark || null,
        created_by: ctx.actor.userId,
      },
    ])
    .returning('id')
    .executeTakeFirstOrThrow();
  await auditEntries(ctx, 'waitlist.create', [{ id: row.id, clientId: input.clientId }]);
  return readEntry(ctx, row.id);
}

export async function changeWaitlistEntry(ctx: PracticeCtx, id: string, input: z.infer<typeof WaitlistEntryPatch>): Promise<EntryView> {
  requireRole(ctx, ...SCHEDULERS);
  const current = await readEntry(ctx, id, true);
  if (current.status === 'removed' || current.status === 'booked') {
    throw new AppError('conflict', `this entry is ${current.status}; add the client to the waitlist again instead`);
  }
  await checkService(ctx, input.serviceId);
  await checkClinician(ctx, input.clinicianId);
  await scoped(ctx)
    .updateTable('waitlist_entries')
    .set({
      ...(input.serviceId !== undefined && { service_id: input.serviceId }),
      ...(input.clinicianId !== undefined && { membership_id: input.clinicianId }),
      ...(input.modes && { modes: sorted(input.modes) }),
      ...(input.weekdays && { weekdays: sorted(input.weekdays) }),
      ...(input.dayParts && { day_parts: sorted(input.dayParts) }),
      ...(input.urgency && { urgency: input.urgency }),
      ...(input.remark !== undefined && { remark: input.remark || null }),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
  await auditEntries(ctx, 'waitlist.update', [{ id, clientId: current.client.id }]);
  return readEntry(ctx, id);
}

/** Takes the entry off the list; the row stays (status removed), open offers are withdrawn. */
export async function removeFromWaitlist(ctx: PracticeCtx, id: string): Promise<EntryView> {
  requireRole(ctx, ...SCHEDULERS);
  const current = await readEntry(ctx, id, true);
  if (current.status !== 'removed') {
    await scoped(ctx).updateTable('waitlist_entries').set({ status: 'removed', updated_at: new Date() }).where('id', '=', id).execute();
    await scoped(ctx)
      .updateTable('waitlist_offers')
      .set({ status: 'withdrawn', responded_at: new Date() })
      .where('entry_id', '=', id)
      .where('status', '=', 'open')
      .execute();
  }
  await auditEntries(ctx, 'waitlist.remove', [{ id, clientId: current.client.id }]);
  return readEntry(ctx, id);
}

// ---------------------------------------------------------------------------------------------
// Candidates for a free slot

interface Slot {
  appointmentId: string | null;
  freed: boolean;
  startsAt: Date;
  endsAt: Date;
  zone: string;
  clinicianIds: string[];
  mode: Mode;
  serviceId: string | null;
  /** Clients of the freed appointment: not candidates for their own time. */
  excludeClients: string[];
  locationId: string | null;
  roomId: string | null;
}

async function slotOfAppointment(ctx: PracticeCtx, appointmentId: string, path: string): Promise<Slot> {
  const a = await scoped(ctx)
    .selectFrom('appointments')
    .select(['id', 'starts_at', 'ends_at', 'mode', 'service_id', 'status', 'location_id', 'room_id'])
    .where('id', '=', appointmentId)
    .executeTakeFirst();
  if (!a) {
    if (path.startsWith('body.')) throw AppError.field(path, 'no appointment with this id in this practice');
    throw AppError.notFound('appointment');
  }
  const [clinicians, clients, practice] = await Promise.all([
    scoped(ctx)
      .selectFrom('appointment_clinicians')
      .select('membership_id')
      .where('appointment_id', '=', a.id)
      .orderBy('membership_id')
      .execute(),
    scoped(ctx).selectFrom('appointment_clients').select('client_id').where('appointment_id', '=', a.id).execute(),
    practiceSchedulingSettings(ctx),
  ]);
  return {
    appointmentId: a.id,
    freed: FREEING_STATUSES.includes(a.status),
    startsAt: a.starts_at,
    endsAt: a.ends_at,
    zone: practice.time_zone,
    clinicianIds: clinicians.map((c) => c.membership_id),
    mode: a.mode,
    serviceId: a.service_id,
    excludeClients: clients.map((c) => c.client_id),
    locationId: a.location_id,
    roomId: a.room_id,
  };
}

async function slotFromFields(
  ctx: PracticeCtx,
  f: { start: string; durationMinutes: number; clinicianId: string; mode: Mode; serviceId?: string | undefined },
  where: 'query' | 'body',
): Promise<Slot> {
  const practice = await practiceSchedulingSettings(ctx);
  const start = resolveLocal(f.start, practice.time_zone, `${where}.start`);
  await checkClinician(ctx, f.clinicianId, `${where}.clinicianId`);
  if (f.serviceId) {
    const s = await scoped(ctx).selectFrom('services').select('id').where('id', '=', f.serviceId).executeTakeFirst();
    if (!s) throw AppError.field(`${where}.serviceId`, 'no service with this id in this practice');
  }
  const startsAt = new Date(start.at.epochMilliseconds);
  return {
    appointmentId: null,
    freed: true,
    startsAt,
    endsAt: new Date(startsAt.getTime() + f.durationMinutes * 60_000),
    zone: practice.time_zone,
    clinicianIds: [f.clinicianId],
    mode: f.mode,
    serviceId: f.serviceId ?? null,
    excludeClients: [],
    locationId: null,
    roomId: null,
  };
}

const WEEKDAY_WORDS = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** How `entry` matches `slot`, or null when it does not. */
export function matchEntry(
  entry: Pick<EntryView, 'clinicianId' | 'clinicianName' | 'modes' | 'weekdays' | 'dayParts' | 'serviceId' | 'serviceName'>,
  slot: { clinicianIds: string[]; mode: Mode; serviceId: string | null; weekday: number; dayPart: DayPart },
): Omit<CandidateView, 'entry'> | null {
  if (entry.clinicianId && !slot.clinicianIds.includes(entry.clinicianId)) return null;
  if (entry.modes.length > 0 && !entry.modes.includes(slot.mode)) return null;
  if (entry.weekdays.length > 0 && !entry.weekdays.includes(slot.weekday)) return null;
  if (entry.dayParts.length > 0 && !entry.dayParts.includes(slot.dayPart)) return null;
  if (entry.serviceId && slot.serviceId && entry.serviceId !== slot.serviceId) return null;
  const how = (named: boolean) => (named ? ('named' as const) : ('any' as const));
  const matches = {
    clinician: how(entry.clinicianId !== null),
    mode: how(entry.modes.length > 0),
    weekday: how(entry.weekdays.length > 0),
    dayPart: how(entry.dayParts.length > 0),
    service: how(entry.serviceId !== null && slot.serviceId !== null),
  };
  const why = [
    matches.clinician === 'named' ? `wants ${entry.clinicianName ?? 'this clinician'}` : 'any clinician',
    matches.mode === 'named' ? `${slot.mode.replace('_', ' ')} is one of the wanted modes` : 'any mode',
    matches.weekday === 'named' ? `${WEEKDAY_WORDS[slot.weekday] ?? ''} is a wanted day` : 'any day',
    matches.dayPart === 'named' ? `the ${slot.dayPart} suits` : 'any time of day',
    ...(matches.service === 'named' ? [`wants ${entry.serviceName ?? 'this service'}`] : []),
  ].join('; ');
  return { matches, why };
}

async function candidatesFor(ctx: PracticeCtx, slot: Slot): Promise<z.infer<typeof WaitlistCandidates>> {
  requireRole(ctx, ...READERS);
  const local = localOf(slot.startsAt, slot.zone);
  const shape = {
    clinicianIds: slot.clinicianIds,
    mode: slot.mode,
    serviceId: slot.serviceId,
    weekday: local.dayOfWeek,
    dayPart: dayPartOf(local.hour),
  };
  let query = entryQuery(ctx).where('waitlist_entries.status', '=', 'waiting').where('clients.destroyed_at', 'is', null);
  if (slot.excludeClients.length > 0) query = query.where('waitlist_entries.client_id', 'not in', slot.excludeClients);
  const rows = await query.execute();
  const entries = await presentRows(ctx, rows);
  const items: CandidateView[] = [];
  for (const entry of entries) {
    const m = matchEntry(entry, shape);
    if (m) items.push({ entry, ...m });
  }
  // The query orders already; kept explicit so the rule reads in one place.
  items.sort((a, b) => urgencyRank(a.entry.urgency) - urgencyRank(b.entry.urgency) || a.entry.createdAt.localeCompare(b.entry.createdAt));
  await auditEntries(
    ctx,
    'waitlist.candidates_read',
    items.map((c) => ({ id: c.entry.id, clientId: c.entry.client.id })),
  );
  return {
    slot: {
      appointmentId: slot.appointmentId,
      freed: slot.freed,
      startsAt: slot.startsAt.toISOString(),
      localStart: local.toPlainDateTime().toString({ smallestUnit: 'minute' }),
      timeZone: slot.zone,
      durationMinutes: Math.round((slot.endsAt.getTime() - slot.startsAt.getTime()) / 60_000),
      clinicianIds: slot.clinicianIds,
      mode: slot.mode,
      serviceId: slot.serviceId,
      weekday: shape.weekday,
      dayPart: shape.dayPart,
    },
    items,
  };
}

export async function candidatesForAppointment(ctx: PracticeCtx, appointmentId: string) {
  requireRole(ctx, ...READERS);
  return candidatesFor(ctx, await slotOfAppointment(ctx, appointmentId, 'query.appointmentId'));
}

export async function candidatesForSlot(ctx: PracticeCtx, query: z.infer<typeof CandidatesForSlotQuery>) {
  requireRole(ctx, ...READERS);
  return candidatesFor(ctx, await slotFromFields(ctx, query, 'query'));
}

// ---------------------------------------------------------------------------------------------
// Offers

type OfferResult = z.infer<typeof WaitlistOfferResult>;

async function offerResult(ctx: PracticeCtx, entryId: string, offerId: string): Promise<OfferResult> {
  const entry = await readEntry(ctx, entryId);
  const offer = entry.offers.find((o) => o.id === offerId);
  if (!offer) throw AppError.notFound('offer');
  return { entry, offer };
}

export async function offerSlot(ctx: PracticeCtx, entryId: string, input: z.infer<typeof WaitlistOfferCreateBody>): Promise<OfferResult> {
  requireRole(ctx, ...SCHEDULERS);
  const entry = await readEntry(ctx, entryId, true);
  if (entry.status !== 'waiting' && entry.status !== 'offered') {
    throw new AppError('conflict', `this entry is ${entry.status}; only waiting clients can be offered a slot`);
  }
  const adHoc = [input.start, input.durationMinutes, input.clinicianId, input.mode];
  let slot: Slot;
  if (input.appointmentId) {
    if (adHoc.some((v) => v !== undefined)) {
      throw AppError.field('body.appointmentId', 'give an appointment or a slot (start, durationMinutes, clinicianId, mode), not both');
    }
    slot = await slotOfAppointment(ctx, input.appointmentId, 'body.appointmentId');
    if (!slot.freed) throw AppError.field('body.appointmentId', 'this appointment still holds its time; cancel it first', 'conflict');
  } else {
    const missing = (['start', 'durationMinutes', 'clinicianId', 'mode'] as const).filter((k) => input[k] === undefined);
    if (missing.length > 0) {
      throw new AppError(
        'validation_failed',
        'give an appointmentId, or a slot with start, durationMinutes, clinicianId and mode',
        missing.map((k) => ({ path: `body.${k}`, message: 'required for a slot without an appointment' })),
      );
    }
    const { start, durationMinutes, clinicianId, mode } = input as Required<typeof input>;
    if (mode === 'in_person') {
      throw AppError.field('body.mode', 'an in-person slot is offered from a cancelled appointment (its room): give its appointmentId');
    }
    slot = await slotFromFields(ctx, { start, durationMinutes, clinicianId, mode }, 'body');
    if (!entry.serviceId)
      throw AppError.field('body.appointmentId', 'this entry names no service: offer a cancelled appointment, or set the service first');
  }
  const clinician = entry.clinicianId && slot.clinicianIds.includes(entry.clinicianId) ? entry.clinicianId : slot.clinicianIds[0];
  if (!clinician) throw AppError.field('body.appointmentId', 'this appointment has no clinician');
  const offer = await scoped(ctx)
    .insertInto('waitlist_offers', [
      {
        entry_id: entryId,
        membership_id: clinician,
        starts_at: slot.startsAt,
        ends_at: slot.endsAt,
        mode: slot.mode,
        appointment_id: slot.appointmentId,
        created_by: ctx.actor.userId,
      },
    ])
    .returning('id')
    .executeTakeFirstOrThrow();
  await scoped(ctx).updateTable('waitlist_entries').set({ status: 'offered', updated_at: new Date() }).where('id', '=', entryId).execute();
  await auditEntries(ctx, 'waitlist.offer', [{ id: entryId, clientId: entry.client.id }]);
  return offerResult(ctx, entryId, offer.id);
}

async function lockOffer(ctx: PracticeCtx, offerId: string) {
  const offer = await scoped(ctx).selectFrom('waitlist_offers').selectAll().where('id', '=', offerId).forUpdate().executeTakeFirst();
  if (!offer) throw AppError.notFound('offer');
  const entry = await readEntry(ctx, offer.entry_id, true);
  return { offer, entry };
}

/**
 * The client takes the offered slot: it is booked through the normal booking use case (so a
 * slot someone else took meanwhile answers 409 and, the transaction rolled back, the offer
 * stays open). A declined offer can still be accepted when the client calls back.
 */
export async function acceptOffer(ctx: PracticeCtx, offerId: string): Promise<OfferResult> {
  requireRole(ctx, ...SCHEDULERS);
  const { offer, entry } = await lockOffer(ctx, offerId);
  if (offer.status === 'accepted') return offerResult(ctx, entry.id, offerId);
  if (offer.status === 'withdrawn') throw new AppError('conflict', 'this offer was withdrawn');
  if (entry.status !== 'waiting' && entry.status !== 'offered') throw new AppError('conflict', `this waitlist entry is ${entry.status}`);
  const { time_zone } = await practiceSchedulingSettings(ctx);
  let place: { locationId?: string; roomId?: string } = {};
  let serviceId = entry.serviceId;
  if (offer.appointment_id) {
    const freed = await scoped(ctx)
      .selectFrom('appointments')
      .select(['service_id', 'location_id', 'room_id'])
      .where('id', '=', offer.appointment_id)
      .executeTakeFirstOrThrow();
    serviceId ??= freed.service_id;
    if (offer.mode === 'in_person' && freed.location_id && freed.room_id) place = { locationId: freed.location_id, roomId: freed.room_id };
  }
  if (!serviceId) throw new AppError('conflict', 'neither the entry nor the offered slot names a service');
  const start = localOf(offer.starts_at, time_zone);
  const booking = await bookAppointment(ctx, {
    clientIds: [entry.client.id],
    clinicianIds: [offer.membership_id],
    serviceId,
    mode: offer.mode,
    ...place,
    // With the offset, so the repeated hour in autumn means the offered instant.
    start: `${start.toPlainDateTime().toString({ smallestUnit: 'minute' })}${start.offset}`,
    durationMinutes: Math.round((offer.ends_at.getTime() - offer.starts_at.getTime()) / 60_000),
    timeZone: time_zone,
  });
  const booked = booking.appointments[0];
  if (!booked) throw new Error('booking returned no appointment');
  const now = new Date();
  await scoped(ctx)
    .updateTable('waitlist_offers')
    .set({ status: 'accepted', responded_at: now, appointment_id: booked.id })
    .where('id', '=', offerId)
    .execute();
  await scoped(ctx)
    .updateTable('waitlist_offers')
    .set({ status: 'withdrawn', responded_at: now })
    .where('entry_id', '=', entry.id)
    .where('status', '=', 'open')
    .execute();
  await scoped(ctx).updateTable('waitlist_entries').set({ status: 'booked', updated_at: now }).where('id', '=', entry.id).execute();
  await auditEntries(ctx, 'waitlist.offer_accept', [{ id: entry.id, clientId: entry.client.id }]);
  return offerResult(ctx, entry.id, offerId);
}

/** The client says no: the entry waits again (unless another offer is still open). */
export async function declineOffer(ctx: PracticeCtx, offerId: string): Promise<OfferResult> {
  requireRole(ctx, ...SCHEDULERS);
  const { offer, entry } = await lockOffer(ctx, offerId);
  if (offer.status === 'declined') return offerResult(ctx, entry.id, offerId);
  if (offer.status !== 'open') throw new AppError('conflict', `this offer is ${offer.status}`);
  await scoped(ctx)
    .updateTable('waitlist_offers')
    .set({ status: 'declined', responded_at: new Date() })
    .where('id', '=', offerId)
    .execute();
  const stillOpen = entry.offers.some((o) => o.id !== offerId && o.status === 'open');
  if (entry.status === 'offered' && !stillOpen) {
    await scoped(ctx)
      .updateTable('waitlist_entries')
      .set({ status: 'waiting', updated_at: new Date() })
      .where('id', '=', entry.id)
      .execute();
  }
  await auditEntries(ctx, 'waitlist.offer_decline', [{ id: entry.id, clientId: entry.client.id }]);
  return offerResult(ctx, entry.id, offerId);
}
