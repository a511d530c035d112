import crypto from 'node:crypto';
import type { z } from 'zod';
import type { DocumentPatch, DocumentType, DocumentUploadQuery } from '@calmdesk/shared';
import type { Db } from '../../db/database.ts';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { requireRole, scoped } from '../../platform/tenancy.ts';
import { addHistory, loadClient } from './queries.ts';
import { CLIENT_WRITERS } from './register-client.ts';

/** Who works with a client's documents (billing does not need them). */
const DOCUMENT_READERS = [...CLIENT_WRITERS, 'clinician'] as const;
/** Hard ceiling whatever a practice sets (the column's CHECK). */
export const DOCUMENT_CEILING_BYTES = 104_857_600;

const TYPE_NAMES: Record<DocumentType, string> = { 'application/pdf': 'PDF', 'image/png': 'PNG', 'image/jpeg': 'JPEG' };

/** The type the first bytes declare, or null when they are none of the accepted ones. */
export function sniffType(bytes: Buffer): DocumentType | null {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return null;
}

export function formatBytes(n: number): string {
  return n >= 1_048_576 ? `${Math.round((n / 1_048_576) * 10) / 10} MiB` : `${Math.round(n / 1024)} KiB`;
}

/** The practice's upload limit (a setting, not client data). */
export async function documentLimit(db: Db, practiceId: string): Promise<number> {
  const row = await db.selectFrom('practices').select('max_document_bytes').where('id', '=', practiceId).executeTakeFirst();
  return Math.min(row?.max_document_bytes ?? 20_971_520, DOCUMENT_CEILING_BYTES);
}

type DocRow = {
  id: string;
  client_id: string;
  label: z.infer<typeof DocumentPatch>['label'];
  file_name: string;
  mime_type: DocumentType;
  size_bytes: number;
  sha256: Buffer;
  uploader: string | null;
  created_at: Date;
};

function present(d: DocRow) {
  return {
    id: d.id,
    clientId: d.client_id,
    label: d.label,
    fileName: d.file_name,
    mimeType: d.mime_type,
    sizeBytes: d.size_bytes,
    sha256: d.sha256.toString('hex'),
    uploadedBy: d.uploader,
    createdAt: d.created_at.toISOString(),
  };
}

function documentQuery(ctx: PracticeCtx) {
  return scoped(ctx)
    .selectFrom('documents')
    .leftJoin('users', 'users.id', 'documents.uploaded_by')
    .select([
      'documents.id',
      'documents.client_id',
      'documents.label',
      'documents.file_name',
      'documents.mime_type',
      'documents.size_bytes',
      'documents.sha256',
      'users.name as uploader',
      'documents.created_at',
    ]);
}

/**
 * Stores an uploaded file for a client (owner, back office, clinician). The bytes must be what
 * the Content-Type says (415 `unsupported_media_type` otherwise); an empty body is 400.
 */
export async function uploadDocument(
  ctx: PracticeCtx,
  clientId: string,
  input: z.infer<typeof DocumentUploadQuery> & { contentType: DocumentType; bytes: Buffer },
) {
  requireRole(ctx, ...DOCUMENT_READERS);
  await loadClient(ctx, clientId);
  if (input.bytes.length === 0) throw AppError.field('body', 'the file is empty');
  const actual = sniffType(input.bytes);
  if (actual !== input.contentType) {
    const declared = TYPE_NAMES[input.contentType];
    throw AppError.field(
      'body',
      actual
        ? `the file is a ${TYPE_NAMES[actual]}, not a ${declared} (${input.contentType})`
        : `the file is not a ${declared} (${input.contentType}); accepted are PDF, PNG and JPEG`,
      'unsupported_media_type',
    );
  }
  const doc = await scoped(ctx)
    .insertInto('documents', [
      {
        client_id: clientId,
        label: input.label,
        file_name: input.fileName,
        mime_type: input.contentType,
        size_bytes: input.bytes.length,
        sha256: crypto.createHash('sha256').update(input.bytes).digest(),
        uploaded_by: ctx.actor.userId,
      },
    ])
    .returning('id')
    .executeTakeFirstOrThrow();
  await scoped(ctx)
    .insertInto('document_blobs', [{ document_id: doc.id, content: input.bytes }])
    .execute();
  await addHistory(ctx, clientId, 'document.upload', { document: { from: null, to: `${input.fileName} (${input.label})` } });
  await scoped(ctx).audit({ action: 'document.upload', entityType: 'document', entityId: doc.id, clientId, dataCategory: 'client' });
  return present(await documentQuery(ctx).where('documents.id', '=', doc.id).executeTakeFirstOrThrow());
}

/** A client's documents, newest first (metadata only; audited). */
export async function listDocuments(ctx: PracticeCtx, clientId: string) {
  requireRole(ctx, ...DOCUMENT_READERS);
  await loadClient(ctx, clientId, { allowDestroyed: true });
  const rows = await documentQuery(ctx).where('documents.client_id', '=', clientId).orderBy('documents.created_at', 'desc').execute();
  await scoped(ctx).audit({ action: 'document.list', entityType: 'client', entityId: clientId, clientId, dataCategory: 'client' });
  return { items: rows.map(present) };
}

/** Metadata of every document of a client, for exports (no audit entry of its own). */
export async function documentsOf(ctx: PracticeCtx, clientId: string) {
  const rows = await documentQuery(ctx).where('documents.client_id', '=', clientId).orderBy('documents.created_at').execute();
  return rows.map(present);
}

async function loadDocument(ctx: PracticeCtx, clientId: string, documentId: string) {
  const row = await documentQuery(ctx)
    .where('documents.id', '=', documentId)
    .where('documents.client_id', '=', clientId)
    .executeTakeFirst();
  if (!row) throw AppError.notFound('document');
  return row;
}

/** The bytes of one document; every download and preview is an access-log entry. */
export async function readDocument(ctx: PracticeCtx, clientId: string, documentId: string, purpose: 'download' | 'preview') {
  requireRole(ctx, ...DOCUMENT_READERS);
  await loadClient(ctx, clientId);
  const doc = await loadDocument(ctx, clientId, documentId);
  const blob = await scoped(ctx).selectFrom('document_blobs').select('content').where('document_id', '=', documentId).executeTakeFirst();
  if (!blob) throw AppError.notFound('document');
  await scoped(ctx).audit({
    action: `document.${purpose}`,
    entityType: 'document',
    entityId: documentId,
    clientId,
    dataCategory: 'client',
  });
  return { fileName: doc.file_name, mimeType: doc.mime_type, content: blob.content };
}

/** Changes a document's label (owner, back office, clinician). */
export async function relabelDocument(ctx: PracticeCtx, clientId: string, documentId: string, input: z.infer<typeof DocumentPatch>) {
  requireRole(ctx, ...DOCUMENT_READERS);
  await loadClient(ctx, clientId);
  const before = await loadDocument(ctx, clientId, documentId);
  await scoped(ctx).updateTable('documents').set({ label: input.label }).where('id', '=', documentId).execute();
  await addHistory(ctx, clientId, 'document.relabel', { [`document ${before.file_name}`]: { from: before.label, to: input.label } });
  await scoped(ctx).audit({ action: 'document.update', entityType: 'document', entityId: documentId, clientId, dataCategory: 'client' });
  return present({ ...before, label: input.label });
}

/** Deletes a document and its bytes (owner, back office). */
export async function deleteDocument(ctx: PracticeCtx, clientId: string, documentId: string) {
  requireRole(ctx, ...CLIENT_WRITERS);
  await loadClient(ctx, clientId);
  const before = await loadDocument(ctx, clientId, documentId);
  await scoped(ctx).deleteFrom('documents').where('id', '=', documentId).execute();
  await addHistory(ctx, clientId, 'document.delete', { document: { from: before.file_name, to: null } });
  await scoped(ctx).audit({ action: 'document.delete', entityType: 'document', entityId: documentId, clientId, dataCategory: 'client' });
  return { ok: true as const };
}

/** `Content-Disposition` with an ASCII fallback and the exact UTF-8 name (RFC 6266 / 8187). */
export function contentDisposition(kind: 'attachment' | 'inline', fileName: string): string {
  const ascii = fileName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
