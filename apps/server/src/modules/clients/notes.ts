import type { z } from 'zod';
import type { NoteCreateBody, NotePatch } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { requireRole, scoped } from '../../platform/tenancy.ts';
import { treats } from './care.ts';
import { addHistory, loadClient } from './queries.ts';

/*
 * Clinical notes live apart from the client file. Only a clinician reaches them: their own
 * notes always, a co-clinician's only where the practice shares notes — co-clinicians being
 * the other clinicians with an active treatment relationship with the client (care.ts), never
 * derived from who wrote a note. Writing a note needs such a relationship and never creates
 * one; a break-the-glass opens the file, not the colleagues' notes. A member who also holds an
 * administrative role (owner, back office, billing) sees only their own notes, so the sharing
 * setting can never open notes to those roles. Note text goes into no history entry, no audit
 * reason and no log line.
 */

function noteQuery(ctx: PracticeCtx) {
  return scoped(ctx)
    .selectFrom('clinical_notes')
    .innerJoin('memberships', 'memberships.id', 'clinical_notes.author_membership_id')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'clinical_notes.id',
      'clinical_notes.client_id',
      'clinical_notes.author_membership_id',
      'users.name as author_name',
      'clinical_notes.kind',
      'clinical_notes.session_date',
      'clinical_notes.body',
      'clinical_notes.created_at',
      'clinical_notes.updated_at',
      'clinical_notes.released_for_access_at',
      'clinical_notes.withheld_from_access_at',
      'clinical_notes.withheld_reason',
    ]);
}
type NoteRow = Awaited<ReturnType<ReturnType<typeof noteQuery>['executeTakeFirstOrThrow']>>;

function present(ctx: PracticeCtx, n: NoteRow) {
  return {
    id: n.id,
    clientId: n.client_id,
    authorMembershipId: n.author_membership_id,
    authorName: n.author_name,
    own: n.author_membership_id === ctx.membershipId,
    kind: n.kind,
    sessionDate: n.session_date,
    body: n.body,
    createdAt: n.created_at.toISOString(),
    updatedAt: n.updated_at.toISOString(),
    accessReview: accessReviewOf(n),
  };
}

/** The author's review of the note for the client's right of access: released, withheld (and why), or none yet. */
function accessReviewOf(n: Pick<NoteRow, 'released_for_access_at' | 'withheld_from_access_at' | 'withheld_reason'>) {
  if (n.released_for_access_at) return { state: 'released' as const, at: n.released_for_access_at.toISOString(), reason: null };
  if (n.withheld_from_access_at)
    return { state: 'withheld' as const, at: n.withheld_from_access_at.toISOString(), reason: n.withheld_reason };
  return null;
}

async function sharingOn(ctx: PracticeCtx): Promise<boolean> {
  const p = await ctx.tx
    .selectFrom('practices')
    .select('notes_shared_with_co_clinicians')
    .where('id', '=', ctx.practiceId)
    .executeTakeFirstOrThrow();
  return p.notes_shared_with_co_clinicians;
}

/** Whether this actor may read co-clinicians' notes on the client (besides their own): sharing on and treating the client. */
async function readsSharedNotes(ctx: PracticeCtx, clientId: string): Promise<boolean> {
  if (ctx.roles.some((r) => r !== 'clinician')) return false;
  return (await sharingOn(ctx)) && (await treats(ctx, clientId));
}

async function auditReads(ctx: PracticeCtx, clientId: string, noteIds: string[]) {
  await scoped(ctx).auditMany(
    noteIds.map((id) => ({ action: 'note.read', entityType: 'clinical_note', entityId: id, clientId, dataCategory: 'clinical' })),
  );
}

/** The notes on a client this clinician may read (403 `forbidden` for non-clinicians). Audited per note. */
export async function listNotes(ctx: PracticeCtx, clientId: string) {
  requireRole(ctx, 'clinician');
  await loadClient(ctx, clientId);
  const shared = await readsSharedNotes(ctx, clientId);
  const rows = await noteQuery(ctx)
    .where('clinical_notes.client_id', '=', clientId)
    .$if(!shared, (q) => q.where('clinical_notes.author_membership_id', '=', ctx.membershipId))
    .orderBy('clinical_notes.created_at', 'desc')
    .execute();
  await auditReads(
    ctx,
    clientId,
    rows.map((r) => r.id),
  );
  if (rows.length === 0) {
    await scoped(ctx).audit({ action: 'note.list', entityType: 'client', entityId: clientId, clientId, dataCategory: 'clinical' });
  }
  return { items: rows.map((r) => present(ctx, r)), sharedWithCoClinicians: shared };
}

/** The actor's own notes on a client, for an export the author asked for (no audit entry of its own). */
export async function ownNotesOf(ctx: PracticeCtx, clientId: string) {
  requireRole(ctx, 'clinician');
  const rows = await noteQuery(ctx)
    .where('clinical_notes.client_id', '=', clientId)
    .where('clinical_notes.author_membership_id', '=', ctx.membershipId)
    .orderBy('clinical_notes.created_at')
    .execute();
  return rows.map((r) => present(ctx, r));
}

async function loadVisibleNote(ctx: PracticeCtx, clientId: string, noteId: string) {
  requireRole(ctx, 'clinician');
  await loadClient(ctx, clientId, { lock: true });
  const row = await noteQuery(ctx)
    .where('clinical_notes.id', '=', noteId)
    .where('clinical_notes.client_id', '=', clientId)
    .executeTakeFirst();
  // A note the actor may not read answers as if it did not exist.
  if (!row || (row.author_membership_id !== ctx.membershipId && !(await readsSharedNotes(ctx, clientId)))) {
    throw AppError.notFound('note');
  }
  return row;
}

/** One note, if the actor may read it (404 otherwise). */
export async function getNote(ctx: PracticeCtx, clientId: string, noteId: string) {
  const row = await loadVisibleNote(ctx, clientId, noteId);
  await auditReads(ctx, clientId, [noteId]);
  return present(ctx, row);
}

async function touchClinical(ctx: PracticeCtx, clientId: string) {
  await scoped(ctx).updateTable('clients').set({ last_clinical_change_at: new Date() }).where('id', '=', clientId).execute();
}

/**
 * A clinician who treats the client writes a note on it (403 `forbidden` for other roles,
 * `not_treating` without an active treatment relationship, also after a break-the-glass).
 */
export async function createNote(ctx: PracticeCtx, clientId: string, input: z.infer<typeof NoteCreateBody>) {
  requireRole(ctx, 'clinician');
  await loadClient(ctx, clientId, { lock: true });
  if (!(await treats(ctx, clientId))) {
    throw new AppError('not_treating', 'only a clinician who treats this client writes notes on it; ask the back office to assign you');
  }
  const row = await scoped(ctx)
    .insertInto('clinical_notes', [
      {
        client_id: clientId,
        author_membership_id: ctx.membershipId,
        kind: input.kind,
        session_date: input.sessionDate ?? null,
        body: input.body,
      },
    ])
    .returning('id')
    .executeTakeFirstOrThrow();
  await touchClinical(ctx, clientId);
  await addHistory(ctx, clientId, 'note.add');
  await scoped(ctx).audit({ action: 'note.create', entityType: 'clinical_note', entityId: row.id, clientId, dataCategory: 'clinical' });
  return present(ctx, await noteQuery(ctx).where('clinical_notes.id', '=', row.id).executeTakeFirstOrThrow());
}

/** The author edits their note; a co-clinician who may read it gets 403, anyone else 404. */
export async function updateNote(ctx: PracticeCtx, clientId: string, noteId: string, input: z.infer<typeof NotePatch>) {
  const before = await loadVisibleNote(ctx, clientId, noteId);
  if (before.author_membership_id !== ctx.membershipId) throw new AppError('forbidden', 'only the author can change a note');
  const kind = input.kind ?? before.kind;
  const sessionDate = input.sessionDate !== undefined ? input.sessionDate : before.session_date;
  if (kind === 'session' && !sessionDate) throw AppError.field('body.sessionDate', 'a session note needs its session date');
  await scoped(ctx)
    .updateTable('clinical_notes')
    .set({
      kind,
      session_date: sessionDate,
      ...(input.body !== undefined && { body: input.body }),
      updated_at: new Date(),
      // an edited note needs a new review before it reaches (or is kept from) the client's export
      released_for_access_at: null,
      released_by: null,
      withheld_from_access_at: null,
      withheld_reason: null,
      withheld_by: null,
    })
    .where('id', '=', noteId)
    .execute();
  await touchClinical(ctx, clientId);
  await addHistory(ctx, clientId, 'note.edit');
  await scoped(ctx).audit({ action: 'note.update', entityType: 'clinical_note', entityId: noteId, clientId, dataCategory: 'clinical' });
  return present(ctx, await noteQuery(ctx).where('clinical_notes.id', '=', noteId).executeTakeFirstOrThrow());
}

/** The author of a note who treats the client: the only one who reviews it for the client's export. */
async function loadReviewableNote(ctx: PracticeCtx, clientId: string, noteId: string) {
  const note = await loadVisibleNote(ctx, clientId, noteId);
  if (note.author_membership_id !== ctx.membershipId) throw new AppError('forbidden', 'only the author reviews a note for the client');
  if (!(await treats(ctx, clientId))) {
    throw new AppError('not_treating', 'only a clinician who treats this client reviews notes on it');
  }
  return note;
}

/**
 * The author, treating the client, releases a note for the client's right-of-access export after
 * reviewing it (403 for a co-clinician who may read it or an author no longer treating; 404 else).
 * A withholding of the note is lifted.
 */
export async function releaseNoteForAccess(ctx: PracticeCtx, clientId: string, noteId: string) {
  await loadReviewableNote(ctx, clientId, noteId);
  const at = new Date();
  await scoped(ctx)
    .updateTable('clinical_notes')
    .set({
      released_for_access_at: at,
      released_by: ctx.membershipId,
      withheld_from_access_at: null,
      withheld_reason: null,
      withheld_by: null,
    })
    .where('id', '=', noteId)
    .execute();
  await scoped(ctx).audit({
    action: 'note.release_for_access',
    entityType: 'clinical_note',
    entityId: noteId,
    clientId,
    dataCategory: 'clinical',
  });
  return { id: noteId, releasedForAccessAt: at.toISOString() };
}

/**
 * The author, treating the client, keeps a note out of the client's export after reviewing it,
 * with the reason the client will read (never the note). A release of the note is withdrawn.
 * The reason is not written to the access log.
 */
export async function withholdNoteFromAccess(ctx: PracticeCtx, clientId: string, noteId: string, reason: string) {
  await loadReviewableNote(ctx, clientId, noteId);
  await scoped(ctx)
    .updateTable('clinical_notes')
    .set({
      withheld_from_access_at: new Date(),
      withheld_reason: reason,
      withheld_by: ctx.membershipId,
      released_for_access_at: null,
      released_by: null,
    })
    .where('id', '=', noteId)
    .execute();
  await scoped(ctx).audit({
    action: 'note.withhold_from_access',
    entityType: 'clinical_note',
    entityId: noteId,
    clientId,
    dataCategory: 'clinical',
  });
  return present(ctx, await noteQuery(ctx).where('clinical_notes.id', '=', noteId).executeTakeFirstOrThrow());
}

/** The notes kept from the client's export after review: when, and why — never what they say. */
export async function withheldNotesOf(ctx: PracticeCtx, clientId: string) {
  const rows = await scoped(ctx)
    .selectFrom('clinical_notes')
    .select(['session_date', 'created_at', 'withheld_from_access_at', 'withheld_reason'])
    .where('client_id', '=', clientId)
    .where('withheld_from_access_at', 'is not', null)
    .orderBy('created_at')
    .execute();
  return rows.map((n) => ({
    sessionDate: n.session_date,
    createdAt: n.created_at.toISOString(),
    withheldAt: (n.withheld_from_access_at as Date).toISOString(),
    reason: n.withheld_reason ?? '',
  }));
}

/** The notes on a client their authors released for the right-of-access export, oldest first. */
export async function releasedNotesOf(ctx: PracticeCtx, clientId: string) {
  const rows = await noteQuery(ctx)
    .select('clinical_notes.released_for_access_at')
    .where('clinical_notes.client_id', '=', clientId)
    .where('clinical_notes.released_for_access_at', 'is not', null)
    .orderBy('clinical_notes.created_at')
    .execute();
  return rows.map((n) => ({
    kind: n.kind,
    sessionDate: n.session_date,
    authorName: n.author_name,
    body: n.body,
    createdAt: n.created_at.toISOString(),
    releasedAt: (n.released_for_access_at as Date).toISOString(),
  }));
}
