import { parse, type CsvError } from 'csv-parse/sync';
import {
  findUnsafeCharacter,
  IMPORT_FIELDS,
  IMPORT_HEADER_ALIASES,
  importFieldOfHeader,
  REQUIRED_IMPORT_FIELDS,
  unsafeCharacterMessage,
  type ImportField,
} from '@calmdesk/shared';
import { AppError } from '../../platform/errors.ts';

export type Delimiter = ';' | ',' | '\t';

export interface CsvRow {
  /** Row number as a spreadsheet shows it (header = 1; a quoted line break stays in its row). */
  row: number;
  /** Non-empty, trimmed cells by field. */
  values: Partial<Record<ImportField, string>>;
}

export interface ParsedCsv {
  delimiter: Delimiter;
  columns: { header: string; field: ImportField | null }[];
  rows: CsvRow[];
}

/** More rows than any practice's client list; keeps a bad upload from exhausting memory. */
const MAX_ROWS = 100_000;

function fileError(path: string, message: string): AppError {
  return new AppError('bad_request', `the file cannot be read: ${message}; nothing was imported`, [{ path, message }]);
}

/** The text of a UTF-8 file; anything else (Windows-1252 from Excel, random bytes) is refused with the line of the first bad byte. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    // The default decoder drops a leading byte-order mark, as Excel's "CSV UTF-8" writes one.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const loose = new TextDecoder('utf-8').decode(bytes);
    const at = loose.indexOf('\uFFFD');
    const line = loose.slice(0, Math.max(at, 0)).split('\n').length;
    throw fileError(
      `body.line.${line}`,
      `line ${line} is not UTF-8 text (probably Windows-1252, as older Excel versions save CSV); save the file as "CSV UTF-8" and try again`,
    );
  }
}

/** The separator used in the header row: the most frequent of `;` `,` and tab outside quotes. */
export function detectDelimiter(text: string): Delimiter {
  const counts: Record<Delimiter, number> = { ';': 0, ',': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ';' || ch === ',' || ch === '\t')) counts[ch] += 1;
  }
  const best = (Object.entries(counts) as [Delimiter, number][]).sort((a, b) => b[1] - a[1])[0];
  return best && best[1] > 0 ? best[0] : ',';
}

/** Line and column of the quote that opens a value never closed (csv-parse reports only the end of the file). */
function unclosedQuote(text: string, delimiter: Delimiter): { line: number; column: number } {
  let line = 1;
  let column = 1;
  let quoted = false;
  let opened = { line: 1, column: 1 };
  for (const ch of text) {
    if (ch === '"') {
      quoted = !quoted;
      if (quoted) opened = { line, column };
    } else if (ch === '\n') {
      line += 1;
      if (!quoted) column = 1;
    } else if (ch === delimiter && !quoted) column += 1;
  }
  return opened;
}

function structureError(err: CsvError, text: string, delimiter: Delimiter, headers: string[]): AppError {
  const named = (index: number | undefined) => {
    const header = index === undefined ? undefined : headers[index];
    return header ? ` (column "${header}")` : index === undefined ? '' : ` (column ${index + 1})`;
  };
  const ctx = err as CsvError & { lines?: number; index?: number };
  if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
    const at = unclosedQuote(text, delimiter);
    return fileError(`body.line.${at.line}`, `line ${at.line}${named(at.column - 1)} opens a quoted value that is never closed`);
  }
  if (err.code === 'INVALID_OPENING_QUOTE') {
    return fileError(
      `body.line.${ctx.lines}`,
      `line ${ctx.lines}${named(ctx.index)} has a quote inside an unquoted value (write it as "" inside a quoted value)`,
    );
  }
  if (err.code === 'CSV_INVALID_CLOSING_QUOTE') {
    return fileError(`body.line.${ctx.lines}`, `line ${ctx.lines}${named(ctx.index)} has text right after a closing quote`);
  }
  return fileError(`body.line.${ctx.lines ?? 1}`, `line ${ctx.lines ?? 1}: ${err.message}`);
}

function mapColumns(headers: string[], mapping: Record<string, ImportField | null>): ParsedCsv['columns'] {
  const unknown = Object.keys(mapping).filter((h) => !headers.includes(h));
  if (unknown.length > 0) {
    throw AppError.field('query.mapping', `the file has no column ${unknown.map((h) => `"${h}"`).join(', ')}`);
  }
  const columns = headers.map((header) => ({
    header,
    field: header in mapping ? (mapping[header] ?? null) : importFieldOfHeader(header),
  }));
  const seen = new Map<ImportField, string>();
  for (const c of columns) {
    if (!c.field) continue;
    const earlier = seen.get(c.field);
    if (earlier !== undefined) {
      throw fileError('body.header', `columns "${earlier}" and "${c.header}" both map to ${c.field}; ignore one with the mapping`);
    }
    seen.set(c.field, c.header);
  }
  const missing = REQUIRED_IMPORT_FIELDS.filter((f) => !seen.has(f));
  if (missing.length > 0) {
    const want = missing.map((f) => `${f} (e.g. "${IMPORT_HEADER_ALIASES[f][0]}")`).join(', ');
    throw fileError('body.header', `the header row has no column for ${want}; rename the column or give a mapping`);
  }
  return columns;
}

/**
 * Reads a CSV file into rows keyed by client field. Throws `bad_request` naming the line and
 * column for a file that is not UTF-8, has a broken quote or a row with the wrong number of
 * cells, and for missing required columns; `validation_failed` for a mapping naming no column.
 */
export function readCsv(bytes: Uint8Array, mapping: Record<string, ImportField | null> = {}): ParsedCsv {
  const text = decodeUtf8(bytes);
  if (text.trim() === '') throw fileError('body', 'the file is empty');
  const delimiter = detectDelimiter(text);
  let records: string[][];
  try {
    records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: false, to: MAX_ROWS + 1 });
  } catch (err) {
    const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
    const headers = firstLine.split(delimiter).map((h) => h.replace(/^"|"$/g, '').trim());
    throw structureError(err as CsvError, text, delimiter, headers);
  }
  const [headerRecord, ...data] = records;
  const headers = (headerRecord ?? []).map((h) => h.trim());
  if (headers.some((h) => h === '')) {
    throw fileError('body.header', `column ${headers.indexOf('') + 1} of the header row has no name`);
  }
  // A header is shown back in the report: it gets the rule every text field has (cells: checkRow).
  headers.forEach((h, i) => {
    const bad = findUnsafeCharacter(h);
    if (bad) throw fileError('body.header', `the name of column ${i + 1} in the header row ${unsafeCharacterMessage(bad)}`);
  });
  const columns = mapColumns(headers, mapping);
  if (data.length > MAX_ROWS) throw fileError('body', `the file has more than ${MAX_ROWS} rows; split it`);
  const rows: CsvRow[] = [];
  data.forEach((record, i) => {
    const row = i + 2;
    if (record.every((cell) => cell.trim() === '')) return;
    if (record.length !== headers.length) {
      throw fileError(`body.row.${row}`, `row ${row} has ${record.length} cells where the header row has ${headers.length}`);
    }
    const values: CsvRow['values'] = {};
    columns.forEach((c, j) => {
      const cell = record[j]?.trim() ?? '';
      if (c.field && cell !== '') values[c.field] = cell;
    });
    rows.push({ row, values });
  });
  return { delimiter, columns, rows };
}

export const isImportField = (v: string): v is ImportField => (IMPORT_FIELDS as readonly string[]).includes(v);
