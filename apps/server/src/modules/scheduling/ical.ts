import { Temporal } from 'temporal-polyfill';
import { ICalCalendar, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { getVtimezoneComponent } from '@touch4it/ical-timezones';

/**
 * iCalendar (RFC 5545) for invitations and the clinicians' feeds, written with
 * ical-generator. Times are written as wall-clock time with the appointment's TZID and the
 * zone's VTIMEZONE: the event is handed over as a Temporal.ZonedDateTime in that zone, which
 * ical-generator writes as is (a plain Date would be written in the server's own zone). The
 * calendar itself has no zone, so DTSTAMP stays UTC. A zone without a VTIMEZONE definition
 * (none today: every IANA name the booking accepts has one, except `UTC` itself) is written
 * in UTC instead.
 */
export interface IcsEvent {
  /** Stable per appointment: its id. */
  uid: string;
  start: Date;
  end: Date;
  zone: string;
  summary: string;
  location?: string | null;
  description?: string | null;
  /** Updates of the same event count up (RFC 5546); 0 for the first invitation. */
  sequence?: number;
  status?: 'confirmed' | 'cancelled';
}

export interface IcsCalendar {
  method: 'REQUEST' | 'CANCEL' | null;
  events: IcsEvent[];
  /** Shown by calendar apps as the calendar's name (feeds). */
  name?: string;
  /** How often a subscribed calendar should be fetched again (feeds). */
  refreshSeconds?: number;
  organizer?: { name: string; email: string };
  /** The one recipient of an invitation: only their own address, never another client's. */
  attendee?: { email: string };
  /** Fixed DTSTAMP (tests); now by default. */
  stamp?: Date;
}

const vtimezones = new Map<string, string | null>();
function vtimezone(zone: string): string | null {
  if (!vtimezones.has(zone)) vtimezones.set(zone, zone === 'UTC' ? null : getVtimezoneComponent(zone));
  return vtimezones.get(zone) ?? null;
}

/** Whether times in `zone` are written with its TZID (and VTIMEZONE) rather than in UTC. */
export function hasVtimezone(zone: string): boolean {
  return vtimezone(zone) !== null;
}

function zoned(at: Date, zone: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(zone);
}

export function buildIcs(c: IcsCalendar): string {
  const cal = new ICalCalendar({
    prodId: { company: 'Calmdesk', product: 'Calmdesk', language: 'NL' },
    method: c.method === 'REQUEST' ? ICalCalendarMethod.REQUEST : c.method === 'CANCEL' ? ICalCalendarMethod.CANCEL : null,
    name: c.name ?? null,
    ...(c.refreshSeconds !== undefined && { ttl: c.refreshSeconds }),
  });
  // No calendar-wide zone (DTSTAMP stays UTC); the generator writes one VTIMEZONE per zone used.
  cal.timezone({ name: null, generator: (zone) => vtimezone(zone) });
  const stamp = c.stamp ?? new Date();
  for (const e of c.events) {
    const tz = hasVtimezone(e.zone) ? e.zone : null;
    cal.createEvent({
      id: e.uid,
      sequence: e.sequence ?? 0,
      stamp,
      start: tz ? zoned(e.start, tz) : e.start,
      end: tz ? zoned(e.end, tz) : e.end,
      timezone: tz,
      summary: e.summary,
      location: e.location ?? null,
      description: e.description ?? null,
      status: e.status === 'cancelled' ? ICalEventStatus.CANCELLED : e.status === 'confirmed' ? ICalEventStatus.CONFIRMED : null,
      organizer: c.organizer ?? null,
      attendees: c.attendee ? [{ email: c.attendee.email, rsvp: false }] : [],
    });
  }
  return cal.toString();
}
