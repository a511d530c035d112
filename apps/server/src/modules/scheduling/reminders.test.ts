import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { testConfig } from '../../config.ts';
import { createBoss, QUEUES } from '../../platform/jobs.ts';
import { Client, startTestApp, type TestApp } from '../../test/harness.ts';
import { appointmentMessenger, startAppointmentMessages } from './reminders.ts';
import type { SmsTransport } from './sms.ts';
import {
  book,
  localIn,
  markedClient,
  messagesOf,
  messagesWorld,
  newMarker,
  parseIcs,
  registerClient,
  type MessagesWorld,
} from './messages.fixture.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

/** Records text messages instead of sending them. */
class CapturingSms implements SmsTransport {
  readonly name = 'capture';
  sent: { to: string; text: string }[] = [];
  send(to: string, text: string): Promise<void> {
    this.sent.push({ to, text });
    return Promise.resolve();
  }
}

/** Runs the jobs of these message rows the way the worker would (one job per row group). */
async function runJobsFor(reminderIds: string[], sms: SmsTransport = new CapturingSms()) {
  const run = appointmentMessenger(t.deps, sms);
  const jobs = await sql<{ data: { reminderIds: string[] } }>`
    SELECT data FROM pgboss.job WHERE name = ${QUEUES.appointmentRemind}
      AND data->'reminderIds' ?| ${sql.val(reminderIds)}::text[]`.execute(t.deps.db);
  for (const job of jobs.rows) await run(job.data.reminderIds);
}

async function emailsOf(emailIds: (string | null)[]) {
  const ids = emailIds.filter((id): id is string => id !== null);
  if (ids.length === 0) return [];
  return t.deps.db.selectFrom('email_outbox').selectAll().where('id', 'in', ids).orderBy('created_at').execute();
}

describe('appointment messages', () => {
  let w: MessagesWorld;
  before(async () => {
    w = await messagesWorld(t);
  });

  it('books: an invitation e-mail with an .ics whose DTSTART (TZID + VTIMEZONE) is the API startsAt, and a reminder per lead time and channel', async () => {
    const client = await registerClient(w);
    const booked = await book(w, [client.id], { start: '2027-01-11T10:00' });
    const appt = booked.appointments[0]!;
    const rows = await messagesOf(t, appt.id);

    const invitation = rows.filter((r) => r.kind === 'invitation');
    assert.equal(invitation.length, 1);
    assert.equal(invitation[0]?.status, 'scheduled');
    assert.equal(invitation[0]?.channel, 'email');
    assert.equal(invitation[0]?.client_id, client.id);

    const reminders = rows.filter((r) => r.kind === 'reminder');
    assert.deepEqual(reminders.map((r) => `${r.lead_hours}/${r.channel}/${r.status}`).sort(), [
      '24/email/scheduled',
      '24/sms/scheduled',
      '48/email/scheduled',
      '48/sms/scheduled',
    ]);
    const start = Date.parse(appt.startsAt);
    for (const r of reminders) assert.equal(r.due_at.getTime(), start - (r.lead_hours ?? 0) * 3_600_000);

    // Each reminder has its job, starting at its due time, retried with back-off.
    const jobs = await sql<{ start_after: Date; retry_limit: number; retry_backoff: boolean; ids: string[] }>`
      SELECT start_after, retry_limit, retry_backoff, ARRAY(SELECT jsonb_array_elements_text(data->'reminderIds')) AS ids
      FROM pgboss.job WHERE name = ${QUEUES.appointmentRemind}
        AND data->'reminderIds' ?| ${sql.val(rows.map((r) => r.id))}::text[]`.execute(t.deps.db);
    assert.equal(jobs.rows.length, 5);
    for (const r of reminders) {
      const job = jobs.rows.find((j) => j.ids.includes(r.id));
      assert.ok(job, `a job for the ${r.lead_hours} h ${r.channel} reminder`);
      assert.equal(job.start_after.getTime(), r.due_at.getTime());
      assert.equal(job.retry_limit, 5);
      assert.equal(job.retry_backoff, true);
    }

    await runJobsFor(invitation.map((r) => r.id));
    const sent = await messagesOf(t, appt.id);
    const inv = sent.find((r) => r.kind === 'invitation')!;
    assert.equal(inv.status, 'sent');
    assert.equal(inv.attempts, 1);
    const [mail] = await emailsOf([inv.email_id]);
    assert.ok(mail);
    assert.equal(mail.to_address, client.email);
    assert.equal(mail.status, 'sent');
    assert.match(mail.subject, /maandag 11 januari 2027 om 10:00/);
    assert.match(mail.body_text, /Tijd: 10:00–10:45/);
    assert.match(mail.body_text, /Adres: Locatie Centrum, Keizersgracht 1, 1015 CJ Amsterdam/);

    assert.equal(mail.attachments.length, 1);
    const file = mail.attachments[0]!;
    assert.equal(file.filename, 'afspraak.ics');
    assert.match(file.contentType, /^text\/calendar/);
    assert.match(file.content, /DTSTART;TZID=Europe\/Amsterdam:20270111T100000/);
    const ics = parseIcs(file.content);
    assert.equal(ics.method, 'REQUEST');
    assert.deepEqual(ics.vtimezones, ['Europe/Amsterdam']);
    assert.equal(ics.events.length, 1);
    const event = ics.events[0]!;
    assert.equal(event.uid, appt.id);
    assert.equal(event.component.getFirstProperty('dtstart')?.getParameter('tzid'), 'Europe/Amsterdam');
    assert.equal(event.startDate.zone?.tzid, 'Europe/Amsterdam');
    assert.equal(event.startDate.toJSDate().toISOString(), appt.startsAt);
    assert.equal(event.endDate.toJSDate().toISOString(), appt.endsAt);
    assert.equal(event.sequence, 0);
    assert.equal(event.attendees.length, 1);
    assert.equal(String(event.attendees[0]?.getFirstValue()).toLowerCase(), `mailto:${client.email}`);

    // The development outbox lists the attachment by name.
    const outbox = await new Client(t.url).request('GET', '/api/v1/dev/outbox', undefined, { 'x-calmdesk-outbox-key': t.outboxKey() });
    assert.equal(outbox.status, 200);
    const listed = outbox.body.items.find((m: { id: string }) => m.id === mail.id);
    assert.deepEqual(listed?.attachments, ['afspraak.ics']);
  });

  it('sends a reminder by e-mail and by SMS through the same job, with the video link and nothing else', async () => {
    const client = await registerClient(w);
    const booked = await book(w, [client.id], { start: '2027-01-12T14:30', mode: 'video', locationId: undefined, roomId: undefined });
    const appt = booked.appointments[0]!;
    assert.ok(appt.videoUrl);
    const rows = await messagesOf(t, appt.id);
    const sms = new CapturingSms();
    await runJobsFor(
      rows.filter((r) => r.kind === 'reminder' && r.lead_hours === 24).map((r) => r.id),
      sms,
    );
    const after = await messagesOf(t, appt.id);
    const done = after.filter((r) => r.kind === 'reminder' && r.lead_hours === 24);
    assert.deepEqual(
      done.map((r) => r.status),
      ['sent', 'sent'],
    );
    assert.equal(sms.sent.length, 1);
    assert.equal(sms.sent[0]?.to, '+31 6 1234 5678');
    assert.match(sms.sent[0]?.text ?? '', /14:30/);
    assert.ok(sms.sent[0]?.text.includes(appt.videoUrl));
    const [mail] = await emailsOf(done.map((r) => r.email_id));
    assert.ok(mail);
    assert.match(mail.subject, /^Herinnering: uw afspraak op dinsdag 12 januari 2027 om 14:30$/);
    assert.ok(mail.body_text.includes(`Videolink: ${appt.videoUrl}`));
    assert.equal(mail.attachments.length, 0);
  });

  it('writes English with a 12-hour clock for a client whose language is English', async () => {
    const client = await registerClient(w, { communication: { language: 'en' } });
    const booked = await book(w, [client.id], { start: '2027-01-13T15:00' });
    const rows = await messagesOf(t, booked.appointments[0]!.id);
    await runJobsFor(rows.filter((r) => r.kind === 'invitation').map((r) => r.id));
    const [mail] = await emailsOf((await messagesOf(t, booked.appointments[0]!.id)).map((r) => r.email_id));
    assert.ok(mail);
    assert.match(mail.subject, /^Your appointment on Wednesday,? 13 January 2027 at 3:00 pm$/i);
    assert.equal(mail.attachments[0]?.filename, 'appointment.ics');
  });

  it('skips, with the reason, what a client has no consent or address for, and lead times already past', async () => {
    const noConsent = await registerClient(w, { consents: {}, phone: null });
    const refused = await registerClient(w, {
      consents: { remindersEmail: { given: false, date: '2026-02-01', source: 'verbal' } },
    });
    const noEmail = await registerClient(w, { email: null });
    const soon = localIn(30);
    const booked = await book(w, [noConsent.id, refused.id, noEmail.id], { start: soon });
    const rows = await messagesOf(t, booked.appointments[0]!.id);
    const reason = (clientId: string, kind: string, channel: string, lead: number | null = null) =>
      rows.find((r) => r.client_id === clientId && r.kind === kind && r.channel === channel && r.lead_hours === lead)?.skip_reason;
    assert.equal(reason(noConsent.id, 'invitation', 'email'), 'no consent for messages by e-mail');
    assert.equal(reason(noConsent.id, 'reminder', 'sms', 24), 'no phone number');
    assert.equal(reason(refused.id, 'invitation', 'email'), 'consent for messages by e-mail refused or withdrawn');
    assert.equal(reason(noEmail.id, 'reminder', 'email', 24), 'no e-mail address');
    assert.equal(reason(noEmail.id, 'reminder', 'sms', 24), null, 'SMS has consent and a phone');
    for (const r of rows.filter((m) => m.lead_hours === 48)) {
      assert.equal(r.status, 'skipped');
      assert.equal(r.skip_reason, 'lead time already past');
    }
    for (const r of rows.filter((m) => m.skip_reason !== null)) assert.equal(r.status, 'skipped');

    // The practice sees the same through the API.
    const listed = await w.owner.get(`${w.base}/appointments/${booked.appointments[0]!.id}/messages`);
    assert.equal(listed.status, 200);
    assert.equal(listed.body.items.length, rows.length);
    assert.ok(listed.body.items.some((m: { skipReason: string | null }) => m.skipReason === 'no consent for messages by e-mail'));
  });

  it('honours consent withdrawn after booking when the reminder is due', async () => {
    const client = await registerClient(w);
    const booked = await book(w, [client.id], { start: '2027-01-14T09:00' });
    const withdraw = await w.owner.patch(`${w.base}/clients/${client.id}`, {
      consents: { remindersEmail: { given: false, date: '2026-11-20', source: 'portal' } },
    });
    assert.equal(withdraw.status, 200, JSON.stringify(withdraw.body));
    const rows = await messagesOf(t, booked.appointments[0]!.id);
    await runJobsFor(rows.filter((r) => r.kind === 'reminder' && r.channel === 'email').map((r) => r.id));
    const after = (await messagesOf(t, booked.appointments[0]!.id)).filter((r) => r.kind === 'reminder' && r.channel === 'email');
    assert.deepEqual(
      after.map((r) => `${r.status}: ${r.skip_reason}`),
      ['skipped: consent for messages by e-mail refused or withdrawn', 'skipped: consent for messages by e-mail refused or withdrawn'],
    );
    assert.ok(after.every((r) => r.email_id === null));
  });

  it('after a cancellation: the reminders are skipped, a stale job sends nothing, and the client gets METHOD:CANCEL', async () => {
    const client = await registerClient(w);
    const booked = await book(w, [client.id], { start: '2027-01-18T11:00' });
    const appt = booked.appointments[0]!;
    const before = await messagesOf(t, appt.id);
    await runJobsFor(before.filter((r) => r.kind === 'invitation').map((r) => r.id));

    const cancel = await w.owner.post(`${w.base}/appointments/${appt.id}/status`, {
      status: 'cancelled',
      cancelledBy: 'practice',
      reason: `Ziek ${w.marker}`,
    });
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    const rows = await messagesOf(t, appt.id);
    for (const r of rows.filter((m) => m.kind === 'reminder')) {
      assert.equal(r.status, 'skipped');
      assert.equal(r.skip_reason, 'appointment cancelled');
    }
    // The reminder jobs still in the queue find nothing to send.
    const sms = new CapturingSms();
    await runJobsFor(
      rows.filter((r) => r.kind === 'reminder').map((r) => r.id),
      sms,
    );
    assert.equal(sms.sent.length, 0);
    assert.ok((await messagesOf(t, appt.id)).filter((r) => r.kind === 'reminder').every((r) => r.email_id === null));

    const cancellation = rows.filter((r) => r.kind === 'cancellation');
    assert.equal(cancellation.length, 1);
    assert.equal(cancellation[0]?.status, 'scheduled');
    await runJobsFor(cancellation.map((r) => r.id));
    const [mail] = await emailsOf((await messagesOf(t, appt.id)).filter((r) => r.kind === 'cancellation').map((r) => r.email_id));
    assert.ok(mail);
    assert.match(mail.subject, /^Gaat niet door: uw afspraak op maandag 18 januari 2027 om 11:00$/);
    const ics = parseIcs(mail.attachments[0]!.content);
    assert.equal(ics.method, 'CANCEL');
    assert.equal(ics.events[0]?.uid, appt.id);
    assert.equal(ics.events[0]?.component.getFirstPropertyValue('status'), 'CANCELLED');
    assert.equal(ics.events[0]?.sequence, 1);
    assert.equal(ics.events[0]?.startDate.toJSDate().toISOString(), appt.startsAt);
  });

  it('a client never told of an appointment gets no cancellation of it', async () => {
    const client = await registerClient(w);
    const booked = await book(w, [client.id], { start: '2027-01-19T11:00' });
    const cancel = await w.owner.post(`${w.base}/appointments/${booked.appointments[0]!.id}/status`, {
      status: 'cancelled',
      cancelledBy: 'client',
    });
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    const rows = await messagesOf(t, booked.appointments[0]!.id);
    assert.equal(rows.find((r) => r.kind === 'invitation')?.skip_reason, 'appointment cancelled');
    assert.equal(rows.find((r) => r.kind === 'cancellation')?.skip_reason, 'the client was not told of this appointment');
  });

  it('after a move: the old reminders are skipped, new ones planned for the new start, and an update with the new time', async () => {
    const client = await registerClient(w);
    const booked = await book(w, [client.id], { start: '2027-01-20T10:00' });
    const appt = booked.appointments[0]!;
    await runJobsFor((await messagesOf(t, appt.id)).filter((r) => r.kind === 'invitation').map((r) => r.id));
    const oldReminders = (await messagesOf(t, appt.id)).filter((r) => r.kind === 'reminder');

    const move = await w.owner.patch(`${w.base}/appointments/${appt.id}`, {
      start: '2027-01-21T15:00',
      outsideHours: { reason: 'test' },
    });
    assert.equal(move.status, 200, JSON.stringify(move.body));
    const moved = move.body.appointments[0];
    const rows = await messagesOf(t, appt.id);
    for (const old of oldReminders) {
      const r = rows.find((m) => m.id === old.id);
      assert.equal(r?.status, 'skipped');
      assert.equal(r?.skip_reason, 'appointment moved');
    }
    const fresh = rows.filter((r) => r.kind === 'reminder' && r.status === 'scheduled');
    assert.equal(fresh.length, 4);
    for (const r of fresh) assert.equal(r.due_at.getTime(), Date.parse(moved.startsAt) - (r.lead_hours ?? 0) * 3_600_000);

    // A stale reminder job (its rows were skipped) sends nothing.
    await runJobsFor(oldReminders.map((r) => r.id));
    assert.ok((await messagesOf(t, appt.id)).filter((r) => oldReminders.some((o) => o.id === r.id)).every((r) => r.email_id === null));

    const change = rows.filter((r) => r.kind === 'change');
    assert.equal(change.length, 1);
    await runJobsFor(change.map((r) => r.id));
    const [mail] = await emailsOf((await messagesOf(t, appt.id)).filter((r) => r.kind === 'change').map((r) => r.email_id));
    assert.ok(mail);
    assert.match(mail.subject, /^Gewijzigd: uw afspraak op donderdag 21 januari 2027 om 15:00$/);
    const ics = parseIcs(mail.attachments[0]!.content);
    assert.equal(ics.method, 'REQUEST');
    assert.equal(ics.events[0]?.uid, appt.id);
    assert.equal(ics.events[0]?.sequence, 1);
    assert.equal(ics.events[0]?.startDate.toJSDate().toISOString(), moved.startsAt);

    // A change the client cannot see (another clinician) sends no update.
    const other = await w.owner.patch(`${w.base}/appointments/${appt.id}`, {
      clinicianIds: [w.clinicianMembershipId],
      outsideHours: { reason: 'test' },
    });
    assert.equal(other.status, 200, JSON.stringify(other.body));
    assert.equal((await messagesOf(t, appt.id)).filter((r) => r.kind === 'change').length, 1);
  });

  it('skips a reminder whose appointment moved behind its back when its job runs', async () => {
    const client = await registerClient(w);
    const booked = await book(w, [client.id], { start: '2027-01-25T10:00' });
    const appt = booked.appointments[0]!;
    await t.deps.db
      .updateTable('appointments')
      .set({ starts_at: '2027-01-25T11:00:00Z', ends_at: '2027-01-25T11:45:00Z', local_start: '2027-01-25 12:00:00' })
      .where('id', '=', appt.id)
      .execute();
    const reminders = (await messagesOf(t, appt.id)).filter((r) => r.kind === 'reminder');
    await runJobsFor(reminders.map((r) => r.id));
    for (const r of (await messagesOf(t, appt.id)).filter((m) => m.kind === 'reminder')) {
      assert.equal(r.status, 'skipped');
      assert.equal(r.skip_reason, 'appointment moved');
    }
  });

  it('announces a series in one e-mail with one .ics per session', async () => {
    const client = await registerClient(w);
    const booked = await book(w, [client.id], { start: '2027-02-01T10:00', recurrence: { frequency: 'weekly', interval: 1, count: 3 } });
    assert.equal(booked.appointments.length, 3);
    const rows = (await Promise.all(booked.appointments.map((a) => messagesOf(t, a.id)))).flat();
    const invitations = rows.filter((r) => r.kind === 'invitation');
    assert.equal(invitations.length, 3);
    await runJobsFor(invitations.map((r) => r.id));
    const after = (await Promise.all(booked.appointments.map((a) => messagesOf(t, a.id)))).flat().filter((r) => r.kind === 'invitation');
    assert.equal(new Set(after.map((r) => r.email_id)).size, 1, 'one e-mail');
    const [mail] = await emailsOf([after[0]!.email_id]);
    assert.ok(mail);
    assert.match(mail.subject, /^Uw 3 afspraken vanaf maandag 1 februari 2027$/);
    assert.deepEqual(
      mail.attachments.map((a) => a.filename),
      ['afspraak-2027-02-01-1000.ics', 'afspraak-2027-02-08-1000.ics', 'afspraak-2027-02-15-1000.ics'],
    );
    assert.deepEqual(
      mail.attachments.map((a) => parseIcs(a.content).events[0]?.startDate.toJSDate().toISOString()),
      booked.appointments.map((a) => a.startsAt),
    );
  });
});

describe('a failing SMTP server', () => {
  it('records every attempt on the message and rethrows for a retry; the last attempt marks it failed', async () => {
    const w = await messagesWorld(t);
    const client = await registerClient(w);
    const booked = await book(w, [client.id], { start: '2027-01-26T10:00' });
    const invitation = (await messagesOf(t, booked.appointments[0]!.id)).filter((r) => r.kind === 'invitation');
    const smtp = testConfig({ DATABASE_URL: process.env.TEST_DATABASE_URL ?? '', SMTP_URL: 'smtp://127.0.0.1:9' });
    const run = appointmentMessenger({ ...t.deps, config: smtp }, null);
    const ids = invitation.map((r) => r.id);

    await assert.rejects(run(ids));
    let row = (await messagesOf(t, booked.appointments[0]!.id)).find((r) => r.id === ids[0])!;
    assert.equal(row.status, 'scheduled');
    assert.equal(row.attempts, 1);
    assert.match(row.last_error ?? '', /ECONNREFUSED|connect/i);
    const firstEmail = row.email_id;

    await assert.rejects(run(ids));
    row = (await messagesOf(t, booked.appointments[0]!.id)).find((r) => r.id === ids[0])!;
    assert.equal(row.attempts, 2);
    assert.equal(row.email_id, firstEmail, 'a retry sends the e-mail recorded by the first attempt');

    await run(ids, { finalAttempt: true });
    row = (await messagesOf(t, booked.appointments[0]!.id)).find((r) => r.id === ids[0])!;
    assert.equal(row.status, 'failed');
    assert.equal(row.attempts, 3);
    const [mail] = await emailsOf([row.email_id]);
    assert.equal(mail?.status, 'failed');
    assert.equal(mail?.attempts, 3);
  });
});

describe('what messages and feeds never say', () => {
  it('no e-mail, .ics, SMS or feed holds clinical content or a name: a marker in every free-text field appears nowhere', async () => {
    const w = await messagesWorld(t);
    const other = newMarker();
    const a = await registerClient(w);
    const b = await registerClient(w, markedClient(other));
    const trajectory = await w.owner.post(`${w.base}/clients/${a.id}/trajectories`, {
      startDate: '2026-01-05',
      leadMembershipId: w.clinicianMembershipId,
      careDemandType: `Zorgvraag ${w.marker}`,
      diagnosisGroup: `Diagnose ${w.marker}`,
    });
    assert.equal(trajectory.status, 201, JSON.stringify(trajectory.body));
    const note = await w.clinician.post(`${w.base}/clients/${a.id}/notes`, { kind: 'free', body: `Notitie ${w.marker}` });
    assert.equal(note.status, 201, JSON.stringify(note.body));

    const group = await book(w, [a.id, b.id], { start: '2027-02-03T10:00' });
    const video = await book(w, [a.id], { start: '2027-02-04T10:00', mode: 'video', locationId: undefined, roomId: undefined });
    const phone = await book(w, [a.id], { start: '2027-02-05T10:00', mode: 'phone', locationId: undefined, roomId: undefined });
    const ids = [group, video, phone].map((x) => x.appointments[0]!.id);
    const run = appointmentMessenger(t.deps); // the logging SMS transport: text messages land in sms_outbox
    const runAll = async () => {
      const rows = (await Promise.all(ids.map((id) => messagesOf(t, id)))).flat().filter((r) => r.status === 'scheduled');
      const jobs = await sql<{ data: { reminderIds: string[] } }>`
        SELECT data FROM pgboss.job WHERE name = ${QUEUES.appointmentRemind}
          AND data->'reminderIds' ?| ${sql.val(rows.map((r) => r.id))}::text[]`.execute(t.deps.db);
      for (const job of jobs.rows) await run(job.data.reminderIds);
    };
    await runAll();
    const moved = await w.owner.patch(`${w.base}/appointments/${ids[1]}`, {
      start: '2027-02-04T16:00',
      outsideHours: { reason: `Verzet ${w.marker}` },
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const cancelled = await w.owner.post(`${w.base}/appointments/${ids[0]}/status`, {
      status: 'cancelled',
      cancelledBy: 'client',
      reason: `Crisis ${w.marker}`,
    });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    await runAll();

    const feed = await w.owner.post(`${w.base}/staff/${w.clinicianMembershipId}/calendar-feed`);
    assert.equal(feed.status, 201, JSON.stringify(feed.body));
    const ics = await fetch(feed.body.url);
    assert.equal(ics.status, 200);
    const feedText = await ics.text();

    const mails = await t.deps.db.selectFrom('email_outbox').selectAll().where('practice_id', '=', w.practice.id).execute();
    const texts = await t.deps.db
      .selectFrom('sms_outbox')
      .select(['to_number', 'body_text'])
      .where('practice_id', '=', w.practice.id)
      .execute();
    const kinds = new Set(
      (await Promise.all(ids.map((id) => messagesOf(t, id))))
        .flat()
        .filter((r) => r.status === 'sent')
        .map((r) => `${r.kind}/${r.channel}`),
    );
    assert.deepEqual([...kinds].sort(), ['cancellation/email', 'change/email', 'invitation/email', 'reminder/email', 'reminder/sms']);
    assert.ok(mails.length >= 8 && texts.length >= 4, `${mails.length} e-mails, ${texts.length} SMS`);
    assert.equal(parseIcs(feedText).events.length, 2, 'the moved video and the phone appointment');

    // The marker is in the database (the test is not vacuous), and in none of what left it.
    const stored = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM clients WHERE id = ${a.id} AND clients::text LIKE ${`%${w.marker}%`}`.execute(t.deps.db);
    assert.equal(stored.rows[0]?.n, 1);
    const everything = [...mails.map((m) => JSON.stringify(m)), ...texts.map((s) => s.body_text), feedText];
    for (const text of everything) {
      for (const m of [w.marker, other]) assert.ok(!text.toLowerCase().includes(m.toLowerCase()), `leaked ${m}: ${text.slice(0, 400)}`);
      for (const word of ['Traumabehandeling', 'Zorgvraag', 'Diagnose', 'Notitie', 'Crisis', 'Eva', 'Bos']) {
        assert.ok(!text.includes(word), `"${word}" in ${text.slice(0, 400)}`);
      }
    }
    // Each client's messages name no other client, not even their address.
    for (const m of mails) {
      const others = [a.email, b.email].filter((e) => e !== m.to_address);
      for (const e of others) assert.ok(e && !JSON.stringify(m).includes(e), `${m.to_address} got ${e}`);
    }
    assert.match(feedText, /SUMMARY:E\.B\. · video/);
    assert.match(feedText, /SUMMARY:E\.B\. · telefonisch/);
  });
});

describe('the worker', () => {
  it('sends a due message through pg-boss (the queue the server works)', async () => {
    const w = await messagesWorld(t);
    const client = await registerClient(w);
    const booked = await book(w, [client.id], { start: '2027-01-27T10:00' });
    const invitation = (await messagesOf(t, booked.appointments[0]!.id)).find((r) => r.kind === 'invitation')!;
    const boss = createBoss(process.env.TEST_DATABASE_URL ?? '', { workers: true });
    await boss.start();
    try {
      await startAppointmentMessages(boss, t.deps);
      const deadline = Date.now() + 20_000;
      let status = invitation.status;
      while (status !== 'sent' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        status = (await messagesOf(t, booked.appointments[0]!.id)).find((r) => r.id === invitation.id)?.status ?? status;
      }
      assert.equal(status, 'sent');
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });
});
