import crypto from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type PgBoss from 'pg-boss';
import type { AddressJson, AppointmentMode, CommunicationJson, ConsentsJson, DB } from '../../db/schema.ts';
import type { AppDeps, PracticeCtx } from '../../platform/context.ts';
import { enqueueMany, maxAttempts, QUEUES } from '../../platform/jobs.ts';
import { addressOf, emailDelivery, recordEmail, type EmailAttachment } from '../../platform/mail.ts';
import { scoped, systemDb } from '../../platform/tenancy.ts';
import { buildIcs } from './ical.ts';
import {
  emailText,
  icsFacts,
  icsFileName,
  smsText,
  type Lang,
  type MessageKind,
  type PracticeFacts,
  type SessionFacts,
} from './reminder-texts.ts';
import { smsTransport, type SmsTransport } from './sms.ts';

/**
 * Messages to clients about their appointments: an invitation with an .ics when booked, a
 * reminder per lead time of the practice (48 and 24 hours by default), an update when the
 * time, the mode or the place changes, and a cancellation.
 *
 * Every message is planned as rows of `appointment_reminders` — one per appointment, client
 * and channel — in the transaction of the booking or change, with a pg-boss job that sends
 * it at its due time. A client without an address, or without consent for that channel,
 * gets a row with status `skipped` and the reason, so the practice sees why nothing went
 * out. The job reads everything again when it runs: a reminder of an appointment that was
 * cancelled or moved since is skipped (the move planned new ones), consent withdrawn since
 * is honoured. Each attempt is counted on the rows; a failure is retried by pg-boss with
 * back-off and the rows become `failed` after the last attempt.
 *
 * Invitations, updates and cancellations of several sessions (a series) go to a client in
 * one e-mail, with one .ics per session (an iTIP message carries one UID). Reminders go one
 * by one, by e-mail and, with consent and a phone number, by SMS.
 */
type Channel = 'email' | 'sms';

const CHANNELS: Channel[] = ['email', 'sms'];
const INSERT_CHUNK = 1000;

export interface ClientContact {
  id: string;
  email: string | null;
  phone: string | null;
  consents: ConsentsJson;
  communication: CommunicationJson;
  destroyed_at: Date | null;
  merged_into: string | null;
}

export interface AppointmentFacts {
  id: string;
  starts_at: Date;
  ends_at: Date;
  time_zone: string;
  mode: AppointmentMode;
  location_id: string | null;
  video_url: string | null;
  occupies: boolean;
  location_name: string | null;
  location_address: AddressJson | null;
}

const CONSENT = { email: 'remindersEmail', sms: 'remindersSms' } as const;

/** Why this client cannot get a message on this channel, or null when they can. */
export function channelProblem(channel: Channel, c: ClientContact, smsOn: boolean): string | null {
  if (c.destroyed_at) return 'client record destroyed';
  if (c.merged_into) return 'client record merged into another';
  if (channel === 'sms' && !smsOn) return 'text messages are switched off (SMS_TRANSPORT=none)';
  if (channel === 'email' && !c.email) return 'no e-mail address';
  if (channel === 'sms' && !c.phone) return 'no phone number';
  const consent = c.consents[CONSENT[channel]];
  const by = channel === 'email' ? 'e-mail' : 'SMS';
  if (!consent) return `no consent for messages by ${by}`;
  if (!consent.given) return `consent for messages by ${by} refused or withdrawn`;
  return null;
}

/** What a client was told about an appointment; a change that leaves it equal sends nothing. */
function contentKey(a: AppointmentFacts): string {
  const facts = [a.starts_at.toISOString(), a.ends_at.toISOString(), a.time_zone, a.mode, a.location_id ?? '', a.video_url ?? ''];
  return crypto.createHash('sha256').update(facts.join('|')).digest('hex').slice(0, 32);
}

async function loadAppointments(db: Kysely<DB>, practiceId: string, ids: string[]): Promise<Map<string, AppointmentFacts>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('appointments')
    .leftJoin('locations', 'locations.id', 'appointments.location_id')
    .select([
      'appointments.id',
      'appointments.starts_at',
      'appointments.ends_at',
      'appointments.time_zone',
      'appointments.mode',
      'appointments.location_id',
      'appointments.video_url',
      'appointments.occupies',
      'locations.name as location_name',
      'locations.address as location_address',
    ])
    .where('appointments.practice_id', '=', practiceId)
    .where('appointments.id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

const CONTACT_COLUMNS = [
  'clients.id',
  'clients.email',
  'clients.phone',
  'clients.consents',
  'clients.communication',
  'clients.destroyed_at',
  'clients.merged_into',
] as const;

/** The clients of each appointment, with what a message needs to reach them. */
async function loadClientsOf(ctx: PracticeCtx, ids: string[]): Promise<Map<string, ClientContact[]>> {
  const rows = await scoped(ctx)
    .selectFrom('appointment_clients')
    .innerJoin('clients', 'clients.id', 'appointment_clients.client_id')
    .select(['appointment_clients.appointment_id', ...CONTACT_COLUMNS])
    .where('appointment_clients.appointment_id', 'in', ids)
    .execute();
  const byAppointment = new Map<string, ClientContact[]>();
  for (const r of rows) byAppointment.set(r.appointment_id, [...(byAppointment.get(r.appointment_id) ?? []), r]);
  return byAppointment;
}

interface NewMessage {
  appointment_id: string;
  client_id: string;
  kind: MessageKind;
  channel: Channel;
  lead_hours: number | null;
  due_at: Date;
  status: 'scheduled' | 'skipped';
  skip_reason: string | null;
  planned_start: Date;
  content_key: string;
}

/** Writes the rows and enqueues their jobs (reminders one by one at their time; other kinds per client at once). */
async function schedule(ctx: PracticeCtx, messages: NewMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const jobs: { data: { reminderIds: string[] }; startAfter?: Date }[] = [];
  const grouped = new Map<string, string[]>();
  for (let i = 0; i < messages.length; i += INSERT_CHUNK) {
    const rows = await scoped(ctx)
      .insertInto('appointment_reminders', messages.slice(i, i + INSERT_CHUNK))
      .returning(['id', 'kind', 'client_id', 'status', 'due_at'])
      .execute();
    for (const r of rows) {
      if (r.status !== 'scheduled') continue;
      if (r.kind === 'reminder') {
        jobs.push({ data: { reminderIds: [r.id] }, startAfter: r.due_at });
      } else {
        const key = `${r.kind}:${r.client_id ?? ''}`;
        grouped.set(key, [...(grouped.get(key) ?? []), r.id]);
      }
    }
  }
  for (const ids of grouped.values()) jobs.push({ data: { reminderIds: ids } });
  await enqueueMany(ctx.tx, QUEUES.appointmentRemind, jobs);
}

/** What the messages of these appointments are planned from, read once per change. */
export interface Facts {
  appointments: Map<string, AppointmentFacts>;
  clients: Map<string, ClientContact[]>;
}

async function loadFacts(ctx: PracticeCtx, ids: string[]): Promise<Facts> {
  if (ids.length === 0) return { appointments: new Map(), clients: new Map() };
  return { appointments: await loadAppointments(ctx.tx, ctx.practiceId, ids), clients: await loadClientsOf(ctx, ids) };
}

/** An invitation, update or cancellation to each client of these appointments, by e-mail. */
function messageRows(
  ctx: PracticeCtx,
  facts: Facts,
  ids: string[],
  kind: Exclude<MessageKind, 'reminder'>,
  opts: { skipClients?: (appointmentId: string, clientId: string) => string | null } = {},
): NewMessage[] {
  const smsOn = ctx.deps.config.sms.transport !== 'none';
  const now = new Date();
  const messages: NewMessage[] = [];
  for (const id of ids) {
    const a = facts.appointments.get(id);
    if (!a) continue;
    for (const c of facts.clients.get(a.id) ?? []) {
      const reason =
        (a.starts_at.getTime() <= now.getTime() ? 'appointment in the past' : null) ??
        opts.skipClients?.(a.id, c.id) ??
        channelProblem('email', c, smsOn);
      messages.push({
        appointment_id: a.id,
        client_id: c.id,
        kind,
        channel: 'email',
        lead_hours: null,
        due_at: now,
        status: reason ? 'skipped' : 'scheduled',
        skip_reason: reason,
        planned_start: a.starts_at,
        content_key: contentKey(a),
      });
    }
  }
  return messages;
}

/** The practice's reminder lead times, longest first. */
async function leadHours(ctx: PracticeCtx): Promise<number[]> {
  const practice = await ctx.tx
    .selectFrom('practices')
    .select('reminder_lead_hours')
    .where('id', '=', ctx.practiceId)
    .executeTakeFirstOrThrow();
  return longestFirst(practice.reminder_lead_hours);
}

const longestFirst = (leads: number[]) => [...new Set(leads)].sort((x, y) => y - x);

/** One reminder per lead time of the practice and channel, to each client of these appointments. */
function reminderRows(ctx: PracticeCtx, facts: Facts, ids: string[], leads: number[]): NewMessage[] {
  const smsOn = ctx.deps.config.sms.transport !== 'none';
  const now = Date.now();
  const messages: NewMessage[] = [];
  for (const id of ids) {
    const a = facts.appointments.get(id);
    if (!a?.occupies) continue;
    for (const c of facts.clients.get(a.id) ?? []) {
      for (const lead of leads) {
        const due = new Date(a.starts_at.getTime() - lead * 3_600_000);
        for (const channel of CHANNELS) {
          const reason = due.getTime() <= now ? 'lead time already past' : channelProblem(channel, c, smsOn);
          messages.push({
            appointment_id: a.id,
            client_id: c.id,
            kind: 'reminder',
            channel,
            lead_hours: lead,
            due_at: due,
            status: reason ? 'skipped' : 'scheduled',
            skip_reason: reason,
            planned_start: a.starts_at,
            content_key: contentKey(a),
          });
        }
      }
    }
  }
  return messages;
}

async function skipScheduled(ctx: PracticeCtx, ids: string[], reason: string): Promise<void> {
  if (ids.length === 0) return;
  await scoped(ctx)
    .updateTable('appointment_reminders')
    .set({ status: 'skipped', skip_reason: reason })
    .where('id', 'in', ids)
    .where('status', '=', 'scheduled')
    .execute();
}

/** After a booking: the invitation now, the reminders at their time. */
export async function messagesAfterBooking(
  ctx: PracticeCtx,
  appointmentIds: string[],
  known?: Facts & { leadHours: number[] },
): Promise<void> {
  if (appointmentIds.length === 0) return;
  // A booking passes what it just wrote and read; other callers have it read here.
  const facts = known ?? (await loadFacts(ctx, appointmentIds));
  const leads = known ? longestFirst(known.leadHours) : await leadHours(ctx);
  await schedule(ctx, [...messageRows(ctx, facts, appointmentIds, 'invitation'), ...reminderRows(ctx, facts, appointmentIds, leads)]);
}

/**
 * After a move or another change: reminders planned for the old start are skipped and new
 * ones planned; clients get an update when what they were told (time, mode, place, link)
 * changed. An invitation or update not yet sent is sent with the new facts instead.
 */
export async function messagesAfterChange(ctx: PracticeCtx, appointmentIds: string[]): Promise<void> {
  if (appointmentIds.length === 0) return;
  const facts = await loadFacts(ctx, appointmentIds);
  const { appointments } = facts;
  const existing = await scoped(ctx)
    .selectFrom('appointment_reminders')
    .select(['id', 'appointment_id', 'client_id', 'kind', 'status', 'planned_start', 'content_key', 'created_at'])
    .where('appointment_id', 'in', appointmentIds)
    .orderBy('created_at')
    .execute();
  const stale: string[] = [];
  const reschedule: string[] = [];
  const changed: string[] = [];
  const pendingUpdates: string[] = [];
  const pendingClients = new Set<string>();
  for (const a of appointments.values()) {
    const own = existing.filter((r) => r.appointment_id === a.id);
    const reminders = own.filter((r) => r.kind === 'reminder');
    const moved = reminders.filter((r) => r.status === 'scheduled' && r.planned_start?.getTime() !== a.starts_at.getTime());
    stale.push(...moved.map((r) => r.id));
    if (a.occupies && (moved.length > 0 || reminders.length === 0)) reschedule.push(a.id);

    const key = contentKey(a);
    const told = own.filter((r) => r.kind === 'invitation' || r.kind === 'change');
    if (told.at(-1)?.content_key === key) continue;
    for (const r of told.filter((m) => m.status === 'scheduled')) {
      pendingUpdates.push(r.id);
      pendingClients.add(`${a.id}:${r.client_id ?? ''}`);
    }
    changed.push(a.id);
  }
  await skipScheduled(ctx, stale, 'appointment moved');
  for (const id of pendingUpdates) {
    const r = existing.find((m) => m.id === id);
    const a = r && appointments.get(r.appointment_id);
    if (!a) continue;
    await scoped(ctx)
      .updateTable('appointment_reminders')
      .set({ content_key: contentKey(a), planned_start: a.starts_at })
      .where('id', '=', id)
      .execute();
  }
  await schedule(ctx, [
    ...messageRows(ctx, facts, changed, 'change', {
      skipClients: (appointmentId, clientId) =>
        pendingClients.has(`${appointmentId}:${clientId}`) ? 'the pending invitation carries the change' : null,
    }),
    ...reminderRows(ctx, facts, reschedule, reschedule.length > 0 ? await leadHours(ctx) : []),
  ]);
}

/**
 * After a cancellation: nothing planned for these appointments goes out any more, and each
 * client who was told of the appointment gets a cancellation with METHOD:CANCEL.
 */
export async function messagesAfterCancel(ctx: PracticeCtx, appointmentIds: string[]): Promise<void> {
  if (appointmentIds.length === 0) return;
  const existing = await scoped(ctx)
    .selectFrom('appointment_reminders')
    .select(['id', 'appointment_id', 'client_id', 'status'])
    .where('appointment_id', 'in', appointmentIds)
    .execute();
  await skipScheduled(
    ctx,
    existing.filter((r) => r.status === 'scheduled').map((r) => r.id),
    'appointment cancelled',
  );
  const told = new Set(existing.filter((r) => r.status === 'sent').map((r) => `${r.appointment_id}:${r.client_id ?? ''}`));
  await schedule(
    ctx,
    messageRows(ctx, await loadFacts(ctx, appointmentIds), appointmentIds, 'cancellation', {
      skipClients: (appointmentId, clientId) =>
        told.has(`${appointmentId}:${clientId}`) ? null : 'the client was not told of this appointment',
    }),
  );
}

// --- the job -------------------------------------------------------------------------------

type Prepared =
  | { channel: 'email'; ids: string[]; attempts: number; emailId: string }
  | { channel: 'sms'; ids: string[]; attempts: number; practiceId: string; phone: string; text: string };

function facts(a: AppointmentFacts): SessionFacts {
  return {
    id: a.id,
    startsAt: a.starts_at,
    endsAt: a.ends_at,
    zone: a.time_zone,
    mode: a.mode,
    locationName: a.location_name,
    locationAddress: a.location_address,
    videoUrl: a.video_url,
  };
}

/**
 * The job of the `appointment.remind` queue: sends one message (the rows in `reminderIds`
 * share client, kind and channel). It reads the appointments, the client and their consent
 * again; rows that no longer apply are skipped with the reason. Throws after recording a
 * failed attempt so pg-boss retries; on the last attempt the rows become `failed`.
 */
/** The messages job reads and writes rows of every practice (each job names its own). */
const MESSAGES_JOB = { practiceId: 'all', reason: 'appointment messages job' } as const;

export function appointmentMessenger(deps: AppDeps, sms: SmsTransport | null = smsTransport(systemDb(deps, MESSAGES_JOB), deps.config)) {
  const db = systemDb(deps, MESSAGES_JOB);
  const deliver = emailDelivery(db, deps.config);
  return async (reminderIds: string[], opts: { finalAttempt?: boolean } = {}): Promise<void> => {
    if (reminderIds.length === 0) return;
    const prepared = await db.transaction().execute((tx) => prepare(deps, tx, reminderIds, sms !== null));
    if (!prepared) return;
    try {
      if (prepared.channel === 'email') await deliver(prepared.emailId);
      else if (sms) await sms.send(prepared.phone, prepared.text, { practiceId: prepared.practiceId });
      else throw new Error('text messages are switched off');
    } catch (err) {
      const attempts = prepared.attempts + 1;
      const final = opts.finalAttempt ?? attempts >= maxAttempts(QUEUES.appointmentRemind);
      await db
        .updateTable('appointment_reminders')
        .set({ attempts, last_error: String(err).slice(0, 500), ...(final && { status: 'failed' as const }) })
        .where('id', 'in', prepared.ids)
        .execute();
      if (final && prepared.channel === 'email') {
        await db
          .updateTable('email_outbox')
          .set({ status: 'failed' })
          .where('id', '=', prepared.emailId)
          .where('status', '=', 'queued')
          .execute();
      }
      if (final) return;
      throw err;
    }
    await db
      .updateTable('appointment_reminders')
      .set({ status: 'sent', attempts: prepared.attempts + 1, sent_at: new Date(), last_error: null })
      .where('id', 'in', prepared.ids)
      .execute();
  };
}

async function prepare(deps: AppDeps, tx: Kysely<DB>, reminderIds: string[], smsOn: boolean): Promise<Prepared | null> {
  const rows = await tx
    .selectFrom('appointment_reminders')
    .selectAll()
    .where('id', 'in', reminderIds)
    .where('status', '=', 'scheduled')
    .orderBy('due_at')
    .forUpdate()
    .execute();
  const head = rows[0];
  if (!head) return null;
  const practiceId = head.practice_id;
  const practice = await tx
    .selectFrom('practices')
    .select(['name', 'time_zone', 'locale', 'contact_phone', 'contact_email'])
    .where('id', '=', practiceId)
    .executeTakeFirstOrThrow();
  const client = head.client_id
    ? await tx
        .selectFrom('clients')
        .select(CONTACT_COLUMNS)
        .where('clients.practice_id', '=', practiceId)
        .where('clients.id', '=', head.client_id)
        .executeTakeFirst()
    : undefined;
  const appointments = await loadAppointments(
    tx,
    practiceId,
    rows.map((r) => r.appointment_id),
  );
  const now = Date.now();
  const live: typeof rows = [];
  const skipped = new Map<string, string[]>();
  for (const r of rows) {
    const a = appointments.get(r.appointment_id);
    const reason = !a
      ? 'appointment deleted'
      : !client
        ? 'client not found'
        : r.kind !== 'cancellation' && !a.occupies
          ? 'appointment cancelled'
          : r.kind === 'reminder' && r.planned_start && r.planned_start.getTime() !== a.starts_at.getTime()
            ? 'appointment moved'
            : a.starts_at.getTime() <= now
              ? 'appointment already started'
              : channelProblem(r.channel, client, smsOn);
    if (reason) skipped.set(reason, [...(skipped.get(reason) ?? []), r.id]);
    else live.push(r);
  }
  for (const [reason, ids] of skipped) {
    await tx.updateTable('appointment_reminders').set({ status: 'skipped', skip_reason: reason }).where('id', 'in', ids).execute();
  }
  if (live.length === 0 || !client) return null;

  const lang: Lang = client.communication.language ?? practice.locale;
  const practiceFacts: PracticeFacts = {
    name: practice.name,
    zone: practice.time_zone,
    phone: practice.contact_phone,
    email: practice.contact_email,
  };
  const sessions = live.flatMap((r) => {
    const a = appointments.get(r.appointment_id);
    return a ? [facts(a)] : [];
  });
  sessions.sort((x, y) => x.startsAt.getTime() - y.startsAt.getTime());
  const ids = live.map((r) => r.id);
  const attempts = head.attempts;

  if (head.channel === 'sms') {
    const first = sessions[0];
    if (!first || !client.phone) return null;
    return { channel: 'sms', ids, attempts, practiceId, phone: client.phone, text: smsText(first, practiceFacts, lang) };
  }

  const email = client.email ?? '';
  const kind = head.kind;
  const attachments = kind === 'reminder' ? [] : await invitations(deps, tx, practiceId, kind, sessions, practiceFacts, lang, email);
  const message = emailText(kind, sessions, practiceFacts, lang, attachments.length > 0);
  // A retry sends the e-mail recorded by the first attempt, unless what it says changed since.
  const previous = head.email_id
    ? await tx
        .selectFrom('email_outbox')
        .select(['id', 'subject', 'body_text', 'status'])
        .where('id', '=', head.email_id)
        .executeTakeFirst()
    : undefined;
  let emailId = previous?.id;
  if (
    !previous ||
    previous.subject !== message.subject ||
    previous.body_text !== message.text ||
    live.some((r) => r.email_id !== previous.id)
  ) {
    if (previous && previous.status === 'queued') {
      await tx
        .updateTable('email_outbox')
        .set({ status: 'failed', last_error: 'superseded by a newer version of this message' })
        .where('id', '=', previous.id)
        .execute();
    }
    emailId = await recordEmail(tx, deps.config, { to: email, subject: message.subject, text: message.text, practiceId, attachments });
    await tx.updateTable('appointment_reminders').set({ email_id: emailId }).where('id', 'in', ids).execute();
  }
  return emailId ? { channel: 'email', ids, attempts, emailId } : null;
}

/** One .ics per session; SEQUENCE counts the changes of the appointment (and its cancellation). */
async function invitations(
  deps: AppDeps,
  tx: Kysely<DB>,
  practiceId: string,
  kind: MessageKind,
  sessions: SessionFacts[],
  practice: PracticeFacts,
  lang: Lang,
  email: string,
): Promise<EmailAttachment[]> {
  const changes = await tx
    .selectFrom('appointment_events')
    .select(['appointment_id', sql<number>`count(*)::int`.as('n')])
    .where('practice_id', '=', practiceId)
    .where(
      'appointment_id',
      'in',
      sessions.map((s) => s.id),
    )
    .where('action', '=', 'changed')
    .groupBy('appointment_id')
    .execute();
  const cancelled = kind === 'cancellation';
  const method = cancelled ? 'CANCEL' : 'REQUEST';
  const organizer = { name: practice.name, email: practice.email ?? addressOf(deps.config.mail.from) };
  return sessions.map((s) => ({
    filename: icsFileName(s, lang, sessions.length > 1),
    contentType: `text/calendar; charset=utf-8; method=${method}`,
    content: buildIcs({
      method,
      organizer,
      attendee: { email },
      events: [
        {
          uid: s.id,
          start: s.startsAt,
          end: s.endsAt,
          zone: s.zone,
          sequence: (changes.find((c) => c.appointment_id === s.id)?.n ?? 0) + (cancelled ? 1 : 0),
          status: cancelled ? 'cancelled' : 'confirmed',
          ...icsFacts(s, practice, lang, cancelled),
        },
      ],
    }),
  }));
}

/**
 * Starts the worker of appointment messages: up to 10 due jobs per poll, each on its own —
 * a failed one is handed back to pg-boss for its retry, the others complete.
 */
export async function startAppointmentMessages(boss: PgBoss, deps: AppDeps): Promise<void> {
  const run = appointmentMessenger(deps);
  await boss.work<{ reminderIds: string[] }>(
    QUEUES.appointmentRemind,
    { pollingIntervalSeconds: 1, batchSize: 10, includeMetadata: true },
    async (jobs) => {
      for (const job of jobs) {
        try {
          await run(job.data.reminderIds, { finalAttempt: job.retryCount >= job.retryLimit });
        } catch (err) {
          await boss.fail(QUEUES.appointmentRemind, job.id, { message: err instanceof Error ? err.message : String(err) });
        }
      }
    },
  );
}
