/**
 * Hostile text on every route, generated from the OpenAPI document: every string field of
 * every JSON body (POST, PATCH, PUT — practice routes and the others alike) and every query
 * parameter gets, one at a time, a NUL, a lone surrogate, a right-to-left override and 10,000
 * characters; every date in them a year 0001 and 9999. The first three are a 400 naming the
 * field, the years too; nothing is ever a 5xx, and a refused request leaves every table as it
 * was. Routes are read from the document, so a route added tomorrow is covered without
 * editing this file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { Client, startTestApp, type Reply, type TestApp } from './harness.ts';
import { createPopulatedPractice, objectIds, signIn, snapshotPractice, type PopulatedPractice } from './factories.ts';
import { exampled, RAW_BODIES, sample, SamplerGap, type JsonSchema } from './request-sampler.ts';

const MARK = `Hostile-${crypto.randomUUID().slice(0, 8)}`;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** Tables a refused request may still write to: the access log (and its chain heads), login attempts, outboxes. */
const MAY_CHANGE = new Set([
  'audit_log',
  'audit_chain_heads',
  'login_attempts',
  'email_outbox',
  'sms_outbox',
  'kysely_migration',
  'kysely_migration_lock',
]);

let t: TestApp;
let p: PopulatedPractice;
let owner: Client;
let doc: JsonSchema;
/** One statement: per table of the public schema, the practice's rows (or, without practice_id, the rows mentioning MARK). */
let countRows: () => Promise<string>;

interface Operation {
  method: string;
  path: string;
  op: JsonSchema;
}
let operations: Operation[];

function resolveRef(ref: string): JsonSchema {
  const found = doc.components?.schemas?.[ref.replace('#/components/schemas/', '')];
  if (!found) throw new SamplerGap(`unresolvable $ref ${ref}`);
  return found;
}
const deref = (s: JsonSchema): JsonSchema => (typeof s.$ref === 'string' ? deref(resolveRef(s.$ref)) : s);

/** The populated practice's object of that kind, or any uuid (the requests are refused before an id is looked up). */
function idFor(field: string): string {
  return objectIds(p)[field.replace(/Ids?$/, '')] ?? crypto.randomUUID();
}
const ctx = { idFor, text: MARK, resolveRef };

/** The URL of an operation with its path parameters filled (a token that is well-formed but unknown). */
function urlOf(o: Operation): string {
  return o.path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'token' ? 'x'.repeat(43) : idFor(name)));
}

/** A step into a body: a property or the first item of an array, with the schema of what it leads to. */
interface Step {
  key: string | number;
  schema: JsonSchema;
}
/** A string in a body schema (an enum or a uuid is text on the wire too), with the schemas on the way to it. */
interface Leaf {
  steps: Step[];
  schema: JsonSchema;
}

const isText = (s: JsonSchema) =>
  s.type === 'string' || (Array.isArray(s.enum) && s.enum.some((v: unknown) => typeof v === 'string')) || typeof s.const === 'string';

function textLeaves(schema: JsonSchema, steps: Step[] = [], out: Leaf[] = []): Leaf[] {
  const s = deref(schema);
  if (steps.length > 8) return out;
  const options: JsonSchema[] | undefined = s.anyOf ?? s.oneOf;
  if (options) {
    for (const o of options) if (deref(o).type !== 'null') textLeaves(o, steps, out);
    return out;
  }
  if (isText(s)) out.push({ steps, schema: s });
  else if (s.type === 'object') {
    for (const [key, sub] of Object.entries<JsonSchema>(s.properties ?? {})) textLeaves(sub, [...steps, { key, schema: deref(sub) }], out);
  } else if (s.type === 'array' && s.items) textLeaves(s.items, [...steps, { key: 0, schema: deref(s.items) }], out);
  return out;
}

const pathOf = (steps: Step[]) => steps.map((s) => s.key).join('.');

/** A copy of `body` with `value` at the leaf, sampling any object or array on the way that the body lacks. */
function withValue(body: unknown, steps: Step[], value: string): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  steps.forEach((step, i) => {
    if (i === steps.length - 1) {
      node[step.key] = value;
      return;
    }
    const next = node[step.key];
    const wantArray = typeof steps[i + 1]?.key === 'number';
    if (next === null || typeof next !== 'object' || Array.isArray(next) !== wantArray) {
      node[step.key] = wantArray ? [] : sampleObject(step.schema, String(step.key));
    }
    node = node[step.key] as Record<string | number, unknown>;
  });
  return copy;
}
/**
 * A valid object for an optional field the body's example leaves out; `{}` where the sampler
 * knows no value (the hostile text is refused before the object is validated anyway).
 */
function sampleObject(schema: JsonSchema, field: string): unknown {
  try {
    return sample(anObject(schema), ctx, field);
  } catch (err) {
    if (err instanceof SamplerGap) return {};
    throw err;
  }
}
/** The object branch of a schema (a nullable object is an anyOf). */
function anObject(s: JsonSchema): JsonSchema {
  const options: JsonSchema[] | undefined = s.anyOf ?? s.oneOf;
  return options ? deref(options.find((o) => deref(o).type === 'object') ?? options[0] ?? s) : s;
}

function valueAt(body: unknown, steps: Step[]): unknown {
  let node: unknown = body;
  for (const s of steps) node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[s.key] : undefined;
  return node;
}

/** A valid value for an optional parameter, or `fallback` where the sampler knows none (a comma-separated list). */
function sampleOr(holder: { name: string; schema: JsonSchema; example?: unknown }, fallback: string): string {
  try {
    return String(sample(exampled(holder), ctx, holder.name));
  } catch (err) {
    if (err instanceof SamplerGap) return fallback;
    throw err;
  }
}

/** A valid date for a schema that takes one (by format or by a pattern starting YYYY-MM-DD), else null. */
function dateFor(s: JsonSchema, current: unknown): string | null {
  if (typeof current === 'string' && /^\d{4}-\d{2}-\d{2}/.test(current)) return current;
  const pattern = typeof s.pattern === 'string' ? new RegExp(s.pattern) : null;
  const candidates = ['2030-01-07T10:00:00Z', '2030-01-07T10:00', '2030-01-07'];
  if (s.format === 'date-time') return candidates[0] ?? null;
  if (s.format === 'date') return '2030-01-07';
  if (!pattern || !/^\^\\d\{4\}-\\d\{2\}-\\d\{2\}/.test(s.pattern as string)) return null;
  return candidates.find((c) => pattern.test(c)) ?? null;
}

interface Variant {
  name: string;
  value: (valid: string) => string;
  /** The field error's message must match this (the answer must be a 400 naming the field); none: any 2xx or 4xx. */
  refused?: RegExp;
}
const TEXT_VARIANTS: Variant[] = [
  { name: 'a NUL', value: (v) => `${v.slice(0, 1)}\u0000${v.slice(1)}`, refused: /control character \(U\+0000\)/ },
  { name: 'a lone surrogate', value: (v) => `${v}\uD800`, refused: /UTF-16 surrogate/ },
  { name: 'a right-to-left override', value: (v) => `\u202E${v}`, refused: /text-direction control \(U\+202E\)/ },
  { name: '10,000 characters', value: (v) => v + 'x'.repeat(Math.max(0, 10_000 - v.length)) },
];
const YEAR_VARIANTS: Variant[] = [
  { name: 'the year 0001', value: (v) => `0001${v.slice(4)}`, refused: /./ },
  { name: 'the year 9999', value: (v) => `9999${v.slice(4)}`, refused: /./ },
];

function fieldsOf(res: Reply): { path: string; message: string }[] {
  return (res.body?.error?.fields ?? []) as { path: string; message: string }[];
}

/**
 * Sends one hostile request; checks the answer. Returns whether it was refused (4xx), so the
 * caller can check that nothing changed.
 */
function judge(label: string, res: Reply, field: string, v: Variant, problems: string[]): boolean {
  if (res.status >= 500) {
    problems.push(`${label}: ${v.name} in ${field} answered ${res.status}`);
    return false;
  }
  if (v.refused) {
    const named = fieldsOf(res).find((f) => f.path === field);
    if (res.status !== 400 || !named || !v.refused.test(named.message)) {
      problems.push(`${label}: ${v.name} in ${field} answered ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    }
  }
  return res.status >= 400;
}

before(async () => {
  t = await startTestApp();
  p = await createPopulatedPractice(t.deps, MARK);
  owner = await signIn(t, p.owner);
  doc = (await new Client(t.url).get('/api/docs/json')).body;
  operations = Object.entries<JsonSchema>(doc.paths).flatMap(([path, ops]) =>
    METHODS.filter((m) => ops[m]).map((method) => ({ method, path, op: ops[method] as JsonSchema })),
  );
  const tables = await sql<{ table_name: string; scoped: boolean }>`
    SELECT c.relname AS table_name,
           EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'practice_id' AND NOT a.attisdropped) AS scoped
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
       -- what the application role can reach (not the migration tables)
       AND has_table_privilege(c.oid, 'SELECT') ORDER BY c.relname`.execute(t.deps.db);
  const counted = tables.rows.filter((r) => !MAY_CHANGE.has(r.table_name));
  assert.ok(counted.length >= 25, `only ${counted.length} tables found`);
  const parts = counted.map((r) =>
    r.scoped
      ? sql`${r.table_name}::text, (SELECT count(*) FROM ${sql.table(r.table_name)} WHERE practice_id = ${p.id})`
      : sql`${r.table_name}::text, (SELECT count(*) FROM ${sql.table(r.table_name)} AS x WHERE x::text LIKE ${`%${MARK}%`})`,
  );
  countRows = async () => {
    const res = await sql<{ counts: unknown }>`SELECT json_build_object(${sql.join(parts)}) AS counts`.execute(t.deps.db);
    return JSON.stringify(res.rows[0]?.counts);
  };
});
after(() => t.close());

/** One field of one request, and how to send it with a variant in it. */
interface Probe {
  field: string;
  variants: Variant[];
  send(v: Variant): Promise<Reply>;
}

let baseline: string | undefined;

/**
 * Sends every variant of every field of one operation. After each refused request the row
 * counts of every table must be as before (one statement); the practice's rows are compared
 * in full once the variants that must be refused have run, and again after the rest unless
 * one of those succeeded (a 2xx may write; the next operation starts from what it left).
 */
async function probeOperation(label: string, probes: Probe[], problems: string[]): Promise<void> {
  baseline ??= await snapshotPractice(t.deps, p.id);
  let counts = await countRows();
  const run = async (must: boolean) => {
    let succeeded = false;
    for (const probe of probes) {
      for (const v of probe.variants.filter((x) => !!x.refused === must)) {
        const res = await probe.send(v);
        const refused = judge(label, res, probe.field, v, problems);
        const now = await countRows();
        if (refused && now !== counts) problems.push(`${label}: ${v.name} in ${probe.field} was refused, yet rows were written`);
        if (!refused) succeeded = true;
        counts = now;
      }
    }
    const after = await snapshotPractice(t.deps, p.id);
    if (!succeeded && after !== baseline)
      problems.push(`${label}: requests refused (${must ? 'bad text, years' : 'long text'}) changed the practice's rows`);
    baseline = after;
  };
  await run(true);
  await run(false);
}

describe('hostile text, generated from the OpenAPI document', () => {
  it('refuses a NUL, a lone surrogate and a right-to-left override in every string of every JSON body, naming the field; 10,000 characters are never a 5xx; a refusal writes nothing', async () => {
    const problems: string[] = [];
    let fields = 0;
    let dates = 0;
    for (const o of operations.filter(
      (x) => ['post', 'put', 'patch'].includes(x.method) && x.op.requestBody?.content?.['application/json'],
    )) {
      const label = `${o.method.toUpperCase()} ${o.path}`;
      const schema = exampled(o.op.requestBody.content['application/json']);
      const base = sample(schema, ctx);
      const probes: Probe[] = [];
      const seen = new Set<string>();
      for (const leaf of textLeaves(schema)) {
        const field = `body.${pathOf(leaf.steps)}`;
        if (seen.has(field)) continue;
        seen.add(field);
        fields++;
        const current = valueAt(base, leaf.steps);
        const valid = typeof current === 'string' && current !== '' ? current : 'Text';
        const send = (from: string) => (v: Variant) =>
          owner.request(o.method.toUpperCase(), urlOf(o), withValue(base, leaf.steps, v.value(from)));
        probes.push({ field, variants: TEXT_VARIANTS, send: send(valid) });
        const date = dateFor(leaf.schema, current);
        if (date) {
          dates++;
          probes.push({ field, variants: YEAR_VARIANTS, send: send(date) });
        }
      }
      await probeOperation(label, probes, problems);
    }
    assert.deepEqual(problems, []);
    assert.ok(fields >= 100, `only ${fields} body fields probed`);
    assert.ok(dates >= 10, `only ${dates} body dates probed`);
  });

  it('does the same for every query parameter of every route', async () => {
    const problems: string[] = [];
    let params = 0;
    let dates = 0;
    for (const o of operations) {
      const all: JsonSchema[] = (o.op.parameters ?? []).filter((x: JsonSchema) => x.in === 'query');
      if (all.length === 0) continue;
      const label = `${o.method.toUpperCase()} ${o.path}`;
      const required = new URLSearchParams();
      for (const q of all.filter((x) => x.required))
        required.set(q.name, String(sample(exampled(q as { schema: JsonSchema }), ctx, q.name)));
      const content: Record<string, unknown> = o.op.requestBody?.content ?? {};
      const rawType = Object.keys(content).find((type) => type in RAW_BODIES);
      const probes: Probe[] = [];
      for (const q of all) {
        params++;
        const field = `query.${q.name}`;
        const valid = required.get(q.name) ?? sampleOr(q as { name: string; schema: JsonSchema }, 'Text');
        const send = (from: string) => (v: Variant) => {
          const qs = new URLSearchParams(required);
          qs.delete(q.name);
          // A lone surrogate cannot be percent-encoded as UTF-8: it arrives as the bytes a careless encoder writes for it.
          const hostile = v.value(from);
          const encoded = hostile.includes('\uD800')
            ? `${encodeURIComponent(hostile.replace('\uD800', ''))}%ED%A0%80`
            : encodeURIComponent(hostile);
          const url = `${urlOf(o)}?${qs.toString() ? `${qs.toString()}&` : ''}${q.name}=${encoded}`;
          if (rawType) return owner.raw(o.method.toUpperCase(), url, RAW_BODIES[rawType]!(), rawType);
          return owner.request(o.method.toUpperCase(), url, ['get', 'delete'].includes(o.method) ? undefined : {});
        };
        probes.push({ field, variants: TEXT_VARIANTS, send: send(valid) });
        const date = dateFor(deref(q.schema as JsonSchema), valid);
        if (date) {
          dates++;
          probes.push({ field, variants: YEAR_VARIANTS, send: send(date) });
        }
      }
      await probeOperation(label, probes, problems);
    }
    assert.deepEqual(problems, []);
    assert.ok(params >= 30, `only ${params} query parameters probed`);
    assert.ok(dates >= 10, `only ${dates} query dates probed`);
  });
});
