import { sql, type Insertable } from 'kysely';
import type { z } from 'zod';
import type { ImportField, ImportReport, Role } from '@calmdesk/shared';
import type { Tx } from '../../db/database.ts';
import type { ClientsTable } from '../../db/schema.ts';
import type { AppDeps, RequestMeta } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { scoped, type ScopedAuditEvent } from '../../platform/tenancy.ts';
import { clientColumns } from './fields.ts';
import { readCsv } from './import-csv.ts';
import { checkRow, type CheckedRow, type ClientInput } from './import-rows.ts';
import { CLIENT_WRITERS } from './register-client.ts';

type Report = z.infer<typeof ImportReport>;
type RowReport = Report['rows'][number];
type MatchedOn = 'bsn' | 'name_and_date_of_birth';

/**
 * What the import needs of its caller. A request's PracticeCtx fits as is; the CLI and the
 * demo seed pass `roles: 'system'` with no user and say why in `reason` (kept in the access log).
 */
export interface ImportCtx {
  deps: AppDeps;
  tx: Tx;
  practiceId: string;
  roles: Role[] | 'system';
  actor: { userId: string | null };
  meta: RequestMeta;
  reason?: string | null;
}

export interface ImportInput {
  csv: Uint8Array;
  mapping?: Record<string, ImportField | null>;
  dryRun: boolean;
  onProgress?: (p: { phase: 'check' | 'save'; done: number; total: number }) => void;
}

/** Rows per INSERT: ~20 columns each stays well under PostgreSQL's 65,535 parameters. */
const BATCH = 1000;
/** Invalid rows listed in a refusal; the dry run lists them all. */
const MAX_LISTED_ERRORS = 200;

interface Existing {
  id: string;
  client_number: string;
  bsn: string | null;
  first_name: string;
  last_name: string;
  date_of_birth: string;
}

const nameKey = (c: { firstName: string; lastName: string; dateOfBirth: string }) =>
  `${c.firstName.toLowerCase()}\u0000${c.lastName.toLowerCase()}\u0000${c.dateOfBirth}`;

/** Live clients of the practice sharing a BSN or a date of birth with a row: the duplicate candidates. */
async function candidates(ctx: ImportCtx, rows: ClientInput[]): Promise<Existing[]> {
  if (rows.length === 0) return [];
  const bsns = [...new Set(rows.flatMap((r) => (r.bsn ? [r.bsn] : [])))];
  const dates = [...new Set(rows.map((r) => r.dateOfBirth))];
  // Scoped by hand (practice_id below): a system import has no request actor for scoped().
  return ctx.tx
    .selectFrom('clients')
    .select(['id', 'client_number', 'bsn', 'first_name', 'last_name', 'date_of_birth'])
    .where('practice_id', '=', ctx.practiceId)
    .where('destroyed_at', 'is', null)
    .where('merged_into', 'is', null)
    .where(sql<boolean>`(bsn = any(${bsns}::text[]) OR date_of_birth = any(${dates}::date[]))`)
    .execute();
}

/** Sorts checked rows into create / duplicate (of a live client or an earlier row) / invalid. */
function classify(
  checked: CheckedRow[],
  existing: Existing[],
  columnOf: Map<ImportField, string>,
): { reports: RowReport[]; toCreate: { index: number; row: CheckedRow & { ok: true } }[] } {
  const byBsn = new Map<string, Existing>();
  const byName = new Map<string, Existing>();
  for (const e of existing) {
    if (e.bsn) byBsn.set(e.bsn, e);
    byName.set(nameKey({ firstName: e.first_name, lastName: e.last_name, dateOfBirth: e.date_of_birth }), e);
  }
  const fileBsn = new Map<string, number>();
  const fileName = new Map<string, number>();
  const reports: RowReport[] = [];
  const toCreate: { index: number; row: CheckedRow & { ok: true } }[] = [];
  for (const c of checked) {
    const base = { row: c.row, clientId: null, clientNumber: null, duplicateOf: null, errors: [] };
    if (!c.ok) {
      reports.push({
        ...base,
        outcome: 'invalid',
        errors: c.errors.map((e) => ({ column: columnOf.get(e.field) ?? null, field: e.field, message: e.message })),
      });
      continue;
    }
    const key = nameKey(c.input);
    const bsn = c.input.bsn ?? null;
    const match = (on: MatchedOn, e: Existing | undefined) =>
      e && ({ kind: 'existing', clientId: e.id, clientNumber: e.client_number, matchedOn: on } as const);
    const earlier = (on: MatchedOn, row: number | undefined) => row !== undefined && ({ kind: 'row', row, matchedOn: on } as const);
    const dup =
      (bsn && match('bsn', byBsn.get(bsn))) ||
      match('name_and_date_of_birth', byName.get(key)) ||
      (bsn && earlier('bsn', fileBsn.get(bsn))) ||
      earlier('name_and_date_of_birth', fileName.get(key));
    if (dup) {
      reports.push({ ...base, outcome: 'duplicate', duplicateOf: dup });
      continue;
    }
    if (bsn) fileBsn.set(bsn, c.row);
    fileName.set(key, c.row);
    toCreate.push({ index: reports.length, row: c });
    reports.push({ ...base, outcome: 'create' });
  }
  return { reports, toCreate };
}

function auditEvent(ctx: ImportCtx, action: string, clientId: string): ScopedAuditEvent {
  return { action, entityType: 'client', entityId: clientId, clientId, dataCategory: 'client', reason: ctx.reason ?? null };
}

async function inBatches<T>(items: T[], fn: (batch: T[], start: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH) await fn(items.slice(i, i + BATCH), i);
}

/** Creates the rows in batches: client numbers reserved in one step, then clients, history and access-log entries. */
async function saveRows(
  ctx: ImportCtx,
  reports: RowReport[],
  toCreate: { index: number; row: CheckedRow & { ok: true } }[],
  input: ImportInput,
) {
  const reserved = await ctx.tx
    .updateTable('practices')
    .set({ next_client_number: sql`next_client_number + ${toCreate.length}` })
    .where('id', '=', ctx.practiceId)
    .returning(sql<number>`next_client_number - ${toCreate.length}`.as('first'))
    .executeTakeFirstOrThrow();
  const first = Number(reserved.first);
  await inBatches(toCreate, async (batch, start) => {
    const values = batch.map(({ row }, i): Insertable<ClientsTable> => {
      const { confirmNotDuplicate: _ignored, ...fields } = row.input;
      const number = first + start + i;
      return {
        ...clientColumns(fields),
        practice_id: ctx.practiceId,
        client_number: `C-${String(number).padStart(6, '0')}`,
        first_name: row.input.firstName,
        last_name: row.input.lastName,
        date_of_birth: row.input.dateOfBirth,
        status: row.status,
      };
    });
    const created = await ctx.tx.insertInto('clients').values(values).returning(['id', 'client_number']).execute();
    await ctx.tx
      .insertInto('client_history')
      .values(created.map((c) => ({ practice_id: ctx.practiceId, client_id: c.id, user_id: ctx.actor.userId, action: 'client.import' })))
      .execute();
    await scoped(ctx).auditMany(created.map((c) => auditEvent(ctx, 'client.import', c.id)));
    created.forEach((c, i) => {
      const report = reports[batch[i]?.index ?? -1];
      if (report) Object.assign(report, { clientId: c.id, clientNumber: c.client_number });
    });
    input.onProgress?.({ phase: 'save', done: start + batch.length, total: toCreate.length });
  });
}

/**
 * Imports a practice's client list from CSV (owner, back office, or a system actor). A dry run
 * reports per row what would happen and changes nothing. The real import refuses the whole
 * file when any row is invalid (`validation_failed`, listing row and field); duplicates — of a
 * live client or of an earlier row, on BSN or name + date of birth — are skipped and reported.
 * Runs in the caller's transaction, so a failure saves nothing. Throws `bad_request` for an
 * unreadable file (encoding, quotes, missing columns) and `forbidden` for other roles.
 */
export async function importClients(ctx: ImportCtx, input: ImportInput): Promise<Report> {
  if (ctx.roles !== 'system' && !CLIENT_WRITERS.some((r) => (ctx.roles as Role[]).includes(r))) {
    throw new AppError('forbidden', `this needs one of the roles: ${CLIENT_WRITERS.join(', ')}`);
  }
  const parsed = readCsv(input.csv, input.mapping);
  const checked = parsed.rows.map(checkRow);
  input.onProgress?.({ phase: 'check', done: checked.length, total: checked.length });
  // A real import serialises with other imports of this practice before looking for duplicates.
  if (!input.dryRun) await ctx.tx.selectFrom('practices').select('id').where('id', '=', ctx.practiceId).forUpdate().execute();
  const valid = checked.flatMap((c) => (c.ok ? [c.input] : []));
  const columnOf = new Map(parsed.columns.flatMap((c) => (c.field ? [[c.field, c.header] as const] : [])));
  const { reports, toCreate } = classify(checked, await candidates(ctx, valid), columnOf);
  const totals = {
    rows: reports.length,
    create: toCreate.length,
    duplicate: reports.filter((r) => r.outcome === 'duplicate').length,
    invalid: reports.filter((r) => r.outcome === 'invalid').length,
  };

  // A duplicate report names an existing client: that is a search hit, so it is in the access log.
  const matched = [...new Set(reports.flatMap((r) => (r.duplicateOf?.kind === 'existing' ? [r.duplicateOf.clientId] : [])))];
  await scoped(ctx).auditMany(matched.map((id) => auditEvent(ctx, 'client.import.match', id)));

  if (!input.dryRun && totals.invalid > 0) {
    const fields = reports
      .flatMap((r) =>
        r.errors.map((e) => ({
          path: `body.row.${r.row}.${e.field}`,
          message: `row ${r.row}, column "${e.column ?? e.field}": ${e.message}`,
        })),
      )
      .slice(0, MAX_LISTED_ERRORS);
    throw new AppError(
      'validation_failed',
      `${totals.invalid} of ${totals.rows} rows are invalid; nothing was imported. Fix or remove them (the dry run lists each one) and import again`,
      fields,
    );
  }
  if (!input.dryRun && toCreate.length > 0) await saveRows(ctx, reports, toCreate, input);
  return { dryRun: input.dryRun, delimiter: parsed.delimiter, columns: parsed.columns, totals, rows: reports };
}
