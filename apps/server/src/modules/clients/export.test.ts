import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { ageSecondFactor, auditCount } from '../../test/factories.ts';
import { PDF, recordsWorld, type RecordsWorld } from './records.fixture.ts';

let t: TestApp;
let w: RecordsWorld;
let client: string;
const marker = `NOTE-${crypto.randomUUID()}`;

before(async () => {
  t = await startTestApp();
  w = await recordsWorld(t);
  client = `${w.base}/clients/${w.clientId}`;
  await w.backOffice.raw('POST', `${client}/documents?label=referral_letter&fileName=verwijzing.pdf`, PDF, 'application/pdf');
  await w.author.post(`${client}/notes`, { kind: 'free', body: `Notitie ${marker}` });
});
after(() => t.close());

const exportActions = () =>
  t.deps.db
    .selectFrom('audit_log')
    .select(['action', 'data_category'])
    .where('client_id', '=', w.clientId)
    .where('action', '=', 'client.export')
    .execute();

describe('right of access export', () => {
  it('gives owner and back office the whole file as JSON with a FHIR R4 Patient, without notes', async () => {
    const res = await w.backOffice.get(`${client}/export.json`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="C-\d{6}\.json"/);
    assert.equal(res.body.client.id, w.clientId);
    assert.equal(res.body.documents.length, 1);
    assert.equal(res.body.documents[0].fileName, 'verwijzing.pdf');
    assert.ok(res.body.history.some((h: { action: string }) => h.action === 'client.register'));
    assert.equal(res.body.notes, undefined);
    assert.ok(!JSON.stringify(res.body).includes(marker));
    const p = res.body.fhirPatient;
    assert.equal(p.resourceType, 'Patient');
    assert.equal(p.id, w.clientId);
    assert.deepEqual(
      p.identifier.find((i: { system: string }) => i.system === 'http://fhir.nl/fhir/NamingSystem/bsn')?.value,
      res.body.client.bsn,
    );
    assert.equal(p.birthDate, '1984-05-17');
    assert.equal(p.gender, 'female');
    assert.equal(p.address[0].city, 'Amsterdam');
    assert.equal((await w.owner.get(`${client}/export.json`)).status, 200);
  });

  it('includes notes only for their author asking with their own membership', async () => {
    const own = await w.author.get(`${client}/export.json?includeNotesOf=${w.authorMembershipId}`);
    assert.equal(own.status, 200);
    assert.equal(own.body.notes.length, 1);
    assert.ok(own.body.notes[0].body.includes(marker));
    for (const [c, m] of [
      [w.owner, w.authorMembershipId],
      [w.backOffice, w.authorMembershipId],
      [w.colleague, w.authorMembershipId],
      [w.owner, w.ownerMembershipId],
    ] as const) {
      const res = await c.get(`${client}/export.json?includeNotesOf=${m}`);
      assert.equal(res.status, 403);
      assert.ok(!JSON.stringify(res.body).includes(marker));
    }
    // A clinician without notes asked for exports nothing; billing never.
    assert.equal((await w.author.get(`${client}/export.json`)).status, 403);
    assert.equal((await w.billing.get(`${client}/export.json`)).status, 403);
    assert.equal((await w.billing.get(`${client}/export.pdf`)).status, 403);
  });

  it('renders a readable PDF, with the author’s own notes only when asked', async () => {
    const res = await fetch(`${t.url}${client}/export.pdf`, { headers: { cookie: w.owner.cookie ?? '' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(bytes.length > 1000);
    const own = await fetch(`${t.url}${client}/export.pdf?includeNotesOf=${w.authorMembershipId}`, {
      headers: { cookie: w.author.cookie ?? '' },
    });
    assert.equal(own.status, 200);
  });

  it('writes one client.export entry per export and needs a recent second factor', async () => {
    const before = (await exportActions()).length;
    const count = await auditCount(t.deps, w.practice.id);
    await w.backOffice.get(`${client}/export.json`);
    const after = await exportActions();
    assert.equal(after.length, before + 1);
    // the export entry plus the trajectories read it contains
    assert.ok((await auditCount(t.deps, w.practice.id)) - count <= 2);
    const user = await t.deps.db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select('users.id')
      .where('memberships.practice_id', '=', w.practice.id)
      .where(sql<boolean>`memberships.roles @> ARRAY['back_office']`)
      .executeTakeFirstOrThrow();
    await ageSecondFactor(t.deps, { id: user.id, email: '', password: '', totpSecret: '', lastStep: 0 }, 60);
    const stale = await w.backOffice.get(`${client}/export.json`);
    assert.equal(stale.status, 403);
    assert.equal(stale.body.error.code, 'step_up_required');
    assert.equal((await exportActions()).length, before + 1);
  });

  it("answers 404 for another practice's client", async () => {
    const other = await recordsWorld(t);
    assert.equal((await w.owner.get(`${other.base}/clients/${other.clientId}/export.json`)).status, 404);
    assert.equal((await w.owner.get(`${w.base}/clients/${other.clientId}/export.pdf`)).status, 404);
  });
});
