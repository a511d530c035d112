/** Helpers for the tests of appointment messages and calendar feeds. */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import ICAL from 'ical.js';
import { Temporal } from 'temporal-polyfill';
import type { Client, TestApp } from '../../test/harness.ts';
import { addMember, createTestPractice, createUser, signIn, type TestPractice, type TestUser } from '../../test/factories.ts';

export interface MessagesWorld {
  practice: TestPractice;
  base: string;
  owner: Client;
  clinicianUser: TestUser;
  clinician: Client;
  clinicianMembershipId: string;
  locationId: string;
  roomId: string;
  serviceId: string;
  /** In every free-text field of the practice's client, its trajectory and note, and the service name. */
  marker: string;
}

/** A short marker (names allow 20 characters in places) that no generated text contains by chance. */
export function newMarker(): string {
  return `Qz${crypto.randomBytes(4).toString('hex')}`;
}

const CONSENT = { given: true, date: '2026-01-05', source: 'written' } as const;

/** A registration body with `marker` in every free-text field, e-mail and phone, consent for both channels. */
export function markedClient(marker: string, extra: Record<string, unknown> = {}) {
  return {
    firstName: `Eva ${marker}`,
    namePrefix: `van ${marker}`,
    lastName: `Bos ${marker}`,
    dateOfBirth: '1984-05-17',
    gender: 'female',
    email: `client-${crypto.randomUUID().slice(0, 8)}@test.example`,
    phone: '+31 6 1234 5678',
    address: {
      street: `Straat ${marker}`,
      houseNumber: `12 ${marker}`.slice(0, 20),
      postalCode: '1011 AB',
      city: `Stad ${marker}`,
      country: 'NL',
    },
    policyNumber: `POL ${marker}`,
    // agbCode given: without it the registration answers 500 today (the stored gp lacks the key the response schema requires).
    gp: { name: `Huisarts ${marker}`, practiceName: `Huisartsenpraktijk ${marker}`, agbCode: '01234567' },
    emergencyContact: { name: `Noodcontact ${marker}`, relation: `Relatie ${marker}`, phone: '+31 20 123 4567' },
    communication: { channel: 'email', language: 'nl' },
    consents: { remindersEmail: CONSENT, remindersSms: CONSENT },
    ...extra,
  };
}

/** A practice (nl, Europe/Amsterdam) with a location, a service and a clinician, owner and clinician signed in. */
export async function messagesWorld(t: TestApp, marker = newMarker()): Promise<MessagesWorld> {
  const practice = await createTestPractice(t.deps);
  const base = `/api/v1/practices/${practice.id}`;
  const owner = await signIn(t, practice.owner);
  const clinicianUser = await createUser(t.deps, { name: 'Jorien Clinician' });
  const clinicianMembershipId = await addMember(t.deps, practice.id, clinicianUser, ['clinician']);
  const location = await owner.post<{ id: string }>(`${base}/locations`, {
    name: 'Locatie Centrum',
    address: { street: 'Keizersgracht 1', postalCode: '1015 CJ', city: 'Amsterdam', country: 'NL' },
  });
  assert.equal(location.status, 201, JSON.stringify(location.body));
  const room = await owner.post<{ id: string }>(`${base}/rooms`, { locationId: location.body.id, name: 'Kamer 1' });
  assert.equal(room.status, 201, JSON.stringify(room.body));
  const service = await owner.post<{ id: string }>(`${base}/services`, {
    name: `Traumabehandeling ${marker}`,
    defaultDurationMinutes: 45,
    allowedModes: ['in_person', 'video', 'phone'],
  });
  assert.equal(service.status, 201, JSON.stringify(service.body));
  return {
    practice,
    base,
    owner,
    clinicianUser,
    clinician: await signIn(t, clinicianUser),
    clinicianMembershipId,
    locationId: location.body.id,
    roomId: room.body.id,
    serviceId: service.body.id,
    marker,
  };
}

/** Registers a client through the API (marker everywhere unless `extra` says otherwise). */
export async function registerClient(w: MessagesWorld, extra: Record<string, unknown> = {}): Promise<{ id: string; email: string | null }> {
  const res = await w.owner.post<{ id: string; email: string | null }>(
    `${w.base}/clients`,
    markedClient(w.marker, { confirmNotDuplicate: true, ...extra }),
  );
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { id: res.body.id, email: res.body.email };
}

/** Books through the API, outside working hours allowed (the reason carries the marker too). */
export async function book(w: MessagesWorld, clientIds: string[], body: Record<string, unknown>) {
  const res = await w.owner.post(`${w.base}/appointments`, {
    clientIds,
    clinicianIds: [w.clinicianMembershipId],
    serviceId: w.serviceId,
    mode: 'in_person',
    locationId: w.locationId,
    roomId: w.roomId,
    durationMinutes: 45,
    outsideHours: { reason: `Reden ${w.marker}` },
    ...body,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as {
    series: unknown;
    appointments: { id: string; startsAt: string; endsAt: string; localStart: string; videoUrl: string | null }[];
  };
}

/** A wall-clock time `hours` from now in Amsterdam, on a whole quarter hour, as the API takes it. */
export function localIn(hours: number): string {
  const at = Temporal.Now.instant().add({ hours }).toZonedDateTimeISO('Europe/Amsterdam');
  const rounded = at.round({ smallestUnit: 'minute', roundingIncrement: 15, roundingMode: 'ceil' });
  return rounded.toPlainDateTime().toString({ smallestUnit: 'minute' });
}

export interface ParsedIcs {
  method: string | null;
  vtimezones: string[];
  events: ICAL.Event[];
  component: ICAL.Component;
}

/** Parses iCalendar text with ical.js, registering its VTIMEZONEs so TZID times resolve. */
export function parseIcs(text: string): ParsedIcs {
  const component = new ICAL.Component(ICAL.parse(text) as unknown[]);
  const vtimezones = component.getAllSubcomponents('vtimezone');
  for (const tz of vtimezones) ICAL.TimezoneService.register(tz);
  return {
    method: (component.getFirstPropertyValue('method') as string | null) ?? null,
    vtimezones: vtimezones.map((tz) => String(tz.getFirstPropertyValue('tzid'))),
    events: component.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v)),
    component,
  };
}

/** The appointment-message rows of an appointment, oldest first. */
export async function messagesOf(t: TestApp, appointmentId: string) {
  return t.deps.db
    .selectFrom('appointment_reminders')
    .selectAll()
    .where('appointment_id', '=', appointmentId)
    .orderBy('created_at')
    .orderBy('due_at')
    .execute();
}
