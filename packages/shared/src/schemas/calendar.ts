import { z } from 'zod';
import { IsoInstant, Uuid } from './common.ts';

/** A clinician's calendar feed as the practice sees it: whether there is one, never its token. */
export const CalendarFeedInfo = z.object({
  id: Uuid,
  membershipId: Uuid,
  createdAt: IsoInstant,
  /** Last time a calendar app fetched the feed. */
  lastReadAt: IsoInstant.nullable(),
});

export const CalendarFeedStatus = z.object({ feed: CalendarFeedInfo.nullable() }).meta({ id: 'CalendarFeedStatus' });

/** Answered once, when the feed is made: the secret address to subscribe to. */
export const CalendarFeedCreated = z
  .object({
    feed: CalendarFeedInfo,
    /** `https://…/api/v1/calendar/<token>.ics`; only its hash is stored, so it cannot be shown again. */
    url: z.string(),
    /** The same address with the webcal: scheme, which opens a subscription in most calendar apps. */
    webcalUrl: z.string(),
  })
  .meta({ id: 'CalendarFeedCreated' });

export const CalendarTokenParams = z.object({ token: z.string().max(200) });

export const APPOINTMENT_MESSAGE_KINDS = ['invitation', 'reminder', 'change', 'cancellation'] as const;
export const APPOINTMENT_MESSAGE_STATUSES = ['scheduled', 'sent', 'failed', 'skipped'] as const;

/** One message about an appointment to one client: an invitation, a reminder, a change or a cancellation. */
export const AppointmentMessage = z.object({
  id: Uuid,
  clientId: Uuid.nullable(),
  kind: z.enum(APPOINTMENT_MESSAGE_KINDS),
  channel: z.enum(['email', 'sms']),
  /** For a reminder: hours before the start. */
  leadHours: z.number().int().nullable(),
  dueAt: IsoInstant,
  status: z.enum(APPOINTMENT_MESSAGE_STATUSES),
  /** Why a message was not sent (no consent, no address, cancelled, moved, lead time past). */
  skipReason: z.string().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  sentAt: IsoInstant.nullable(),
});
export const AppointmentMessageList = z.object({ items: z.array(AppointmentMessage) }).meta({ id: 'AppointmentMessageList' });
