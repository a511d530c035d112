import { IMPORT_FIELDS, importFieldOfHeader, type ImportField } from '@calmdesk/shared';

/** Enough of a file for any header row; the rest stays unread in the browser. */
const HEAD_BYTES = 64 * 1024;

/**
 * The column names of a CSV file's first row, read in the browser. The separator is the most
 * frequent of `;` `,` and tab outside quotes, as the server detects it; a quoted name may hold
 * a separator or a doubled quote. A file the server cannot read gets its error from the server.
 */
export function headerRow(text: string): string[] {
  const line = firstRecord(text.replace(/^\uFEFF/, ''));
  const counts = new Map<string, number>([
    [';', 0],
    [',', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  const [best] = [...counts].sort((a, b) => b[1] - a[1]);
  const delimiter = best && best[1] > 0 ? best[0] : ',';
  const cells: string[] = [];
  let cell = '';
  quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells.length === 1 && cells[0] === '' ? [] : cells;
}

/** The text up to the first line break outside quotes. */
function firstRecord(text: string): string {
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) return text.slice(0, i);
  }
  return text;
}

/** Reads the header row of a chosen file. */
export async function readHeaderRow(file: File): Promise<string[]> {
  return headerRow(await file.slice(0, HEAD_BYTES).text());
}

/** Which file column feeds each field (null: none). */
export type FieldColumns = Record<ImportField, string | null>;

/** The columns the server would map by their names, as the editor's starting point. */
export function guessColumns(headers: string[]): FieldColumns {
  const out = Object.fromEntries(IMPORT_FIELDS.map((f) => [f, null])) as FieldColumns;
  for (const h of headers) {
    const field = importFieldOfHeader(h);
    if (field && out[field] === null) out[field] = h;
  }
  return out;
}

/**
 * The import's `mapping` parameter: every header named, either with the field it feeds or
 * null, so the server does exactly what the editor shows and guesses nothing itself.
 */
export function mappingOf(headers: string[], columns: FieldColumns): Record<string, ImportField | null> {
  const byHeader = new Map<string, ImportField>();
  for (const f of IMPORT_FIELDS) {
    const h = columns[f];
    if (h !== null && headers.includes(h)) byHeader.set(h, f);
  }
  return Object.fromEntries(headers.map((h) => [h, byHeader.get(h) ?? null]));
}
