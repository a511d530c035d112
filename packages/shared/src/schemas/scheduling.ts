import { z } from 'zod';
import { MODES } from '../roles.ts';
import { isValidTimeZone } from '../rules.ts';
import { IsoInstant, IsoInstantInput, nonEmpty, Uuid, YEAR_RANGE_MESSAGE, yearInRange } from './common.ts';

export const APPOINTMENT_STATUSES = ['planned', 'confirmed', 'attended', 'no_show', 'cancelled', 'late_cancelled'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];
/** Statuses that no longer hold the time: the slot is free again. */
export const FREEING_STATUSES: readonly AppointmentStatus[] = ['cancelled', 'late_cancelled'];

export const TimeZoneName = z.string().max(64).refine(isValidTimeZone, 'unknown IANA time zone');
/** A calendar date `YYYY-MM-DD` in the years MIN_YEAR–MAX_YEAR. */
export const IsoDate = z.iso.date().refine(yearInRange, { message: YEAR_RANGE_MESSAGE, abort: true });

/**
 * A wall-clock time in the appointment's zone, `2026-03-30T10:00`. An offset may be added
 * (`2026-10-25T02:30+01:00`) to choose one of the two instants of the hour that repeats when
 * summer time ends; without one, the earlier instant (still summer time) is taken.
 */
export const LocalDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2})?$/, {
    message: 'write a local date and time as YYYY-MM-DDTHH:MM (optionally with an offset such as +01:00)',
    abort: true,
  })
  .refine(yearInRange, { message: YEAR_RANGE_MESSAGE, abort: true });

export const Recurrence = z
  .strictObject({
    frequency: z.literal('weekly'),
    /** 1 = every week, 2 = every other week. */
    interval: z.number().int().min(1).max(4).default(1),
    count: z.number().int().min(2).max(104).optional(),
    /** Last day (inclusive, local) an occurrence may fall on. */
    until: IsoDate.optional(),
  })
  .refine((r) => (r.count === undefined) !== (r.until === undefined), {
    message: 'give either count (number of sessions) or until (last date), not both',
  });

export const OutsideHoursOverride = z.strictObject({
  reason: z.string().trim().min(3).max(500),
});

const EXAMPLE_ID = '3f0c1a52-7a2e-4c5b-9d47-1e2f3a4b5c6d';

export const AppointmentCreateBody = z
  .strictObject({
    clientIds: z.array(Uuid).min(1).max(12),
    /** Membership ids of the clinicians (several for co-therapy). */
    clinicianIds: z.array(Uuid).min(1).max(4),
    serviceId: Uuid,
    mode: z.enum(MODES),
    locationId: Uuid.optional(),
    roomId: Uuid.optional(),
    start: LocalDateTime,
    /** Either an end (local, same zone) or a duration; the service's default duration otherwise. */
    end: LocalDateTime.optional(),
    durationMinutes: z.number().int().optional(),
    /** IANA zone of the wall-clock times; the practice's zone by default. */
    timeZone: TimeZoneName.optional(),
    recurrence: Recurrence.optional(),
    /** Book outside the clinicians' working hours or during leave; the reason is logged. */
    outsideHours: OutsideHoursOverride.optional(),
  })
  .meta({
    examples: [
      {
        clientIds: [EXAMPLE_ID],
        clinicianIds: [EXAMPLE_ID],
        serviceId: EXAMPLE_ID,
        mode: 'in_person',
        locationId: EXAMPLE_ID,
        roomId: EXAMPLE_ID,
        start: '2030-01-07T10:00',
        durationMinutes: 45,
      },
    ],
  });

export const SERIES_SCOPES = ['this', 'following', 'all'] as const;

export const AppointmentPatch = nonEmpty(
  z.strictObject({
    start: LocalDateTime.optional(),
    end: LocalDateTime.optional(),
    durationMinutes: z.number().int().optional(),
    clinicianIds: z.array(Uuid).min(1).max(4).optional(),
    mode: z.enum(MODES).optional(),
    locationId: Uuid.nullable().optional(),
    roomId: Uuid.nullable().optional(),
    outsideHours: OutsideHoursOverride.optional(),
    /** For an occurrence of a series: only this one, this and the following, or all. */
    scope: z.enum(SERIES_SCOPES).optional(),
  }),
).meta({ examples: [{ start: '2030-01-14T14:00', scope: 'this' }] });

export const AppointmentStatusBody = z
  .strictObject({
    status: z.enum(['planned', 'confirmed', 'attended', 'no_show', 'cancelled', 'late_cancelled']),
    reason: z.string().trim().max(500).optional(),
    /** Who called it off; a client cancelling within the practice's notice period is a late cancellation. */
    cancelledBy: z.enum(['client', 'practice']).optional(),
    /** Charge the no-show / late-cancellation fee or waive it; the practice policy by default. */
    feeDecision: z.enum(['charge', 'waive']).optional(),
    /** For a no-show: create a follow-up task for the clinicians (default true). */
    followUp: z.boolean().optional(),
    scope: z.enum(SERIES_SCOPES).optional(),
  })
  .meta({ examples: [{ status: 'confirmed', reason: 'confirmed by phone' }] });

export const AppointmentParams = z.strictObject({ practiceId: Uuid, appointmentId: Uuid });

export const AppointmentListQuery = z.strictObject({
  from: IsoInstantInput.meta({ examples: ['2030-01-06T23:00:00Z'] }),
  to: IsoInstantInput.meta({ examples: ['2030-01-13T23:00:00Z'] }),
  clinicianId: Uuid.optional(),
  roomId: Uuid.optional(),
  clientId: Uuid.optional(),
  locationId: Uuid.optional(),
  includeCancelled: z.enum(['true', 'false']).optional(),
});

export const AppointmentClient = z.object({ id: Uuid, clientNumber: z.string(), displayName: z.string() });
export const AppointmentClinician = z.object({ membershipId: Uuid, name: z.string(), initials: z.string() });

export const Appointment = z
  .object({
    id: Uuid,
    practiceId: Uuid,
    seriesId: Uuid.nullable(),
    seriesPosition: z.number().int().nullable(),
    serviceId: Uuid,
    serviceName: z.string(),
    mode: z.enum(MODES),
    locationId: Uuid.nullable(),
    locationName: z.string().nullable(),
    roomId: Uuid.nullable(),
    roomName: z.string().nullable(),
    startsAt: IsoInstant,
    endsAt: IsoInstant,
    /** Wall-clock start in `timeZone`, `2026-03-30T10:00`. */
    localStart: z.string(),
    timeZone: z.string(),
    durationMinutes: z.number().int(),
    status: z.enum(APPOINTMENT_STATUSES),
    statusReason: z.string().nullable(),
    statusChangedAt: IsoInstant.nullable(),
    cancelledBy: z.enum(['client', 'practice']).nullable(),
    feeDecision: z.enum(['charge', 'waive']).nullable(),
    videoUrl: z.string().nullable(),
    outsideHoursReason: z.string().nullable(),
    clients: z.array(AppointmentClient),
    clinicians: z.array(AppointmentClinician),
  })
  .meta({ id: 'Appointment' });

export const AppointmentList = z.object({ items: z.array(Appointment) });

export const AppointmentEvent = z.object({
  at: IsoInstant,
  userName: z.string().nullable(),
  action: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  reason: z.string().nullable(),
});
export const AppointmentDetail = Appointment.extend({ events: z.array(AppointmentEvent) }).meta({ id: 'AppointmentDetail' });

export const Booking = z
  .object({
    series: z.object({ id: Uuid, rrule: z.string(), timeZone: z.string() }).nullable(),
    appointments: z.array(Appointment),
  })
  .meta({ id: 'Booking' });

export const AppointmentChange = z.object({ appointments: z.array(Appointment) });

export const IdempotencyHeaders = z.object({
  'idempotency-key': z.string().min(1).max(200).optional(),
});

export const SchedulingSettings = z.object({
  /** Hours before the start at which reminders go out, e.g. [48, 24]. */
  reminderLeadHours: z.array(z.number().int()),
  /** The video provider's meeting URL with `{roomId}` where the unguessable room id goes. */
  videoUrlTemplate: z.string(),
  noShowFeePolicy: z.enum(['charge', 'waive']),
  /** A client cancelling less than this many hours ahead cancels late. */
  lateCancelHours: z.number().int(),
  lateCancelFeePolicy: z.enum(['charge', 'waive']),
});
export const SchedulingSettingsPatch = nonEmpty(
  z.strictObject({
    reminderLeadHours: z.array(z.number().int().min(1).max(336)).max(4).optional(),
    videoUrlTemplate: z
      .url({ protocol: /^https$/ })
      .max(300)
      .refine((u) => u.includes('{roomId}'), 'the template must contain {roomId}')
      .optional(),
    noShowFeePolicy: z.enum(['charge', 'waive']).optional(),
    lateCancelHours: z.number().int().min(0).max(168).optional(),
    lateCancelFeePolicy: z.enum(['charge', 'waive']).optional(),
  }),
).meta({
  examples: [
    {
      reminderLeadHours: [48, 24],
      videoUrlTemplate: 'https://video.calmdesk.example/{roomId}',
      noShowFeePolicy: 'charge',
      lateCancelHours: 24,
      lateCancelFeePolicy: 'charge',
    },
  ],
});

export const AgendaQuery = z.strictObject({
  from: IsoInstantInput.meta({ examples: ['2030-01-06T23:00:00Z'] }),
  to: IsoInstantInput.meta({ examples: ['2030-01-13T23:00:00Z'] }),
});
export const AgendaItem = Appointment.extend({ practiceName: z.string() });
export const Agenda = z.object({ items: z.array(AgendaItem) });
