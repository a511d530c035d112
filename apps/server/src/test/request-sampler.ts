/**
 * Builds valid sample requests from the OpenAPI document, so a test can call every route
 * without knowing it in advance (the tenancy walker). Anything it cannot build throws a
 * `SamplerGap`, which the walker reports as a failure: a new route must be coverable.
 */

import { randomBsn } from './factories.ts';

export type JsonSchema = Record<string, any>;

export class SamplerGap extends Error {}

/** Values for patterns and refinements a JSON schema cannot express (IBAN check digits, zones). */
const KNOWN_PATTERNS: Record<string, string> = {
  '^\\d{8}$': '12345678',
  '^\\d{11}$': '12345678901',
  '^\\d{6}$': '123456',
  '^\\d{4}$': '3311',
  '^[A-Z]{2}\\d{4}$': 'CO0110',
  '^[A-Z]{3}$': 'EUR',
  '^[A-Z]{2}$': 'NL',
  '^([01]\\d|2[0-3]):[0-5]\\d$': '09:00',
  // A past calendar date, after the populated practice's trajectory start (so it can close it).
  '^\\d{4}-\\d{2}-\\d{2}$': '2020-03-27',
  '^\\+?[0-9 ()-]{6,20}$': '+31 20 123 4567',
  // A local date and time (LocalDateTime in shared): a Monday morning in the future.
  '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?([+-]\\d{2}:\\d{2})?$': '2030-01-07T10:00',
};
/** Values by field name; a function gives a fresh value per call (a BSN may be registered once). */
const KNOWN_FIELDS: Record<string, unknown> = {
  bsn: randomBsn,
  iban: 'NL91ABNA0417164300',
  timeZone: 'Europe/Amsterdam',
  start: '09:00',
  end: '17:00',
  postalCode: '1011 AB',
};

/**
 * Valid sample bodies for media types other than JSON, by type (a route documents its type
 * under requestBody.content). A function, so each call gets a fresh body.
 */
export const RAW_BODIES: Record<string, () => string | Uint8Array> = {
  'text/csv': () => `voornaam;achternaam;geboortedatum\r\nWalker;Csv ${crypto.randomUUID().slice(0, 8)};27-03-1980\r\n`,
  'application/pdf': () => Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1'),
};

export interface SampleContext {
  /** The id to use for a field or parameter named `<kind>Id`; throws a SamplerGap for unknown kinds. */
  idFor(field: string): string;
  /** A label for free text (so a test can tell its own writes apart). */
  text: string;
  resolveRef(ref: string): JsonSchema;
}

/**
 * The schema of a parameter or a JSON body with the example the OpenAPI document gives beside
 * it (`parameter.example`, `content['application/json'].example`), which `sample` then uses.
 */
export function exampled(holder: { schema: JsonSchema; example?: unknown }): JsonSchema {
  return holder.example === undefined ? holder.schema : { ...holder.schema, examples: [holder.example] };
}

/** A value that satisfies `schema`; `field` is the property name it is for, when there is one. */
export function sample(schema: JsonSchema, ctx: SampleContext, field = '', where = 'body'): unknown {
  if (typeof schema.$ref === 'string') return sample(ctx.resolveRef(schema.$ref), ctx, field, where);
  // A documented example wins (rules across fields, such as "an end or a duration", are met
  // by it); its identifiers are still the walker's.
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return withIds(schema.examples[0], ctx, field);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const options: JsonSchema[] | undefined = schema.anyOf ?? schema.oneOf;
  if (options) {
    const branch = options.find((o) => o.type !== 'null') ?? options[0];
    if (!branch) throw new SamplerGap(`${where}: empty anyOf`);
    return sample(branch, ctx, field, where);
  }
  if (field in KNOWN_FIELDS && (schema.type === 'string' || schema.type === undefined)) {
    const known = KNOWN_FIELDS[field];
    return typeof known === 'function' ? (known as () => unknown)() : known;
  }
  switch (schema.type) {
    case 'string':
      return sampleString(schema, ctx, field, where);
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : typeof schema.maximum === 'number' ? Math.min(1, schema.maximum) : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      if (!schema.items) throw new SamplerGap(`${where}: array without items`);
      const n = Math.min(Math.max(schema.minItems ?? 1, 1), schema.maxItems ?? 1);
      return Array.from({ length: n }, (_, i) => sample(schema.items, ctx, field, `${where}.${i}`));
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries<JsonSchema>(schema.properties ?? {})) out[key] = sample(sub, ctx, key, `${where}.${key}`);
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object' && !schema.properties) {
        throw new SamplerGap(`${where}: free-form object`);
      }
      return out;
    }
    default:
      throw new SamplerGap(`${where}: cannot sample a schema of type ${JSON.stringify(schema.type)}`);
  }
}

/** A copy of `value` whose `…Id` strings and `…Ids` arrays come from `ctx.idFor`. */
function withIds(value: unknown, ctx: SampleContext, field: string): unknown {
  if (Array.isArray(value)) return value.map((v) => withIds(v, ctx, field));
  if (typeof value === 'string' && /Ids?$/.test(field)) return ctx.idFor(field);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withIds(v, ctx, k)]));
}

function sampleString(schema: JsonSchema, ctx: SampleContext, field: string, where: string): string {
  if (schema.format === 'uuid' || /Ids?$/.test(field)) return ctx.idFor(field);
  if (schema.format === 'email') return `walker-${crypto.randomUUID().slice(0, 8)}@test.example`;
  if (schema.format === 'date-time') return new Date().toISOString();
  if (schema.format === 'date') return '2030-01-07';
  if (typeof schema.pattern === 'string') {
    const known = KNOWN_PATTERNS[schema.pattern];
    if (known === undefined) throw new SamplerGap(`${where}: no known value for the pattern ${schema.pattern}`);
    return known;
  }
  if (schema.format) throw new SamplerGap(`${where}: no sample for the format ${String(schema.format)}`);
  const min: number = schema.minLength ?? 0;
  const max: number = schema.maxLength ?? 200;
  return `${ctx.text} ${field}`.padEnd(min, 'x').slice(0, max);
}
