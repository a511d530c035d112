import PDFDocument from 'pdfkit';
import type { z } from 'zod';
import type { ClientExport } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { requireRole, requireStepUp, scoped } from '../../platform/tenancy.ts';
import { documentsOf } from './documents.ts';
import { toFhirPatient } from './fhir-patient.ts';
import { ownNotesOf } from './notes.ts';
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

/** The right-of-access file of one client (JSON + FHIR Patient). One `client.export` audit entry. */
export async function exportClient(ctx: PracticeCtx, clientId: string, opts: { includeNotesOf?: string; format: 'json' | 'pdf' }) {
  const withNotes = authorizeExport(ctx, opts.includeNotesOf);
  const row = await loadClient(ctx, clientId, { allowDestroyed: true });
  const client = presentClient(row);
  const practice = await ctx.tx.selectFrom('practices').select(['id', 'name']).where('id', '=', ctx.practiceId).executeTakeFirstOrThrow();
  const history = await scoped(ctx)
    .selectFrom('client_history')
    .leftJoin('users', 'users.id', 'client_history.user_id')
    .select(['client_history.at', 'client_history.action', 'client_history.changes', 'users.name'])
    .where('client_history.client_id', '=', clientId)
    .orderBy('client_history.id')
    .execute();
  const out: Export = {
    exportedAt: new Date().toISOString(),
    practice: { id: practice.id, name: practice.name },
    client,
    trajectories: (await listTrajectories(ctx, clientId)).items,
    documents: await documentsOf(ctx, clientId),
    history: history.map((h) => ({ at: h.at.toISOString(), userName: h.name, action: h.action, changes: h.changes })),
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

/** The export as a readable PDF (A4, Helvetica: covers € ü ß). */
export function renderExportPdf(e: Export): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Dossier ${e.client.clientNumber}`, Producer: 'Calmdesk' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const heading = (t: string) => doc.moveDown().font('Helvetica-Bold').fontSize(13).text(t).font('Helvetica').fontSize(10);
  const field = (k: string, v: unknown) => doc.font('Helvetica-Bold').text(`${k}: `, { continued: true }).font('Helvetica').text(str(v));

  doc.font('Helvetica-Bold').fontSize(16).text(`Client file ${e.client.clientNumber} — ${e.client.displayName}`);
  doc.font('Helvetica').fontSize(9).text(`${e.practice.name} · exported ${e.exportedAt} (right of access)`);
  heading('Client');
  const c = e.client;
  field('Name', c.displayName);
  field('Date of birth', c.dateOfBirth);
  field('Gender', c.gender);
  field('BSN', c.bsn ? `${c.bsn} (verified: ${c.bsnVerification})` : null);
  field('E-mail', c.email);
  field('Phone', c.phone);
  field(
    'Address',
    c.address ? `${c.address.street} ${c.address.houseNumber}, ${c.address.postalCode} ${c.address.city}, ${c.address.country}` : null,
  );
  field('Insurer (UZOVI) / policy', c.insurerUzovi ? `${c.insurerUzovi} / ${str(c.policyNumber)}` : null);
  field('GP', c.gp ? [c.gp.name, c.gp.practiceName, c.gp.agbCode].filter(Boolean).join(', ') : null);
  field(
    'Emergency contact',
    c.emergencyContact ? `${c.emergencyContact.name} (${str(c.emergencyContact.relation)}) ${c.emergencyContact.phone}` : null,
  );
  field('Preferred mode', c.preferredMode);
  field('Status', c.status);
  for (const [k, v] of Object.entries(c.consents)) field(`Consent ${k}`, `${v.given ? 'given' : 'refused'} on ${v.date} (${v.source})`);

  heading('Care trajectories');
  if (e.trajectories.length === 0) doc.text('None.');
  for (const t of e.trajectories) {
    doc.text(`${t.startDate} – ${t.endDate ?? 'open'} · lead ${t.leadName} · ${str(t.careDemandType)} · ${str(t.diagnosisGroup)}`);
  }
  heading('Documents');
  if (e.documents.length === 0) doc.text('None.');
  for (const d of e.documents) doc.text(`${d.createdAt.slice(0, 10)} · ${d.label} · ${d.fileName} (${d.mimeType}, ${d.sizeBytes} bytes)`);
  heading('History');
  for (const h of e.history) {
    const changes = Object.keys(h.changes).length > 0 ? `: ${Object.keys(h.changes).join(', ')}` : '';
    doc.text(`${h.at.slice(0, 19).replace('T', ' ')} UTC · ${str(h.userName)} · ${h.action}${changes}`);
  }
  if (e.notes) {
    heading('Clinical notes (own notes of the exporting clinician)');
    for (const n of e.notes) {
      doc
        .font('Helvetica-Bold')
        .text(`${n.kind === 'session' ? `Session ${str(n.sessionDate)}` : 'Note'} · ${n.authorName} · ${n.createdAt.slice(0, 10)}`);
      doc.font('Helvetica').text(n.body).moveDown(0.5);
    }
  }
  doc.end();
  return done;
}
