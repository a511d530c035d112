import { z } from 'zod';
import { CalendarDate, Client, ClientHistoryEntry, DOCUMENT_LABELS, Trajectory } from './clients.ts';
import { Uuid } from './common.ts';

export const DOCUMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** A file name as the user's computer had it: no path, no control characters. */
const FileName = z
  .string()
  .trim()
  .min(1, 'give the file name')
  .max(255)
  .refine((s) => !/[/\\\p{Cc}]/u.test(s), 'a file name may not contain slashes or control characters');

export const DocumentUploadQuery = z.strictObject({
  label: z.enum(DOCUMENT_LABELS),
  fileName: FileName,
});
/** The raw bytes of a PDF, PNG or JPEG, sent as the request body with its own Content-Type. */
export const BinaryBody = z.any().meta({ type: 'string', format: 'binary', description: 'the file itself (PDF, PNG or JPEG)' });
export const BinaryResponse = z.any().meta({ type: 'string', format: 'binary' });

export const DocumentMeta = z
  .object({
    id: Uuid,
    clientId: Uuid,
    label: z.enum(DOCUMENT_LABELS),
    fileName: z.string(),
    mimeType: z.enum(DOCUMENT_TYPES),
    sizeBytes: z.number().int(),
    sha256: z.string(),
    uploadedBy: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'DocumentMeta' });
export const DocumentList = z.object({ items: z.array(DocumentMeta) });
export const DocumentParams = z.strictObject({ practiceId: Uuid, clientId: Uuid, documentId: Uuid });
export const DocumentPatch = z.strictObject({ label: z.enum(DOCUMENT_LABELS) });

export const NOTE_KINDS = ['session', 'free'] as const;
export const NOTE_MAX_CHARS = 20_000;
const NoteBodyText = z.string().trim().min(1, 'a note needs text').max(NOTE_MAX_CHARS, `a note holds at most ${NOTE_MAX_CHARS} characters`);

export const NoteCreateBody = z
  .strictObject({
    kind: z.enum(NOTE_KINDS),
    sessionDate: CalendarDate.nullable().optional(),
    body: NoteBodyText,
  })
  .refine((n) => n.kind !== 'session' || !!n.sessionDate, { message: 'a session note needs its session date', path: ['sessionDate'] });
export const NotePatch = z
  .strictObject({
    kind: z.enum(NOTE_KINDS).optional(),
    sessionDate: CalendarDate.nullable().optional(),
    body: NoteBodyText.optional(),
  })
  .refine((o) => Object.values(o).some((v) => v !== undefined), { message: 'give at least one field to change' });
export const Note = z
  .object({
    id: Uuid,
    clientId: Uuid,
    authorMembershipId: Uuid,
    authorName: z.string(),
    own: z.boolean(),
    kind: z.enum(NOTE_KINDS),
    sessionDate: z.string().nullable(),
    body: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ClinicalNote' });
export const NoteList = z.object({ items: z.array(Note), sharedWithCoClinicians: z.boolean() });
export const NoteParams = z.strictObject({ practiceId: Uuid, clientId: Uuid, noteId: Uuid });

export const ExportQuery = z.strictObject({
  /** The caller's own membership id: include the notes this clinician wrote. */
  includeNotesOf: Uuid.optional(),
});
export const ClientExport = z.object({
  exportedAt: z.string(),
  practice: z.object({ id: Uuid, name: z.string() }),
  client: Client,
  trajectories: z.array(Trajectory),
  documents: z.array(DocumentMeta),
  history: z.array(ClientHistoryEntry),
  notes: z.array(Note).optional(),
  /** FHIR R4 Patient resource of the client. */
  fhirPatient: z.looseObject({ resourceType: z.literal('Patient') }),
});

export const DESTRUCTION_BASES = ['client_request', 'retention_expired'] as const;
export const DestructionBody = z
  .strictObject({
    basis: z.enum(DESTRUCTION_BASES),
    requestReceivedOn: CalendarDate.optional(),
    note: z.string().trim().max(2000).optional(),
  })
  .refine((b) => b.basis !== 'client_request' || !!b.requestReceivedOn, {
    message: "record the date the client's request was received",
    path: ['requestReceivedOn'],
  })
  .refine((b) => !b.requestReceivedOn || b.requestReceivedOn <= new Date().toISOString().slice(0, 10), {
    message: 'the request cannot be received in the future',
    path: ['requestReceivedOn'],
  });
export const DestructionResult = z.object({
  clientId: Uuid,
  pseudonym: z.string(),
  destroyedAt: z.string(),
  notesRemoved: z.number().int(),
  documentsRemoved: z.number().int(),
});

export const RecordSettings = z.object({
  notesSharedWithCoClinicians: z.boolean(),
  allowMultipleOpenTrajectories: z.boolean(),
  maxDocumentBytes: z.number().int(),
  clinicalRetentionYears: z.number().int(),
});
export const RecordSettingsPatch = z
  .strictObject({
    notesSharedWithCoClinicians: z.boolean().optional(),
    allowMultipleOpenTrajectories: z.boolean().optional(),
    maxDocumentBytes: z.number().int().min(1024).max(104_857_600).optional(),
    clinicalRetentionYears: z.number().int().min(1).max(115).optional(),
  })
  .refine((o) => Object.values(o).some((v) => v !== undefined), { message: 'give at least one field to change' });
