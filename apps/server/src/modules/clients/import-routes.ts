import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  IMPORT_MAX_BYTES,
  ImportCsvBody,
  ImportMapping,
  ImportQuery,
  ImportReport,
  PracticeParams,
  type ImportField,
} from '@calmdesk/shared';
import { AppError } from '../../platform/errors.ts';
import { inPractice } from '../../platform/http.ts';
import { withErrors } from '../../platform/openapi.ts';
import { importClients } from './import-clients.ts';

/** Content types a CSV file arrives with: browsers on Windows label .csv files as Excel. */
const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel'];

function parseMapping(raw: string | undefined): Record<string, ImportField | null> {
  if (raw === undefined || raw.trim() === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw AppError.field('query.mapping', 'mapping must be a JSON object like {"Naam":"lastName"}, URL-encoded');
  }
  const r = ImportMapping.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw AppError.field(['query.mapping', ...(issue?.path ?? []).map(String)].join('.'), issue?.message ?? 'invalid mapping');
  }
  return r.data;
}

/** CSV import of a client list: a dry run that reports per row, and the real import in one transaction. */
export const clientImportRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addContentTypeParser(CSV_TYPES, { parseAs: 'buffer', bodyLimit: IMPORT_MAX_BYTES }, (_req, body, done) => done(null, body));
  const tags = ['clients'];
  const common = {
    tags,
    consumes: ['text/csv'],
    params: PracticeParams,
    querystring: ImportQuery,
    body: ImportCsvBody,
    response: withErrors({ 200: ImportReport }),
  };

  app.post(
    '/clients/import/dry-run',
    {
      bodyLimit: IMPORT_MAX_BYTES,
      schema: {
        ...common,
        summary: 'Check a CSV client list: per row, what would be created, what is a duplicate, what is wrong (changes nothing)',
        description:
          'Send the file as the body (Content-Type: text/csv). Row numbers are as a spreadsheet shows them (the header is row 1). ' +
          'A file that cannot be read (not UTF-8, a broken quote, a required column missing) answers 400 naming the line and column.',
      },
    },
    (req) => inPractice(req, (ctx) => importClients(ctx, { csv: req.body, mapping: parseMapping(req.query.mapping), dryRun: true })),
  );
  app.post(
    '/clients/import',
    {
      bodyLimit: IMPORT_MAX_BYTES,
      schema: {
        ...common,
        summary: 'Import a CSV client list in one transaction',
        description:
          'Creates every valid row that is not a duplicate, all in one transaction. Duplicates (same BSN, or same name and date of ' +
          'birth, of a client or of an earlier row) are skipped and reported. If any row is invalid, nothing is imported and the ' +
          'answer is 400 listing each row, field and reason (run the dry run first). An unreadable file answers 400 as in the dry run.',
      },
    },
    (req) => inPractice(req, (ctx) => importClients(ctx, { csv: req.body, mapping: parseMapping(req.query.mapping), dryRun: false })),
  );
};
