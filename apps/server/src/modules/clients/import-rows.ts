import type { z } from 'zod';
import { ClientCreateBody, findUnsafeCharacter, unsafeCharacterMessage, type ClientStatus, type ImportField } from '@calmdesk/shared';
import type { CsvRow } from './import-csv.ts';

export type ClientInput = z.infer<typeof ClientCreateBody>;

export interface RowError {
  field: ImportField;
  message: string;
}

export type CheckedRow =
  { row: number; ok: true; input: ClientInput; status: ClientStatus } | { row: number; ok: false; errors: RowError[] };

const GENDERS: Record<string, ClientInput['gender']> = {
  v: 'female',
  vrouw: 'female',
  f: 'female',
  female: 'female',
  m: 'male',
  man: 'male',
  male: 'male',
  x: 'other',
  anders: 'other',
  other: 'other',
  onbekend: 'unknown',
  unknown: 'unknown',
  o: 'unknown',
};
const STATUSES: Record<string, ClientStatus> = {
  aangemeld: 'registered',
  registered: 'registered',
  intake: 'intake',
  inbehandeling: 'in_treatment',
  intreatment: 'in_treatment',
  behandeling: 'in_treatment',
  afgesloten: 'discharged',
  uitgeschreven: 'discharged',
  discharged: 'discharged',
};
const word = (s: string) => s.toLowerCase().replace(/[^a-z]/g, '');

/** dd-mm-jjjj (also with / or .) or yyyy-mm-dd → yyyy-mm-dd; `null` when neither. */
export function isoDate(value: string): string | null {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  if (iso) return `${iso[1]}-${iso[2]?.padStart(2, '0')}-${iso[3]?.padStart(2, '0')}`;
  const dutch = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(value);
  if (dutch) return `${dutch[3]}-${dutch[2]?.padStart(2, '0')}-${dutch[1]?.padStart(2, '0')}`;
  return null;
}

/** `1234ab` → `1234 AB` for Dutch codes; others as written, upper-case. */
function postalCode(value: string, country: string): string {
  const up = value.toUpperCase();
  const nl = /^([1-9]\d{3})\s*([A-Z]{2})$/.exec(up);
  return country === 'NL' && nl ? `${nl[1]} ${nl[2]}` : up;
}

/** Where a ClientCreateBody issue path points, as an import field. */
function fieldOfIssue(path: PropertyKey[]): ImportField {
  const [head, sub] = path.map(String);
  if (head === 'address') return (sub as ImportField | undefined) ?? 'street';
  if (head === 'gp') return sub === 'agbCode' ? 'gpAgbCode' : sub === 'practiceName' ? 'gpPracticeName' : 'gpName';
  return (head ?? 'firstName') as ImportField;
}

const ADDRESS_PARTS = ['street', 'houseNumber', 'postalCode', 'city'] as const;

/**
 * Checks one CSV row with the same rules as registering a client by hand (ClientCreateBody),
 * after reading Dutch spreadsheet conventions: dd-mm-jjjj dates, v/m gender, a status in Dutch.
 * A cell holding a character no field may hold (a control character, a lone surrogate, a
 * text-direction override: the rule the API applies to every request) is refused first, so
 * the dry run and the import refuse the same row.
 */
export function checkRow(r: CsvRow): CheckedRow {
  const v = r.values;
  const unsafe: RowError[] = [];
  for (const [field, cell] of Object.entries(v) as [ImportField, string][]) {
    const bad = findUnsafeCharacter(cell);
    if (bad) unsafe.push({ field, message: unsafeCharacterMessage(bad) });
  }
  const errors: RowError[] = [];
  const candidate: Record<string, unknown> = { firstName: v.firstName ?? '', lastName: v.lastName ?? '' };
  if (!v.firstName) errors.push({ field: 'firstName', message: 'first name is required' });
  if (!v.lastName) errors.push({ field: 'lastName', message: 'last name is required' });
  if (v.namePrefix) candidate.namePrefix = v.namePrefix;
  if (v.dateOfBirth) {
    const d = isoDate(v.dateOfBirth);
    if (d) candidate.dateOfBirth = d;
    else errors.push({ field: 'dateOfBirth', message: `"${v.dateOfBirth}" is not a date; write dd-mm-jjjj or yyyy-mm-dd` });
  } else errors.push({ field: 'dateOfBirth', message: 'date of birth is required' });
  if (v.gender) {
    const g = GENDERS[word(v.gender)];
    if (g) candidate.gender = g;
    else errors.push({ field: 'gender', message: `"${v.gender}" is not a gender; write v, m, x or onbekend` });
  }
  let status: ClientStatus = 'registered';
  if (v.status) {
    const s = STATUSES[word(v.status)];
    if (s) status = s;
    else errors.push({ field: 'status', message: `"${v.status}" is not a status; write aangemeld, intake, in behandeling or afgesloten` });
  }
  if (v.bsn) candidate.bsn = v.bsn;
  if (v.email) candidate.email = v.email.toLowerCase();
  if (v.phone) candidate.phone = v.phone;
  if (v.insurerUzovi) candidate.insurerUzovi = v.insurerUzovi;
  if (v.policyNumber) candidate.policyNumber = v.policyNumber;
  if (ADDRESS_PARTS.some((p) => v[p]) || v.country) {
    const country = (v.country ?? 'NL').toUpperCase();
    const missing = ADDRESS_PARTS.filter((p) => !v[p]);
    for (const p of missing) errors.push({ field: p, message: `${p} is required when the row has an address` });
    if (missing.length === 0) {
      candidate.address = {
        street: v.street,
        houseNumber: v.houseNumber,
        postalCode: postalCode(v.postalCode ?? '', country),
        city: v.city,
        country,
      };
    }
  }
  if (v.gpName || v.gpPracticeName || v.gpAgbCode) {
    if (!v.gpName) errors.push({ field: 'gpName', message: "the GP's name is required when the row names a GP practice or AGB code" });
    else candidate.gp = { name: v.gpName, practiceName: v.gpPracticeName ?? null, agbCode: v.gpAgbCode ?? null };
  }
  const parsed = ClientCreateBody.safeParse(candidate);
  if (!parsed.success) {
    const reported = new Set(errors.map((e) => e.field));
    for (const issue of parsed.error.issues) {
      const field = fieldOfIssue(issue.path);
      if (!reported.has(field)) errors.push({ field, message: issue.message });
    }
  }
  if (unsafe.length > 0) {
    // One message per field: the character, not what the rest of the check made of it.
    const named = new Set(unsafe.map((e) => e.field));
    return { row: r.row, ok: false, errors: [...unsafe, ...errors.filter((e) => !named.has(e.field))] };
  }
  if (errors.length > 0 || !parsed.success) return { row: r.row, ok: false, errors };
  return { row: r.row, ok: true, input: parsed.data, status };
}
