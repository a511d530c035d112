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
    /** The author's review for the client's right of access; null until reviewed (and again after an edit). */
    accessReview: z.object({ state: z.enum(['released', 'withheld']), at: z.string(), reason: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'ClinicalNote' });
/** Why a note is kept from the client's export: the client reads this, never the note. */
export const NoteWithholdBody = z.strictObject({
  reason: z.string().trim().min(10, 'give the reason in at least 10 characters').max(1000),
});
export const NoteList = z.object({ items: z.array(Note), sharedWithCoClinicians: z.boolean() });
export const NoteParams = z.strictObject({ practiceId: Uuid, clientId: Uuid, noteId: Uuid });

export const ExportQuery = z.strictObject({
  /** The caller's own membership id: include the notes this clinician wrote. */
  includeNotesOf: Uuid.optional(),
});
/** A moment as local wall time in the practice's zone with its offset, `2030-01-07T13:00:00+01:00`. */
const LocalTime = z.string();
export const ExportAppointment = z.object({
  id: Uuid,
  start: LocalTime,
  end: LocalTime,
  timeZone: z.string(),
  mode: z.string(),
  status: z.string(),
  cancelledBy: z.string().nullable(),
  feeDecision: z.string().nullable(),
  service: z.string(),
  clinicians: z.array(z.string()),
  location: z.string().nullable(),
  room: z.string().nullable(),
});
export const ExportMessage = z.object({
  appointmentId: Uuid,
  kind: z.string(),
  channel: z.string(),
  status: z.string(),
  due: LocalTime,
  sent: LocalTime.nullable(),
});
export const ExportWaitlistEntry = z.object({
  id: Uuid,
  service: z.string().nullable(),
  clinician: z.string().nullable(),
  modes: z.array(z.string()),
  weekdays: z.array(z.number().int()),
  dayParts: z.array(z.string()),
  urgency: z.string(),
  status: z.string(),
  remark: z.string().nullable(),
  created: LocalTime,
  offers: z.array(z.object({ start: LocalTime, end: LocalTime, mode: z.string(), status: z.string(), clinician: z.string() })),
});
export const ExportTreatmentRelationship = z.object({
  clinician: z.string(),
  startedVia: z.string(),
  started: LocalTime,
  ended: LocalTime.nullable(),
  endReason: z.string().nullable(),
});
export const ExportBreakGlassGrant = z.object({
  user: z.string(),
  reason: z.string(),
  granted: LocalTime,
  expires: LocalTime,
});
export const ExportTask = z.object({ kind: z.string(), status: z.string(), dueDate: z.string().nullable(), created: LocalTime });
export const ExportDestructionRequest = z.object({
  basis: z.string(),
  requestReceivedOn: z.string().nullable(),
  performed: LocalTime,
});
export const ExportAccess = z.object({
  at: LocalTime,
  user: z.string().nullable(),
  roles: z.array(z.string()),
  action: z.string(),
  outcome: z.string(),
  breakGlass: z.boolean(),
  reason: z.string().nullable(),
});
/** A clinical note its author released for the client's right-of-access export. */
export const ReleasedNote = z.object({
  kind: z.enum(NOTE_KINDS),
  sessionDate: z.string().nullable(),
  authorName: z.string(),
  body: z.string(),
  createdAt: z.string(),
  releasedAt: z.string(),
});
export const NoteRelease = z.object({ id: Uuid, releasedForAccessAt: z.string() });
/** A note kept from the export after review: when and why, never its text. */
export const WithheldNote = z.object({
  sessionDate: z.string().nullable(),
  createdAt: z.string(),
  withheldAt: z.string(),
  reason: z.string(),
});
export const ClientExport = z.object({
  exportedAt: z.string(),
  practice: z.object({ id: Uuid, name: z.string(), locale: z.enum(['nl', 'en']), timeZone: z.string(), address: z.string().nullable() }),
  client: Client,
  trajectories: z.array(Trajectory),
  documents: z.array(DocumentMeta),
  history: z.array(ClientHistoryEntry),
  appointments: z.array(ExportAppointment),
  messages: z.array(ExportMessage),
  waitlist: z.array(ExportWaitlistEntry),
  treatmentRelationships: z.array(ExportTreatmentRelationship),
  breakGlassGrants: z.array(ExportBreakGlassGrant),
  tasks: z.array(ExportTask),
  destructionRequests: z.array(ExportDestructionRequest),
  /** Who accessed the file (from the access log), oldest first. */
  accessReport: z.array(ExportAccess),
  /** Notes released by their author after review (always included). */
  releasedNotes: z.array(ReleasedNote),
  /** Notes kept from this export after the treating clinician's review, with the reason. */
  withheldNotes: z.array(WithheldNote),
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
