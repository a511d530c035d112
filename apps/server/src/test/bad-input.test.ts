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

describe('bad input: Origin', () => {
  it('refuses a mutation with a malformed or foreign Origin with 403, changing nothing; a read and the own origin pass', async () => {
    const before = await snapshotPractice(t.deps, p.id);
    const origin = new URL(t.url);
    for (const bad of [
      'null',
      'http://',
      'garbage',
      '://',
      'http://evil.example',
      `${t.url}/path`,
      `http://user@${origin.host}`,
      `ftp://${origin.host}`,
    ]) {
      const res = await owner.request('POST', `${base}/locations`, { name: 'Via a frame' }, { origin: bad });
      assert.equal(res.status, 403, `Origin ${bad} answered ${res.status}`);
      assert.equal(res.body.error.code, 'forbidden');
      const login = await new Client(t.url).request('POST', '/api/v1/auth/login', { email: 'a@b.example', password: 'x' }, { origin: bad });
      assert.equal(login.status, 403, `Origin ${bad} on login answered ${login.status}`);
    }
    assert.equal(await snapshotPractice(t.deps, p.id), before);
    assert.equal((await owner.request('GET', `${base}/locations`, undefined, { origin: 'null' })).status, 200);
    assert.equal((await owner.request('POST', `${base}/locations`, { name: 'Same site' }, { origin: t.url })).status, 201);
  });
});

describe('bad input: dates', () => {
  const booking = (start: string, extra: Record<string, unknown> = {}) => ({
    clientIds: [p.clientId],
    clinicianIds: [p.leadMembershipId],
    serviceId: p.serviceId,
    mode: 'video',
    start,
    durationMinutes: 45,
    ...extra,
  });
  const year = (res: Reply, path: string) => {
    assert.equal(res.status, 400, JSON.stringify(res.body));
    const field = (res.body.error.fields as { path: string; message: string }[]).find((f) => f.path === path);
    assert.match(field?.message ?? '', /year must be from 1900 to 2100/, JSON.stringify(res.body));
  };

  it('refuses bookings, series, offers and absences in the year 1 or 9999, naming the field, and writes nothing', async () => {
    const before = await snapshotPractice(t.deps, p.id);
    for (const start of ['0001-01-01T10:00', '9999-12-31T10:00', '1899-12-31T10:00', '2101-01-01T10:00']) {
      year(await owner.post(`${base}/appointments`, booking(start)), 'body.start');
      year(await owner.patch(`${base}/appointments/${p.appointmentId}`, { start }), 'body.start');
      year(
        await owner.post(`${base}/waitlist/${p.waitlistEntryId}/offers`, {
          start,
          durationMinutes: 45,
          clinicianId: p.leadMembershipId,
          mode: 'video',
        }),
        'body.start',
      );
    }
    year(await owner.post(`${base}/appointments`, booking('2030-01-07T10:00', { end: '9999-01-07T11:00' })), 'body.end');
    year(
      await owner.post(`${base}/appointments`, booking('2030-01-07T10:00', { recurrence: { frequency: 'weekly', until: '9999-01-01' } })),
      'body.recurrence.until',
    );
    const runsOver = await owner.post(
      `${base}/appointments`,
      booking('2100-12-20T10:00', { recurrence: { frequency: 'weekly', count: 3 }, outsideHours: { reason: 'test' } }),
    );
    assert.equal(runsOver.status, 400, JSON.stringify(runsOver.body));
    assert.deepEqual(paths(runsOver), ['body.recurrence.count']);
    assert.match(runsOver.body.error.fields[0].message, /session 3 of the series falls after 2100/);
    for (const [start, end] of [
      ['0001-01-01', '0001-01-02'],
      ['9999-01-01T09:00', '9999-01-01T12:00'],
    ] as const) {
      const res = await owner.post(`${base}/absences`, { kind: 'closure', start, end });
      year(res, 'body.start');
      year(res, 'body.end');
    }
    year(
      await owner.post(`${base}/clients/${p.clientId}/trajectories`, { startDate: '0001-01-01', leadMembershipId: p.leadMembershipId }),
      'body.startDate',
    );
    const born = await owner.post(`${base}/clients`, { firstName: 'Toekomst', lastName: 'Kind', dateOfBirth: '9999-01-01' });
    assert.equal(born.status, 400);
    assert.deepEqual(paths(born), ['body.dateOfBirth']);
    assert.match(born.body.error.fields[0].message, /in the future/);
    assert.equal(await snapshotPractice(t.deps, p.id), before);
  });

  it('refuses a date outside 1900-2100 in a query, naming it, and accepts the first and last day of the range', async () => {
    year(await owner.get(`${base}/appointments?from=0001-01-01T00:00:00Z&to=2030-01-01T00:00:00Z`), 'query.from');
    year(await owner.get(`${base}/appointments?from=2030-01-01T00:00:00Z&to=9999-01-01T00:00:00Z`), 'query.to');
    year(await owner.get(`/api/v1/me/agenda?from=9999-01-01T00:00:00Z&to=9999-01-02T00:00:00Z`), 'query.from');
    year(await owner.get(`${base}/audit-log?from=0001-01-01T00:00:00Z`), 'query.from');
    year(await owner.get(`${base}/free-slots?serviceId=${p.serviceId}&mode=video&from=9999-01-01&to=9999-01-07`), 'query.from');
    year(await owner.get(`${base}/availability?from=1899-12-25&to=1899-12-31`), 'query.from');
    year(await owner.get(`${base}/absences?from=2100-06-01&to=2101-01-01`), 'query.to');
    const slot = new URLSearchParams({ start: '0001-01-07T10:00', durationMinutes: '45', clinicianId: p.leadMembershipId, mode: 'video' });
    year(await owner.get(`${base}/waitlist/candidates/slot?${slot.toString()}`), 'query.start');
    assert.equal((await owner.get(`${base}/absences?from=1900-01-01&to=1900-12-31`)).status, 200);
    assert.equal((await owner.get(`${base}/absences?from=2100-01-01&to=2100-12-31`)).status, 200);
  });

  it('answers a search by a date of birth no one can have with 400 on query.q, and finds by a real one', async () => {
    for (const q of ['01-01-0000', '0000-01-01', '31-12-9999', '31-12-1899', '01-01-2999']) {
      const res = await owner.get(`${base}/clients?q=${encodeURIComponent(q)}`);
      assert.equal(res.status, 400, `${q} answered ${res.status}`);
      assert.deepEqual(paths(res), ['query.q']);
      assert.match(res.body.error.fields[0].message, /a date of birth is from 1900-01-01 to today/);
    }
    const found = await owner.get(`${base}/clients?q=27-03-1980`);
    assert.equal(found.status, 200);
  });
});

describe('bad input: characters no field may hold', () => {
  it('names the field and the character of a NUL in a search, a name or a nested field, and changes nothing', async () => {
    const before = await snapshotPractice(t.deps, p.id);
    const search = await owner.get(`${base}/clients?q=${encodeURIComponent('Jan\u0000sen')}`);
    assert.equal(search.status, 400);
    assert.deepEqual(search.body.error.fields, [
      {
        path: 'query.q',
        message: 'contains a control character (U+0000) at position 4; remove it',
        sentences: [{ key: 'input.unsafeCharacter.control', params: { codePoint: 'U+0000', position: 4 } }],
      },
    ]);
    const client = await owner.post(`${base}/clients`, {
      firstName: 'Jan\u202Enneb',
      lastName: 'Jansen\uD800',
      dateOfBirth: '1980-01-01',
      gp: { name: 'Dr. \u0085Bos' },
    });
    assert.equal(client.status, 400);
    assert.deepEqual(paths(client), ['body.firstName', 'body.gp.name', 'body.lastName']);
    const broken = await owner.get(`${base}/clients?q=Jan%ED%A0%80sen`);
    assert.equal(broken.status, 400);
    assert.deepEqual(paths(broken), ['query.q']);
    assert.equal(await snapshotPractice(t.deps, p.id), before);
  });

  it('refuses a C1 control in a header the route takes (the Idempotency-Key is stored)', async () => {
    const before = await snapshotPractice(t.deps, p.id);
    const res = await owner.request(
      'POST',
      `${base}/appointments`,
      { clientIds: [p.clientId], clinicianIds: [p.leadMembershipId], serviceId: p.serviceId, mode: 'video', start: '2030-01-07T10:00' },
      { 'idempotency-key': 'key-\u0085-1' },
    );
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.deepEqual(paths(res), ['headers.idempotency-key']);
    assert.match(res.body.error.fields[0].message, /control character \(U\+0085\) at position 5/);
    assert.equal(await snapshotPractice(t.deps, p.id), before);
  });

  it('walks a body nested 300,000 deep without running out of stack (400, never 500)', async () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    for (const body of [deep(300_000), `{"name": ${deep(300_000)}}`, `{"name": ${'['.repeat(200_000)}"\\u0000"${']'.repeat(200_000)}}`]) {
      const res = await owner.request('POST', `${base}/locations`, body);
      assert.equal(res.status, 400, `${body.slice(0, 20)}… answered ${res.status}`);
    }
  });

  it('keeps tabs and line breaks where text may have them', async () => {
    const res = await owner.patch(`${base}/waitlist/${p.waitlistEntryId}`, { remark: 'Calls back\r\nafter\t14:00' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.remark, 'Calls back\r\nafter\t14:00');
  });
});
