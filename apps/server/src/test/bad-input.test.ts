import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, startTestApp, type Reply, type TestApp } from './harness.ts';
import { createPopulatedPractice, objectIds, signIn, snapshotPractice, type PopulatedPractice } from './factories.ts';
import { exampled, sample, type JsonSchema } from './request-sampler.ts';

let t: TestApp;
let p: PopulatedPractice;
let owner: Client;
let base: string;
let doc: JsonSchema;

before(async () => {
  t = await startTestApp();
  p = await createPopulatedPractice(t.deps);
  owner = await signIn(t, p.owner);
  base = `/api/v1/practices/${p.id}`;
  doc = (await new Client(t.url).get('/api/docs/json')).body;
});
after(() => t.close());

function paths(res: Reply): string[] {
  return ((res.body?.error?.fields ?? []) as { path: string }[]).map((f) => f.path).sort();
}

/** Every practice route of the OpenAPI document with a JSON body, with a valid sample body. */
function bodyRoutes() {
  const ids = objectIds(p);
  const idFor = (field: string) => ids[field.replace(/Ids?$/, '')] ?? assert.fail(`no id for ${field}`);
  return Object.entries<JsonSchema>(doc.paths)
    .filter(([path]) => path.startsWith('/api/v1/practices/{practiceId}'))
    .flatMap(([path, ops]) =>
      (['post', 'put', 'patch'] as const)
        // Raw file uploads (PDF, CSV) have their own bad-input tests beside their module.
        .filter((m) => ops[m]?.requestBody?.content?.['application/json'])
        .map((m) => {
          const url = path.replace(/\{(\w+)\}/g, (_, name: string) => idFor(name));
          const schema = exampled(ops[m].requestBody.content['application/json']);
          const body = sample(schema, { idFor, text: 'Bad input', resolveRef: () => assert.fail('unexpected $ref') });
          return { label: `${m.toUpperCase()} ${path}`, method: m.toUpperCase(), url, body: body as Record<string, unknown> };
        }),
    );
}

describe('bad input', () => {
  it('answers malformed JSON with 400 bad_request', async () => {
    const before = await snapshotPractice(t.deps, p.id);
    const res = await owner.request('POST', `${base}/locations`, '{"name": "Half');
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'bad_request');
    const login = await new Client(t.url).request('POST', '/api/v1/auth/login', '{email:');
    assert.equal(login.status, 400);
    assert.equal(login.body.error.code, 'bad_request');
    assert.equal(await snapshotPractice(t.deps, p.id), before);
  });

  it('names an unknown field by its path', async () => {
    const res = await owner.post(`${base}/locations`, { name: 'Noord', colour: 'green' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'validation_failed');
    assert.deepEqual(paths(res), ['body.colour']);
  });

  it('names every field of the wrong type at once', async () => {
    const before = await snapshotPractice(t.deps, p.id);
    const res = await owner.post(`${base}/services`, { name: 42, defaultDurationMinutes: '45', allowedModes: 'video', active: 'yes' });
    assert.equal(res.status, 400);
    assert.deepEqual(paths(res), ['body.active', 'body.allowedModes', 'body.defaultDurationMinutes', 'body.name']);
    const modes = (res.body.error.fields as { path: string; message: string }[]).find((f) => f.path === 'body.allowedModes');
    assert.match(modes?.message ?? '', /expected array/);
    const nested = await owner.put(`${base}/staff/${p.clinicianMembershipId}/working-hours`, {
      items: [{ weekday: 8, start: '9:00', end: '25:00', locationId: 'here', modes: ['teleport'] }],
    });
    assert.equal(nested.status, 400);
    assert.deepEqual(paths(nested), [
      'body.items.0.end',
      'body.items.0.locationId',
      'body.items.0.modes.0',
      'body.items.0.start',
      'body.items.0.weekday',
    ]);
    assert.equal(await snapshotPractice(t.deps, p.id), before);
  });

  it('refuses a name longer than 200 characters, and accepts one of exactly 200', async () => {
    const before = await snapshotPractice(t.deps, p.id);
    const long = await owner.post(`${base}/locations`, { name: 'x'.repeat(201) });
    assert.equal(long.status, 400);
    assert.deepEqual(paths(long), ['body.name']);
    const profile = await owner.patch(base, { name: 'y'.repeat(201), legalName: 'z'.repeat(5000) });
    assert.equal(profile.status, 400);
    assert.deepEqual(paths(profile), ['body.legalName', 'body.name']);
    assert.equal(await snapshotPractice(t.deps, p.id), before);
    assert.equal((await owner.post(`${base}/locations`, { name: 'x'.repeat(200) })).status, 201);
  });

  it('answers path ids that are not uuids with 400 or 404, never a server error', async () => {
    const before = await snapshotPractice(t.deps, p.id);
    const junk = ['not-a-uuid', '1', "1' OR '1'='1", '%00', 'ＡＢＣ', 'x'.repeat(190)];
    const routes = Object.entries<JsonSchema>(doc.paths).filter(([path]) => path.startsWith('/api/v1/practices/{practiceId}'));
    let calls = 0;
    for (const [path, ops] of routes) {
      const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      for (const method of Object.keys(ops)) {
        for (const param of params) {
          for (const bad of junk) {
            const url = path.replace(/\{(\w+)\}/g, (_, name: string) =>
              name === param
                ? encodeURIComponent(bad)
                : name === 'practiceId'
                  ? p.id
                  : ({ locationId: p.locationId, roomId: p.roomId, serviceId: p.serviceId, membershipId: p.clinicianMembershipId }[name] ??
                    ''),
            );
            const res = await owner.request(method.toUpperCase(), url, method === 'get' ? undefined : {});
            calls++;
            assert.ok([400, 404].includes(res.status), `${method.toUpperCase()} ${url} answered ${res.status}`);
          }
        }
      }
    }
    assert.ok(calls > 100);
    assert.equal(await snapshotPractice(t.deps, p.id), before);
  });

  it('refuses, on every route with a body, an unknown field, a non-object body and malformed JSON, changing nothing', async () => {
    const routes = bodyRoutes();
    assert.ok(routes.length >= 8);
    const before = await snapshotPractice(t.deps, p.id);
    for (const r of routes) {
      const unknown = await owner.request(r.method, r.url, { ...r.body, zzUnknown: 1 });
      assert.equal(unknown.status, 400, `${r.label} with an unknown field answered ${unknown.status}`);
      assert.ok(paths(unknown).includes('body.zzUnknown'), `${r.label}: ${JSON.stringify(unknown.body)}`);
      for (const raw of ['[]', '"text"', 'null', '{"a":']) {
        const res = await owner.request(r.method, r.url, raw);
        assert.equal(res.status, 400, `${r.label} with body ${raw} answered ${res.status}`);
        assert.ok(['bad_request', 'validation_failed'].includes(res.body.error.code));
      }
    }
    assert.equal(await snapshotPractice(t.deps, p.id), before);
  });

  it('answers a body that is not JSON with 415', async () => {
    const res = await owner.request('POST', `${base}/locations`, 'name=Zuid', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(res.status, 415);
    assert.equal(res.body.error.code, 'unsupported_media_type');
  });

  it('names a bad query parameter', async () => {
    const res = await owner.get(`${base}/audit-log?limit=many&from=yesterday&colour=red`);
    assert.equal(res.status, 400);
    assert.deepEqual(paths(res), ['query.colour', 'query.from', 'query.limit']);
  });
});
