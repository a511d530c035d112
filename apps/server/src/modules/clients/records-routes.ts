import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  BinaryBody,
  BinaryResponse,
  ClientExport,
  ClientParams,
  DestructionBody,
  DestructionResult,
  DocumentList,
  DocumentMeta,
  DocumentParams,
  DocumentPatch,
  DOCUMENT_TYPES,
  DocumentUploadQuery,
  ExportQuery,
  Note,
  NoteCreateBody,
  NoteList,
  NoteParams,
  NoteRelease,
  NoteWithholdBody,
  NotePatch,
  Ok,
  PracticeParams,
  RecordSettings,
  RecordSettingsPatch,
  type DocumentType,
} from '@calmdesk/shared';
import { AppError } from '../../platform/errors.ts';
import { inPractice } from '../../platform/http.ts';
import { withErrors } from '../../platform/openapi.ts';
import { systemDb } from '../../platform/tenancy.ts';
import { destroyClientRecord } from './destruction.ts';
import {
  contentDisposition,
  deleteDocument,
  DOCUMENT_CEILING_BYTES,
  documentLimit,
  formatBytes,
  listDocuments,
  readDocument,
  relabelDocument,
  uploadDocument,
} from './documents.ts';
import { exportClient, renderExportPdf } from './export.ts';
import { createNote, getNote, listNotes, releaseNoteForAccess, updateNote, withholdNoteFromAccess } from './notes.ts';
import { getRecordSettings, updateRecordSettings } from './record-settings.ts';

const UPLOAD_URL = '/clients/:clientId/documents';

/**
 * Reads an upload up to the practice's limit. The membership gate runs before any body is read
 * (preParsing, on every practice route), so a non-member never learns a practice's limit; only the upload route takes these types.
 */
async function readUpload(req: FastifyRequest, payload: IncomingMessage): Promise<Buffer> {
  if (!req.routeOptions.url?.endsWith(UPLOAD_URL) || req.method !== 'POST' || !req.practice) {
    throw new AppError('unsupported_media_type', 'send the body as application/json');
  }
  const { practiceId } = req.practice;
  const limit = await documentLimit(
    systemDb(req.server.deps, { practiceId, reason: 'document size limit before the upload is read' }),
    practiceId,
  );
  const tooLarge = () =>
    AppError.field('body', `the file is larger than this practice's limit of ${formatBytes(limit)}`, 'payload_too_large');
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of payload) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const binary = (types: readonly string[], description: string) => ({
  description,
  content: Object.fromEntries(types.map((t) => [t, { schema: BinaryResponse }])),
});

/** Documents, clinical notes, right-of-access export, destruction and the record settings. */
export const clientRecordRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addContentTypeParser([...DOCUMENT_TYPES], { bodyLimit: DOCUMENT_CEILING_BYTES }, (req: FastifyRequest, payload: IncomingMessage) =>
    readUpload(req, payload),
  );
  const tags = ['client records'];

  app.post(
    UPLOAD_URL,
    {
      schema: {
        tags,
        summary: 'Upload a document (the raw file as body: application/pdf, image/png or image/jpeg)',
        consumes: [...DOCUMENT_TYPES],
        params: ClientParams,
        querystring: DocumentUploadQuery,
        body: BinaryBody,
        response: withErrors({ 201: DocumentMeta }),
      },
    },
    async (req, reply) => {
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() as DocumentType;
      if (!Buffer.isBuffer(req.body) || !DOCUMENT_TYPES.includes(contentType)) {
        throw AppError.field(
          'body',
          'send the file itself with Content-Type application/pdf, image/png or image/jpeg',
          'unsupported_media_type',
        );
      }
      const bytes = req.body;
      const doc = await inPractice(req, (ctx) => uploadDocument(ctx, req.params.clientId, { ...req.query, contentType, bytes }));
      return reply.status(201).send(doc);
    },
  );
  app.get(
    UPLOAD_URL,
    { schema: { tags, summary: "A client's documents", params: ClientParams, response: withErrors({ 200: DocumentList }) } },
    (req) => inPractice(req, (ctx) => listDocuments(ctx, req.params.clientId)),
  );
  for (const purpose of ['download', 'preview'] as const) {
    app.get(
      `${UPLOAD_URL}/:documentId/${purpose}`,
      {
        schema: {
          tags,
          summary: purpose === 'download' ? 'Download a document (access-logged)' : 'Show a document inline (access-logged)',
          params: DocumentParams,
          response: withErrors({ 200: binary(DOCUMENT_TYPES, 'the file') }),
        },
      },
      async (req, reply) => {
        const file = await inPractice(req, (ctx) => readDocument(ctx, req.params.clientId, req.params.documentId, purpose));
        return reply
          .type(file.mimeType)
          .header('content-disposition', contentDisposition(purpose === 'download' ? 'attachment' : 'inline', file.fileName))
          .header('cache-control', 'no-store')
          .send(file.content);
      },
    );
  }
  app.patch(
    `${UPLOAD_URL}/:documentId`,
    {
      schema: {
        tags,
        summary: "Change a document's label",
        params: DocumentParams,
        body: DocumentPatch,
        response: withErrors({ 200: DocumentMeta }),
      },
    },
    (req) => inPractice(req, (ctx) => relabelDocument(ctx, req.params.clientId, req.params.documentId, req.body)),
  );
  app.delete(
    `${UPLOAD_URL}/:documentId`,
    { schema: { tags, summary: 'Delete a document (owner, back office)', params: DocumentParams, response: withErrors({ 200: Ok }) } },
    (req) => inPractice(req, (ctx) => deleteDocument(ctx, req.params.clientId, req.params.documentId)),
  );

  app.get(
    '/clients/:clientId/notes',
    {
      schema: {
        tags,
        summary: 'Clinical notes on a client the calling clinician may read (clinicians only)',
        params: ClientParams,
        response: withErrors({ 200: NoteList }),
      },
    },
    (req) => inPractice(req, (ctx) => listNotes(ctx, req.params.clientId)),
  );
  app.post(
    '/clients/:clientId/notes',
    {
      schema: {
        tags,
        summary: 'Write a clinical note (clinicians only)',
        params: ClientParams,
        body: NoteCreateBody,
        response: withErrors({ 201: Note }),
      },
    },
    async (req, reply) => reply.status(201).send(await inPractice(req, (ctx) => createNote(ctx, req.params.clientId, req.body))),
  );
  app.get(
    '/clients/:clientId/notes/:noteId',
    { schema: { tags, summary: 'One clinical note', params: NoteParams, response: withErrors({ 200: Note }) } },
    (req) => inPractice(req, (ctx) => getNote(ctx, req.params.clientId, req.params.noteId)),
  );
  app.patch(
    '/clients/:clientId/notes/:noteId',
    { schema: { tags, summary: 'Edit an own clinical note', params: NoteParams, body: NotePatch, response: withErrors({ 200: Note }) } },
    (req) => inPractice(req, (ctx) => updateNote(ctx, req.params.clientId, req.params.noteId, req.body)),
  );
  app.post(
    '/clients/:clientId/notes/:noteId/release',
    {
      schema: {
        tags,
        summary: "Release an own note, after review, for the client's right-of-access export (its treating author only)",
        params: NoteParams,
        response: withErrors({ 200: NoteRelease }),
      },
    },
    (req) => inPractice(req, (ctx) => releaseNoteForAccess(ctx, req.params.clientId, req.params.noteId)),
  );
  app.post(
    '/clients/:clientId/notes/:noteId/withhold',
    {
      schema: {
        tags,
        summary:
          "Keep an own note out of the client's right-of-access export after review, with the reason the client reads (its treating author only)",
        params: NoteParams,
        body: NoteWithholdBody,
        response: withErrors({ 200: Note }),
      },
    },
    (req) => inPractice(req, (ctx) => withholdNoteFromAccess(ctx, req.params.clientId, req.params.noteId, req.body.reason)),
  );

  app.get(
    '/clients/:clientId/export.json',
    {
      schema: {
        tags,
        summary: "Right of access: the client's whole file as JSON with a FHIR R4 Patient (owner, back office; a clinician with own notes)",
        params: ClientParams,
        querystring: ExportQuery,
        response: withErrors({ 200: ClientExport }),
      },
    },
    async (req, reply) => {
      const out = await inPractice(req, (ctx) => exportClient(ctx, req.params.clientId, { ...req.query, format: 'json' }));
      return reply.header('content-disposition', contentDisposition('attachment', `${out.client.clientNumber}.json`)).send(out);
    },
  );
  app.get(
    '/clients/:clientId/export.pdf',
    {
      schema: {
        tags,
        summary: "Right of access: the client's whole file as a readable PDF",
        params: ClientParams,
        querystring: ExportQuery,
        response: withErrors({ 200: binary(['application/pdf'], 'the PDF') }),
      },
    },
    async (req, reply) => {
      const out = await inPractice(req, (ctx) => exportClient(ctx, req.params.clientId, { ...req.query, format: 'pdf' }));
      const pdf = await renderExportPdf(out);
      return reply
        .type('application/pdf')
        .header('content-disposition', contentDisposition('attachment', `${out.client.clientNumber}.pdf`))
        .header('cache-control', 'no-store')
        .send(pdf);
    },
  );

  app.post(
    '/clients/:clientId/destruction',
    {
      schema: {
        tags,
        summary: "Destroy a client's clinical content (owner, recent second factor)",
        params: ClientParams,
        body: DestructionBody,
        response: withErrors({ 200: DestructionResult }),
      },
    },
    (req) => inPractice(req, (ctx) => destroyClientRecord(ctx, req.params.clientId, req.body)),
  );

  app.get(
    '/record-settings',
    {
      schema: {
        tags,
        summary: 'Client-record settings of the practice',
        params: PracticeParams,
        response: withErrors({ 200: RecordSettings }),
      },
    },
    (req) => inPractice(req, (ctx) => getRecordSettings(ctx)),
  );
  app.patch(
    '/record-settings',
    {
      schema: {
        tags,
        summary: 'Change note sharing, open trajectories, document size limit, retention (owner)',
        params: PracticeParams,
        body: RecordSettingsPatch,
        response: withErrors({ 200: RecordSettings }),
      },
    },
    (req) => inPractice(req, (ctx) => updateRecordSettings(ctx, req.body)),
  );
};
