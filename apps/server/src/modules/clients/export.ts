import PDFDocument from 'pdfkit';
import type { z } from 'zod';
import type { ClientExport } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { requireRole, requireStepUp, scoped } from '../../platform/tenancy.ts';
import { documentsOf } from './documents.ts';
import { exportTexts, label, wallTime, type CodeList, type ExportLanguage } from './export-labels.ts';
import { toFhirPatient } from './fhir-patient.ts';
import { ownNotesOf, releasedNotesOf, withheldNotesOf } from './notes.ts';
import { presentClient } from './presenter.ts';
import { loadClient } from './queries.ts';
import { CLIENT_WRITERS } from './register-client.ts';
import { listTrajectories } from './trajectories.ts';

type Export = z.infer<typeof ClientExport>;

/**
 * Who may export: owner and back office the administrative file; a clinician only when they
 * ask for their own notes (`includeNotesOf` = their own membership), which then are included.
 * Anything else is 403 `forbidden`. Needs a recent second factor (`step_up_required`).
 */
function authorizeExport(ctx: PracticeCtx, includeNotesOf: string | undefined): boolean {
  if (includeNotesOf !== undefined) {
    if (includeNotesOf !== ctx.membershipId || !ctx.roles.includes('clinician')) {
      throw AppError.field('query.includeNotesOf', 'only the author can include their own notes', 'forbidden');
    }
    requireStepUp(ctx);
    return true;
  }
  requireRole(ctx, ...CLIENT_WRITERS);
  requireStepUp(ctx);
  return false;
}

/**
 * Every table in schema public with a client column (`client_id` or a foreign key to clients) is
 * either in the export or excluded here with its reason; export.test.ts fails on a table in neither.
 */
export const EXPORTED_TABLES = [
  'clients',
  'client_history',
  'care_trajectories',
  'documents',
  'appointment_clients',
  'appointment_reminders',
  'waitlist_entries',
  'treatment_relationships',
  'break_glass_grants',
  'tasks',
  'destruction_requests',
  'audit_log',
] as const;
export const EXCLUDED_TABLES: Record<string, string> = {
  clinical_notes: "only after the treating clinician's review: released notes are exported (releasedNotes), the others not",
};
// (document_blobs has no client column: the documents' bytes are downloaded one by one, their metadata is exported.)

/** `2030-01-07T13:00:00+01:00`: the moment as wall time in `timeZone` with its offset. */
export function localTime(at: Date | string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  const offset = parts.timeZoneName === 'GMT' ? '+00:00' : String(parts.timeZoneName).replace('GMT', '');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

const addressLine = (a: { street: string; houseNumber?: string; postalCode: string; city: string } | null | undefined) =>
  a ? `${[a.street, a.houseNumber].filter(Boolean).join(' ')}, ${a.postalCode} ${a.city}` : null;

/** The right-of-access file of one client (JSON + FHIR Patient). One `client.export` audit entry. */
export async function exportClient(ctx: PracticeCtx, clientId: string, opts: { includeNotesOf?: string; format: 'json' | 'pdf' }) {
  const withNotes = authorizeExport(ctx, opts.includeNotesOf);
  const row = await loadClient(ctx, clientId, { allowDestroyed: true });
  const client = presentClient(row);
  const practice = await ctx.tx
    .selectFrom('practices')
    .select(['id', 'name', 'time_zone', 'locale', 'address'])
    .where('id', '=', ctx.practiceId)
    .executeTakeFirstOrThrow();
  const tz = practice.time_zone;
  const local = (at: Date | string) => localTime(at, tz);
  const localOrNull = (at: Date | string | null) => (at === null ? null : local(at));
  const location = practice.address
    ? null
    : await scoped(ctx).selectFrom('locations').select('address').where('active', '=', true).orderBy('created_at').executeTakeFirst();
  const history = await scoped(ctx)
    .selectFrom('client_history')
    .leftJoin('users', 'users.id', 'client_history.user_id')
    .select(['client_history.at', 'client_history.action', 'client_history.changes', 'users.name'])
    .where('client_history.client_id', '=', clientId)
    .orderBy('client_history.id')
    .execute();
  const appointments = await scoped(ctx)
    .selectFrom('appointments')
    .innerJoin('appointment_clients as ac', (j) =>
      j.onRef('ac.appointment_id', '=', 'appointments.id').onRef('ac.practice_id', '=', 'appointments.practice_id'),
    )
    .innerJoin('services', 'services.id', 'appointments.service_id')
    .leftJoin('locations', 'locations.id', 'appointments.location_id')
    .leftJoin('rooms', 'rooms.id', 'appointments.room_id')
    .select([
      'appointments.id',
      'appointments.starts_at',
      'appointments.ends_at',
      'appointments.mode',
      'appointments.status',
      'appointments.cancelled_by',
      'appointments.fee_decision',
      'services.name as service',
      'locations.name as location',
      'rooms.name as room',
    ])
    .where('ac.client_id', '=', clientId)
    .orderBy('appointments.starts_at')
    .execute();
  const ids = appointments.map((a) => a.id);
  const clinicians =
    ids.length === 0
      ? []
      : await scoped(ctx)
          .selectFrom('appointment_clinicians')
          .innerJoin('memberships', 'memberships.id', 'appointment_clinicians.membership_id')
          .innerJoin('users', 'users.id', 'memberships.user_id')
          .select(['appointment_clinicians.appointment_id', 'users.name'])
          .where('appointment_clinicians.appointment_id', 'in', ids)
          .orderBy('users.name')
          .execute();
  const messages = await scoped(ctx)
    .selectFrom('appointment_reminders')
    .select(['appointment_id', 'kind', 'channel', 'status', 'due_at', 'sent_at'])
    .where((eb) => eb.or([eb('client_id', '=', clientId), ...(ids.length ? [eb('appointment_id', 'in', ids)] : [])]))
    .orderBy('due_at')
    .orderBy('id')
    .execute();
  const waitlist = await scoped(ctx)
    .selectFrom('waitlist_entries')
    .leftJoin('services', 'services.id', 'waitlist_entries.service_id')
    .leftJoin('memberships', 'memberships.id', 'waitlist_entries.membership_id')
    .leftJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'waitlist_entries.id',
      'services.name as service',
      'users.name as clinician',
      'waitlist_entries.modes',
      'waitlist_entries.weekdays',
      'waitlist_entries.day_parts',
      'waitlist_entries.urgency',
      'waitlist_entries.status',
      'waitlist_entries.remark',
      'waitlist_entries.created_at',
    ])
    .where('waitlist_entries.client_id', '=', clientId)
    .orderBy('waitlist_entries.created_at')
    .execute();
  const offers =
    waitlist.length === 0
      ? []
      : await scoped(ctx)
          .selectFrom('waitlist_offers')
          .innerJoin('memberships', 'memberships.id', 'waitlist_offers.membership_id')
          .innerJoin('users', 'users.id', 'memberships.user_id')
          .select([
            'waitlist_offers.entry_id',
            'waitlist_offers.starts_at',
            'waitlist_offers.ends_at',
            'waitlist_offers.mode',
            'waitlist_offers.status',
            'users.name',
          ])
          .where(
            'waitlist_offers.entry_id',
            'in',
            waitlist.map((e) => e.id),
          )
          .orderBy('waitlist_offers.starts_at')
          .execute();
  const relationships = await scoped(ctx)
    .selectFrom('treatment_relationships')
    .innerJoin('memberships', 'memberships.id', 'treatment_relationships.membership_id')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'users.name',
      'treatment_relationships.started_via',
      'treatment_relationships.started_at',
      'treatment_relationships.ended_at',
      'treatment_relationships.end_reason',
    ])
    .where('treatment_relationships.client_id', '=', clientId)
    .orderBy('treatment_relationships.started_at')
    .execute();
  const grants = await scoped(ctx)
    .selectFrom('break_glass_grants')
    .innerJoin('users', 'users.id', 'break_glass_grants.user_id')
    .select(['users.name', 'break_glass_grants.reason', 'break_glass_grants.granted_at', 'break_glass_grants.expires_at'])
    .where('break_glass_grants.client_id', '=', clientId)
    .orderBy('break_glass_grants.granted_at')
    .execute();
  const tasks = await scoped(ctx)
    .selectFrom('tasks')
    .select(['kind', 'status', 'due_date', 'created_at'])
    .where('client_id', '=', clientId)
    .orderBy('created_at')
    .execute();
  const destructions = await scoped(ctx)
    .selectFrom('destruction_requests')
    .select(['basis', 'request_received_on', 'performed_at'])
    .where('client_id', '=', clientId)
    .orderBy('performed_at')
    .execute();
  // The access report: the access log's entries about this client (never the staff's IP address).
  // (audit_log is no practice table for scoped(): its system entries have no practice; filtered here.)
  const access = await ctx.tx
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.user_id')
    .leftJoin('memberships', (j) =>
      j.onRef('memberships.user_id', '=', 'audit_log.user_id').onRef('memberships.practice_id', '=', 'audit_log.practice_id'),
    )
    .select([
      'audit_log.at',
      'users.name',
      'memberships.roles',
      'audit_log.action',
      'audit_log.outcome',
      'audit_log.break_glass',
      'audit_log.reason',
    ])
    .where('audit_log.practice_id', '=', ctx.practiceId)
    .where('audit_log.client_id', '=', clientId)
    .orderBy('audit_log.at')
    .orderBy('audit_log.id')
    .execute();
  const out: Export = {
    exportedAt: new Date().toISOString(),
    practice: {
      id: practice.id,
      name: practice.name,
      locale: practice.locale,
      timeZone: tz,
      address: addressLine(practice.address ?? location?.address),
    },
    client,
    trajectories: (await listTrajectories(ctx, clientId)).items,
    documents: await documentsOf(ctx, clientId),
    history: history.map((h) => ({ at: h.at.toISOString(), userName: h.name, action: h.action, changes: h.changes })),
    appointments: appointments.map((a) => ({
      id: a.id,
      start: local(a.starts_at),
      end: local(a.ends_at),
      timeZone: tz,
      mode: a.mode,
      status: a.status,
      cancelledBy: a.cancelled_by,
      feeDecision: a.fee_decision,
      service: a.service,
      clinicians: clinicians.filter((c) => c.appointment_id === a.id).map((c) => c.name),
      location: a.location,
      room: a.room,
    })),
    messages: messages.map((m) => ({
      appointmentId: m.appointment_id,
      kind: m.kind,
      channel: m.channel,
      status: m.status,
      due: local(m.due_at),
      sent: localOrNull(m.sent_at),
    })),
    waitlist: waitlist.map((e) => ({
      id: e.id,
      service: e.service,
      clinician: e.clinician,
      modes: e.modes,
      weekdays: e.weekdays,
      dayParts: e.day_parts,
      urgency: e.urgency,
      status: e.status,
      remark: e.remark,
      created: local(e.created_at),
      offers: offers
        .filter((o) => o.entry_id === e.id)
        .map((o) => ({ start: local(o.starts_at), end: local(o.ends_at), mode: o.mode, status: o.status, clinician: o.name })),
    })),
    treatmentRelationships: relationships.map((r) => ({
      clinician: r.name,
      startedVia: r.started_via,
      started: local(r.started_at),
      ended: localOrNull(r.ended_at),
      endReason: r.end_reason,
    })),
    breakGlassGrants: grants.map((g) => ({ user: g.name, reason: g.reason, granted: local(g.granted_at), expires: local(g.expires_at) })),
    tasks: tasks.map((k) => ({ kind: k.kind, status: k.status, dueDate: k.due_date, created: local(k.created_at) })),
    destructionRequests: destructions.map((d) => ({
      basis: d.basis,
      requestReceivedOn: d.request_received_on,
      performed: local(d.performed_at),
    })),
    accessReport: access.map((a) => ({
      at: local(a.at),
      user: a.name,
      roles: a.roles ?? [],
      action: a.action,
      outcome: a.outcome,
      breakGlass: a.break_glass,
      reason: a.break_glass ? a.reason : null,
    })),
    releasedNotes: await releasedNotesOf(ctx, clientId),
    withheldNotes: await withheldNotesOf(ctx, clientId),
    ...(withNotes && { notes: await ownNotesOf(ctx, clientId) }),
    fhirPatient: { ...toFhirPatient(client, ctx.practiceId) },
  };
  await scoped(ctx).audit({
    action: 'client.export',
    entityType: 'client',
    entityId: clientId,
    clientId,
    dataCategory: withNotes ? 'clinical' : 'client',
    reason: `format ${opts.format}${withNotes ? ', with own notes' : ''}`,
  });
  return out;
}

const str = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/** The language of the PDF: the client's, else the practice's. */
export const exportLanguage = (e: Export): ExportLanguage => e.client.communication.language ?? e.practice.locale;

/** The export as a readable PDF in the client's language (A4, Helvetica: covers € ü ß), numbered pages. */
export function renderExportPdf(e: Export): Promise<Buffer> {
  const lang = exportLanguage(e);
  const t = exportTexts(lang);
  const f = t.fields;
  const l = (list: CodeList, code: string | null | undefined) => label(lang, list, code);
  const when = (local: string) => wallTime(lang, local);
  const utc = (iso: string) => when(localTime(iso, e.practice.timeZone));
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    bufferPages: true,
    info: { Title: `${t.title} ${e.client.clientNumber}`, Producer: 'Calmdesk' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const heading = (s: string) => doc.moveDown().font('Helvetica-Bold').fontSize(13).text(s).font('Helvetica').fontSize(10);
  const field = (k: string, v: unknown) => doc.font('Helvetica-Bold').text(`${k}: `, { continued: true }).font('Helvetica').text(str(v));
  const list = <T>(title: string, items: readonly T[], line: (item: T) => string) => {
    heading(title);
    if (items.length === 0) doc.text(t.none);
    for (const item of items) doc.text(line(item));
  };

  doc.font('Helvetica-Bold').fontSize(16).text(`${t.title} ${e.client.clientNumber} — ${e.client.displayName}`);
  doc.font('Helvetica').fontSize(9).text([e.practice.name, e.practice.address].filter(Boolean).join(' · '));
  doc.text(`${t.subtitle} · ${t.exportedAt} ${utc(e.exportedAt)} (${e.practice.timeZone})`);
  heading(t.sections.client);
  const c = e.client;
  field(f.name, c.displayName);
  field(f.dateOfBirth, c.dateOfBirth);
  field(f.gender, l('gender', c.gender));
  field(f.bsn, c.bsn ? `${c.bsn} (${l('bsnVerification', c.bsnVerification)})` : null);
  field(f.email, c.email);
  field(f.phone, c.phone);
  field(
    f.address,
    c.address ? `${c.address.street} ${c.address.houseNumber}, ${c.address.postalCode} ${c.address.city}, ${c.address.country}` : null,
  );
  field(f.insurer, c.insurerUzovi ? `${c.insurerUzovi} / ${str(c.policyNumber)}` : null);
  field(f.gp, c.gp ? [c.gp.name, c.gp.practiceName, c.gp.agbCode].filter(Boolean).join(', ') : null);
  field(
    f.emergencyContact,
    c.emergencyContact ? `${c.emergencyContact.name} (${str(c.emergencyContact.relation)}) ${c.emergencyContact.phone}` : null,
  );
  field(f.preferredMode, c.preferredMode ? l('mode', c.preferredMode) : null);
  field(f.status, l('clientStatus', c.status));
  list(
    t.sections.consents,
    Object.entries(c.consents),
    ([k, v]) => `${l('consent', k)}: ${l('consentGiven', String(v.given))} (${v.date}, ${l('consentSource', v.source)})`,
  );
  list(t.sections.appointments, e.appointments, (a) =>
    [
      `${when(a.start)}–${a.end.slice(11, 16)}`,
      a.service,
      l('mode', a.mode),
      [a.location, a.room].filter(Boolean).join(', '),
      a.clinicians.length ? `${f.clinicians} ${a.clinicians.join(', ')}` : '',
      [l('appointmentStatus', a.status), a.cancelledBy ? l('cancelledBy', a.cancelledBy) : ''].filter(Boolean).join(' '),
      a.feeDecision ? `${f.fee}: ${l('fee', a.feeDecision)}` : '',
    ]
      .filter(Boolean)
      .join(' · '),
  );
  list(t.sections.messages, e.messages, (m) =>
    [when(m.sent ?? m.due), l('messageKind', m.kind), l('channel', m.channel), l('messageStatus', m.status)].join(' · '),
  );
  list(t.sections.waitlist, e.waitlist, (w) =>
    [
      when(w.created),
      w.service ?? '',
      w.clinician ?? '',
      w.modes.map((m) => l('mode', m)).join(', '),
      l('urgency', w.urgency),
      l('waitlistStatus', w.status),
      ...w.offers.map((o) => `${f.offer} ${when(o.start)} (${l('offerStatus', o.status)})`),
    ]
      .filter(Boolean)
      .join(' · '),
  );
  list(
    t.sections.treatment,
    e.treatmentRelationships,
    (r) =>
      `${r.clinician} · ${when(r.started)} – ${r.ended ? when(r.ended) : t.open} · ${l('startedVia', r.startedVia)}${r.endReason ? ` · ${l('endReason', r.endReason)}` : ''}`,
  );
  list(
    t.sections.trajectories,
    e.trajectories,
    (tr) => `${tr.startDate} – ${tr.endDate ?? t.open} · ${f.lead} ${tr.leadName} · ${str(tr.careDemandType)} · ${str(tr.diagnosisGroup)}`,
  );
  list(
    t.sections.documents,
    e.documents,
    (d) => `${utc(d.createdAt)} · ${l('documentLabel', d.label)} · ${d.fileName} (${d.mimeType}, ${d.sizeBytes} ${f.bytes})`,
  );
  list(
    t.sections.breakGlass,
    e.breakGlassGrants,
    (g) => `${when(g.granted)} · ${g.user} · ${f.reason}: ${g.reason} · ${f.until} ${when(g.expires)}`,
  );
  list(t.sections.tasks, e.tasks, (k) => `${when(k.created)} · ${l('task', k.kind)} · ${l('taskStatus', k.status)}`);
  list(
    t.sections.destruction,
    e.destructionRequests,
    (d) => `${when(d.performed)} · ${l('basis', d.basis)}${d.requestReceivedOn ? ` · ${f.requestReceived} ${d.requestReceivedOn}` : ''}`,
  );
  list(t.sections.history, e.history, (h) => `${utc(h.at)} · ${str(h.userName)} · ${l('history', h.action)}`);
  list(t.sections.access, e.accessReport, (a) =>
    [
      when(a.at),
      a.user ?? '—',
      a.roles.map((r) => l('role', r)).join(', '),
      l('access', a.action),
      l('outcome', a.outcome),
      a.breakGlass ? `${f.breakGlass} (${f.reason}: ${str(a.reason)})` : '',
    ]
      .filter(Boolean)
      .join(' · '),
  );
  if (e.releasedNotes.length > 0) {
    heading(t.sections.releasedNotes);
    for (const n of e.releasedNotes) {
      doc.font('Helvetica-Bold').text(`${n.sessionDate ?? utc(n.createdAt)} · ${n.authorName}`);
      doc.font('Helvetica').text(n.body).moveDown(0.5);
    }
  }
  if (e.withheldNotes.length > 0) {
    heading(t.sections.withheldNotes);
    doc.font('Helvetica').text(t.withheldExplained).moveDown(0.3);
    for (const n of e.withheldNotes) {
      doc.font('Helvetica-Bold').text(n.sessionDate ?? utc(n.createdAt));
      doc.font('Helvetica').text(`${f.reason}: ${n.reason}`).moveDown(0.5);
    }
  }
  if (e.notes) {
    heading(t.sections.notes);
    for (const n of e.notes) {
      doc.font('Helvetica-Bold').text(`${n.sessionDate ?? utc(n.createdAt)} · ${n.authorName}`);
      doc.font('Helvetica').text(n.body).moveDown(0.5);
    }
  }
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(8)
      .text(t.page(i - range.start + 1, range.count), 50, doc.page.height - 35, {
        width: doc.page.width - 100,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
