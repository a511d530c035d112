/**
 * The tenancy walker: every route under /practices/{practiceId} in the OpenAPI document is
 * called by the owner of practice A with practice B's identifiers. Each must answer 404 (or
 * 403), never show B's marker, and leave B's rows as they were. Routes are read from the
 * document, so a new route is walked without editing this file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { Client, startTestApp, type Reply, type TestApp } from './harness.ts';
import {
  addMember,
  createPopulatedPractice,
  createUser,
  objectIds,
  signIn,
  snapshotPractice,
  type PopulatedPractice,
} from './factories.ts';
import { exampled, RAW_BODIES, sample, SamplerGap, type JsonSchema } from './request-sampler.ts';

const PREFIX = '/api/v1/practices/{practiceId}';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Operation {
  method: (typeof METHODS)[number];
  path: string;
  op: JsonSchema;
}

type Objects = Record<string, string>;

let t: TestApp;
let doc: JsonSchema;
let a: PopulatedPractice;
let b: PopulatedPractice;
let owner: Client;
let operations: Operation[];

function resolveRef(ref: string): JsonSchema {
  const name = ref.replace('#/components/schemas/', '');
  const found = doc.components?.schemas?.[name];
  if (!found) throw new SamplerGap(`unresolvable $ref ${ref}`);
  return found;
}

function idPicker(objects: Objects, used?: Set<string>) {
  return (field: string) => {
    const kind = field.replace(/Ids?$/, '');
    const id = objects[kind];
    if (!id) throw new SamplerGap(`no object of kind "${kind}" to fill ${field}`);
    used?.add(field);
    return id;
  };
}

interface Built {
  url: string;
  body: unknown;
  /** Body fields that hold an identifier of another object. */
  bodyIdFields: Set<string>;
  /** Path parameters other than practiceId. */
  otherParams: string[];
  /** Set when the body is not JSON (sent as is). */
  contentType: string | undefined;
}

/** A valid request for `o`, with path identifiers from `pathObjects` and body identifiers from `bodyObjects`. */
function build(o: Operation, pathObjects: Objects, bodyObjects: Objects = pathObjects): Built {
  const params: JsonSchema[] = o.op.parameters ?? [];
  const pick = idPicker(pathObjects);
  let url = o.path;
  const otherParams: string[] = [];
  const query = new URLSearchParams();
  for (const p of params) {
    if (p.in === 'path') {
      if (!/Id$/.test(p.name)) throw new SamplerGap(`${o.method} ${o.path}: path parameter ${p.name} is not an identifier`);
      url = url.replace(`{${p.name}}`, pick(p.name));
      if (p.name !== 'practiceId') otherParams.push(p.name);
    } else if (p.in === 'query' && p.required) {
      query.set(
        p.name,
        String(
          sample(
            exampled(p as { schema: JsonSchema }),
            { idFor: idPicker(pathObjects), text: 'Walker', resolveRef },
            p.name,
            `query.${p.name}`,
          ),
        ),
      );
    }
  }
  if (/\{[^}]+\}/.test(url)) throw new SamplerGap(`${o.method} ${o.path}: undocumented path parameter in ${url}`);
  const content: Record<string, unknown> = o.op.requestBody?.content ?? {};
  const json = o.op.requestBody?.content?.['application/json'] as { schema: JsonSchema; example?: unknown } | undefined;
  const bodySchema = json ? exampled(json) : undefined;
  const contentType = bodySchema ? undefined : Object.keys(content).find((type) => type in RAW_BODIES);
  if (o.op.requestBody && !bodySchema && !contentType) {
    throw new SamplerGap(`${o.method} ${o.path}: request body is neither JSON nor a type in RAW_BODIES`);
  }
  const bodyIdFields = new Set<string>();
  const body = bodySchema
    ? sample(bodySchema, { idFor: idPicker(bodyObjects, bodyIdFields), text: 'Walker', resolveRef })
    : contentType
      ? RAW_BODIES[contentType]?.()
      : undefined;
  const qs = query.toString();
  return { url: qs ? `${url}?${qs}` : url, body, bodyIdFields, otherParams, contentType };
}

function call(o: Operation, built: Built, as: Client = owner): Promise<Reply> {
  if (built.contentType) return as.raw(o.method.toUpperCase(), built.url, built.body as string | Uint8Array, built.contentType);
  return as.request(o.method.toUpperCase(), built.url, built.body);
}

function label(o: Operation) {
  return `${o.method.toUpperCase()} ${o.path.slice(PREFIX.length) || '/'}`;
}

async function assertBUntouched(o: Operation, res: Reply, before: string) {
  const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '');
  assert.ok(!text.includes(b.marker), `${label(o)} leaked practice B's data: ${text.slice(0, 300)}`);
  assert.equal(await snapshotPractice(t.deps, b.id), before, `${label(o)} changed practice B's rows`);
}

before(async () => {
  t = await startTestApp();
  a = await createPopulatedPractice(t.deps, `A-MARKER-${crypto.randomUUID()}`);
  b = await createPopulatedPractice(t.deps, `B-MARKER-${crypto.randomUUID()}`);
  owner = await signIn(t, a.owner);
  const res = await new Client(t.url).get('/api/docs/json');
  assert.equal(res.status, 200);
  doc = res.body;
  const all = Object.entries<JsonSchema>(doc.paths)
    .filter(([path]) => path.startsWith(PREFIX))
    .flatMap(([path, ops]) => METHODS.filter((m) => ops[m]).map((method) => ({ method, path, op: ops[method] as JsonSchema })));
  // Routes that remove or merge data go last, so the others still find their objects.
  const destructive = (o: Operation) => o.method === 'delete' || /\/(destruction|merge)$/.test(o.path);
  operations = [...all.filter((o) => !destructive(o)), ...all.filter(destructive)];
});
after(() => t.close());

describe('tenancy walker', () => {
  it('can build a valid request for every route under /practices/{practiceId}', () => {
    assert.ok(operations.length >= 15, `only ${operations.length} practice routes found in the OpenAPI document`);
    const gaps: string[] = [];
    for (const o of operations) {
      try {
        build(o, objectIds(a));
      } catch (err) {
        if (!(err instanceof SamplerGap)) throw err;
        gaps.push(`${label(o)}: ${err.message}`);
      }
    }
    assert.deepEqual(gaps, [], 'routes the walker cannot build a request for (teach request-sampler.ts)');
  });

  it("answers 404 to every route called with another practice's id, exactly as for a practice that does not exist", async () => {
    for (const o of operations) {
      const before = await snapshotPractice(t.deps, b.id);
      const res = await call(o, build(o, objectIds(b)));
      assert.equal(res.status, 404, `${label(o)} with B's practice id answered ${res.status}`);
      assert.equal(res.body.error.code, 'not_found');
      await assertBUntouched(o, res, before);
      const ghost = await call(o, build(o, { ...objectIds(b), practice: crypto.randomUUID() }));
      assert.equal(ghost.status, 404);
      assert.equal(ghost.body.error.message, res.body.error.message, `${label(o)} tells an existing practice apart from none`);
    }
  });

  it("answers 404 or 403 to every route called in the own practice with another practice's object ids", async () => {
    let walked = 0;
    for (const o of operations) {
      const built = build(o, { ...objectIds(b), practice: a.id });
      if (built.otherParams.length === 0 && built.bodyIdFields.size === 0) continue;
      walked++;
      const before = await snapshotPractice(t.deps, b.id);
      const res = await call(o, built);
      if (res.status === 400) {
        // An identifier in the body that is not this practice's is a field error on that field.
        const paths: string[] = (res.body.error.fields ?? []).map((f: { path: string }) => f.path);
        assert.ok(
          paths.length > 0 && paths.every((p) => [...built.bodyIdFields].some((field) => p.endsWith(`.${field}`))),
          `${label(o)} answered 400 for something other than B's identifiers: ${JSON.stringify(res.body)}`,
        );
      } else {
        assert.ok([403, 404].includes(res.status), `${label(o)} with B's object ids answered ${res.status}: ${JSON.stringify(res.body)}`);
      }
      await assertBUntouched(o, res, before);
    }
    assert.ok(walked >= 7, `only ${walked} routes take another object's id`);
  });

  it("refuses another practice's ids in the body even when the path holds the own practice's objects", async () => {
    let walked = 0;
    for (const o of operations) {
      const built = build(o, objectIds(a), { ...objectIds(b), practice: a.id });
      if (built.bodyIdFields.size === 0) continue;
      walked++;
      const before = await snapshotPractice(t.deps, b.id);
      const res = await call(o, built);
      assert.ok([400, 403, 404].includes(res.status), `${label(o)} with B's ids in the body answered ${res.status}`);
      await assertBUntouched(o, res, before);
    }
    assert.ok(walked >= 2, `only ${walked} routes take an identifier in the body`);
  });

  it("succeeds on every route with the own practice's ids and the same generated requests (the walker is not vacuous)", async () => {
    const failures: string[] = [];
    let gets = 0;
    for (const o of operations) {
      const res = await call(o, build(o, objectIds(a)));
      // Clinical notes are for clinicians only, and break-the-glass for clinicians who see only
      // their own clients; the owner's 403 there is the rule, not a gap.
      if (res.status === 403 && (o.path.includes('/notes') || o.path.endsWith('/break-glass'))) continue;
      if (res.status < 200 || res.status >= 300) failures.push(`${label(o)} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      if (o.method === 'get') {
        gets++;
        assert.ok(!JSON.stringify(res.body).includes(b.marker), `${label(o)} shows B's data to A`);
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(gets >= 8, `only ${gets} GET routes walked`);
  });
});

/**
 * The same walk inside one practice, by a clinician who does not treat the client (but wrote a
 * note on it, as in the attack): every route that names the client answers 403/404 and leaves
 * the practice as it was, and no route shows anything of the client — until the clinician
 * breaks the glass, after which the client's routes answer and every access is flagged.
 */
describe('tenancy walker: a clinician of the same practice who does not treat the client', () => {
  let c: PopulatedPractice;
  let stranger: Client;
  let strangerUserId: string;
  /** What only the client's file holds: names, BSN, document, note, care demand, waitlist remark. */
  let secrets: string[];

  const clientScoped = (o: Operation, built: Built) =>
    o.path.includes('{clientId}') || [...built.bodyIdFields].some((f) => /^clientIds?$/.test(f));
  const leaked = (res: Reply) => {
    const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '');
    return secrets.filter((s) => text.includes(s));
  };

  before(async () => {
    c = await createPopulatedPractice(t.deps, `C-MARKER-${crypto.randomUUID()}`);
    const user = await createUser(t.deps, { name: 'Dr. Stranger' });
    await addMember(t.deps, c.id, user, ['clinician']);
    strangerUserId = user.id;
    stranger = await signIn(t, user);
    const client = await t.deps.db.selectFrom('clients').select('bsn').where('id', '=', c.clientId).executeTakeFirstOrThrow();
    secrets = [
      `Primary ${c.marker}`,
      `Duplicate ${c.marker}`,
      `Referral ${c.marker}`,
      `Note ${c.marker}`,
      `Care ${c.marker}`,
      `Waiting ${c.marker}`,
      client.bsn ?? 'no-bsn',
    ];
    // The populated practice's `clinician` wrote a note on the client but does not treat it.
    const author = await signIn(t, c.clinician);
    const own = await author.get(`/api/v1/practices/${c.id}/clients/${c.clientId}/notes`);
    assert.equal(own.status, 403, 'writing a note made its author a treating clinician');
    assert.equal(own.body.error.code, 'not_treating');
  });

  it('answers 403/404 to every client-scoped route, changes nothing and shows nothing of the client on any route', async () => {
    let scoped = 0;
    for (const o of operations) {
      const built = build(o, objectIds(c));
      const isClientRoute = clientScoped(o, built);
      // Breaking the glass is the way in; walked in the next test.
      if (o.path.endsWith('/break-glass')) continue;
      const before = isClientRoute ? await snapshotPractice(t.deps, c.id) : '';
      const res = await call(o, built, stranger);
      assert.deepEqual(leaked(res), [], `${label(o)} showed the client to a clinician who does not treat it (${res.status})`);
      assert.ok(res.status < 500, `${label(o)} answered ${res.status}`);
      if (!isClientRoute) continue;
      scoped++;
      assert.ok(
        [403, 404].includes(res.status),
        `${label(o)} answered ${res.status} to a clinician who does not treat the client: ${JSON.stringify(res.body).slice(0, 300)}`,
      );
      assert.equal(await snapshotPractice(t.deps, c.id), before, `${label(o)} changed the practice's rows`);
    }
    assert.ok(scoped >= 15, `only ${scoped} client-scoped routes walked`);
  });

  it('opens the client-scoped reads after break-the-glass, every access flagged with the reason', async () => {
    const base = `/api/v1/practices/${c.id}/clients/${c.clientId}`;
    const short = await stranger.post(`${base}/break-glass`, { reason: 'kort' });
    assert.equal(short.status, 400);
    assert.deepEqual(
      short.body.error.fields.map((f: { path: string }) => f.path),
      ['body.reason'],
    );
    const reason = `Crisisdienst: cliënt belt acuut ${crypto.randomUUID().slice(0, 8)}`;
    const glass = await stranger.post(`${base}/break-glass`, { reason });
    assert.equal(glass.status, 201, JSON.stringify(glass.body));
    const minutes = (Date.parse(glass.body.expiresAt) - Date.parse(glass.body.grantedAt)) / 60_000;
    assert.equal(minutes, 60);
    const since = new Date(glass.body.grantedAt);
    let opened = 0;
    for (const o of operations) {
      if (o.method !== 'get' || !o.path.includes('{clientId}')) continue;
      const res = await call(o, build(o, objectIds(c)), stranger);
      if (/\/export\.(json|pdf)$/.test(o.path)) {
        // Exports are for the owner and back office (or a clinician's own notes): a role rule.
        assert.equal(res.body.error?.code, 'forbidden');
        continue;
      }
      if (o.path.includes('{noteId}')) {
        // The colleague's note stays hidden: break-the-glass is not a treatment relationship.
        assert.equal(res.status, 404);
        continue;
      }
      assert.ok(
        res.status >= 200 && res.status < 300,
        `${label(o)} answered ${res.status} after break-the-glass: ${JSON.stringify(res.body).slice(0, 200)}`,
      );
      opened++;
    }
    assert.ok(opened >= 8, `only ${opened} client GET routes walked`);
    // Notes of colleagues stay closed: break-the-glass is not a treatment relationship.
    const notes = await stranger.get(`${base}/notes`);
    assert.deepEqual(leaked(notes), []);
    const rows = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'break_glass', 'reason', 'outcome'])
      .where('practice_id', '=', c.id)
      .where('user_id', '=', strangerUserId)
      .where('client_id', '=', c.clientId)
      .where('at', '>=', since)
      .orderBy('at')
      .execute();
    assert.ok(rows.length >= opened, `only ${rows.length} access-log entries for ${opened} reads`);
    for (const r of rows) {
      assert.equal(r.break_glass, true, `${r.action} is not flagged break-the-glass`);
      assert.ok(r.reason?.startsWith(reason), `${r.action} does not carry the reason: ${r.reason}`);
    }
    assert.ok(rows.some((r) => r.action === 'client.break_glass'));
    assert.ok(rows.some((r) => r.action === 'client.read'));
    const count = await t.deps.db
      .selectFrom('audit_log')
      .select(sql<string>`count(*)`.as('n'))
      .where('practice_id', '=', c.id)
      .where('break_glass', '=', true)
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), rows.length);
  });
});
