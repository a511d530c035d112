import { z } from 'zod';
import { Uuid } from './common.ts';

/** The client fields a CSV column can be mapped to. */
export const IMPORT_FIELDS = [
  'firstName',
  'namePrefix',
  'lastName',
  'dateOfBirth',
  'gender',
  'bsn',
  'email',
  'phone',
  'street',
  'houseNumber',
  'postalCode',
  'city',
  'country',
  'insurerUzovi',
  'policyNumber',
  'gpName',
  'gpPracticeName',
  'gpAgbCode',
  'status',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** Common Dutch and English headers per field, lower-case without spaces or punctuation (see `importFieldOfHeader`). */
export const IMPORT_HEADER_ALIASES: Record<ImportField, readonly string[]> = {
  firstName: ['voornaam', 'voornamen', 'roepnaam', 'firstname', 'givenname', 'forename'],
  namePrefix: ['tussenvoegsel', 'tussenvoegsels', 'voorvoegsel', 'prefix', 'nameprefix', 'infix'],
  lastName: ['achternaam', 'familienaam', 'geslachtsnaam', 'lastname', 'surname', 'familyname'],
  dateOfBirth: ['geboortedatum', 'gebdatum', 'geboortedag', 'dateofbirth', 'birthdate', 'dob', 'birthday'],
  gender: ['geslacht', 'gender', 'sex'],
  bsn: ['bsn', 'burgerservicenummer', 'citizenservicenumber', 'sofinummer'],
  email: ['email', 'emailadres', 'mail', 'emailaddress'],
  phone: ['telefoon', 'telefoonnummer', 'tel', 'mobiel', 'mobielnummer', 'phone', 'phonenumber', 'mobile', 'telephone'],
  street: ['straat', 'straatnaam', 'street', 'streetname'],
  houseNumber: ['huisnummer', 'huisnr', 'housenumber', 'number'],
  postalCode: ['postcode', 'postalcode', 'zip', 'zipcode'],
  city: ['woonplaats', 'plaats', 'stad', 'city', 'town'],
  country: ['land', 'country', 'landcode', 'countrycode'],
  insurerUzovi: ['uzovi', 'uzovicode', 'zorgverzekeraar', 'verzekeraar', 'insurer', 'insureruzovi'],
  policyNumber: ['polisnummer', 'polisnr', 'verzekerdennummer', 'policynumber', 'policy'],
  gpName: ['huisarts', 'naamhuisarts', 'huisartsnaam', 'gp', 'gpname'],
  gpPracticeName: ['huisartspraktijk', 'praktijkhuisarts', 'gppractice', 'gppracticename'],
  gpAgbCode: ['agbhuisarts', 'huisartsagb', 'agbcodehuisarts', 'gpagb', 'gpagbcode'],
  status: ['status', 'clientstatus'],
};
const FIELD_OF_ALIAS = new Map(
  Object.entries(IMPORT_HEADER_ALIASES).flatMap(([field, names]) => names.map((n) => [n, field as ImportField] as const)),
);

/**
 * The field a CSV header maps to without a mapping, or null: the import and the web's
 * mapping editor both use this, so what the editor pre-fills is what the import would do.
 * @example importFieldOfHeader('Geboorte-datum') // 'dateOfBirth'
 */
export function importFieldOfHeader(header: string): ImportField | null {
  return FIELD_OF_ALIAS.get(header.toLowerCase().replace(/[^a-z0-9]/g, '')) ?? null;
}

/** Columns a file must have (after mapping); without one, the file is refused as a whole. */
export const REQUIRED_IMPORT_FIELDS = ['firstName', 'lastName', 'dateOfBirth'] as const satisfies readonly ImportField[];

/** Largest CSV body the import accepts. */
export const IMPORT_MAX_BYTES = 10 * 1024 * 1024;

/** `{ "CSV header": field | null }`; `null` ignores a column that would be mapped automatically. */
export const ImportMapping = z.record(z.string().min(1).max(200), z.enum(IMPORT_FIELDS).nullable());

export const ImportQuery = z.strictObject({
  mapping: z
    .string()
    .max(10_000)
    .optional()
    .meta({
      description:
        'URL-encoded JSON object from CSV header to client field (or null to ignore the column), e.g. ' +
        '`{"Naam":"lastName","Extra":null}`. Headers not named here are mapped automatically when they are ' +
        'common Dutch or English names (voornaam/first name, tussenvoegsel, achternaam, geboortedatum, bsn, ' +
        'email, telefoon, straat, huisnummer, postcode, woonplaats, uzovi, polisnummer, huisarts, status …); ' +
        'other columns are ignored and listed in the report.',
    }),
});

/**
 * The request body: the CSV file itself (`Content-Type: text/csv`), UTF-8 (a byte-order mark
 * is allowed), separated by `;`, `,` or tab (detected from the header row), first row the
 * headers. Dates as dd-mm-jjjj or yyyy-mm-dd.
 */
export const ImportCsvBody = z
  .custom<Buffer>((v) => Buffer.isBuffer(v), 'send the CSV file as the request body with Content-Type: text/csv')
  .meta({
    type: 'string',
    description:
      'The CSV file, UTF-8 (not Windows-1252: in Excel choose "CSV UTF-8"), separated by ; , or tab, headers in the first row, ' +
      'at most 10 MiB. Dates as dd-mm-jjjj or yyyy-mm-dd.',
  });

const ImportRowError = z.object({
  /** The CSV header of the column, or null for a rule across columns. */
  column: z.string().nullable(),
  field: z.string(),
  message: z.string(),
});

const DuplicateOf = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('existing'),
    clientId: Uuid,
    clientNumber: z.string(),
    matchedOn: z.enum(['bsn', 'name_and_date_of_birth']),
  }),
  z.object({ kind: z.literal('row'), row: z.number().int(), matchedOn: z.enum(['bsn', 'name_and_date_of_birth']) }),
]);

export const ImportRowReport = z.object({
  /** Row number as a spreadsheet shows it: the header is row 1. */
  row: z.number().int(),
  outcome: z.enum(['create', 'duplicate', 'invalid']),
  /** The client created (real import) — null in a dry run. */
  clientId: Uuid.nullable(),
  clientNumber: z.string().nullable(),
  duplicateOf: DuplicateOf.nullable(),
  errors: z.array(ImportRowError),
});

export const ImportReport = z
  .object({
    dryRun: z.boolean(),
    delimiter: z.enum([';', ',', '\t']),
    columns: z.array(z.object({ header: z.string(), field: z.enum(IMPORT_FIELDS).nullable() })),
    totals: z.object({
      rows: z.number().int(),
      create: z.number().int(),
      duplicate: z.number().int(),
      invalid: z.number().int(),
    }),
    rows: z.array(ImportRowReport),
  })
  .meta({ id: 'ClientImportReport' });
