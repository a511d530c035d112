import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { addMember, createUser, signIn } from '../../test/factories.ts';
import { recordsWorld, type RecordsWorld } from './records.fixture.ts';

let t: TestApp;
let w: RecordsWorld;
let notes: string;

before(async () => {
  t = await startTestApp();
  w = await recordsWorld(t);
  notes = `${w.base}/clients/${w.clientId}/notes`;
});
after(() => t.close());

const write = (body: string, kind = 'session') => w.author.post(notes, { kind, sessionDate: '2026-03-02', body });
const noteCount = async () =>
  (await t.deps.db.selectFrom('clinical_notes').select('id').where('practice_id', '=', w.practice.id).execute()).length;
const setSharing = (on: boolean) => w.owner.patch(`${w.base}/record-settings`, { notesSharedWithCoClinicians: on });

describe('clinical notes', () => {
  it('lets a clinician write a note and read it back; sets the last clinical change', async () => {
    const res = await write('Eerste sessie: klachten besproken.');
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.own, true);
    assert.equal(res.body.authorMembershipId, w.authorMembershipId);
    const list = await w.author.get(notes);
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.items.map((n: { id: string }) => n.id),
      [res.body.id],
    );
    assert.equal((await w.author.get(`${notes}/${res.body.id}`)).body.body, 'Eerste sessie: klachten besproken.');
    const client = await t.deps.db
      .selectFrom('clients')
      .select('last_clinical_change_at')
      .where('id', '=', w.clientId)
      .executeTakeFirstOrThrow();
    assert.ok(client.last_clinical_change_at && Date.now() - client.last_clinical_change_at.getTime() < 60_000);
  });

  it('answers 403 to owner, back office and billing for the list, and never shows them a note', async () => {
    const n = await write(`secret ${crypto.randomUUID()}`);
    for (const c of [w.owner, w.backOffice, w.billing]) {
      assert.equal((await c.get(notes)).status, 403);
      assert.equal((await c.get(`${notes}/${n.body.id}`)).status, 403);
      assert.equal((await c.patch(`${notes}/${n.body.id}`, { body: 'overwritten' })).status, 403);
      assert.equal((await c.post(notes, { kind: 'free', body: 'not a clinician' })).status, 403);
    }
  });

  it("hides a colleague's notes unless the practice shares notes and the colleague treats the client", async () => {
    const n = await write('Alleen voor mij, tenzij gedeeld.');
    // A clinician who does not treat the client reaches nothing, even with sharing on …
    const outsiderUser = await createUser(t.deps, { name: 'Dr. Buiten' });
    const outsiderMembership = await addMember(t.deps, w.practice.id, outsiderUser, ['clinician']);
    const outsider = await signIn(t, outsiderUser);
    await setSharing(true);
    assert.equal((await outsider.get(notes)).body.error.code, 'not_treating');
    assert.equal((await outsider.get(`${notes}/${n.body.id}`)).status, 403);
    // … and writing a note neither works nor makes them a co-clinician (the attack).
    const attempt = await outsider.post(notes, { kind: 'free', body: 'Triviale notitie.' });
    assert.equal(attempt.status, 403);
    assert.equal(attempt.body.error.code, 'not_treating');
    const theirs = await t.deps.db
      .selectFrom('treatment_relationships')
      .select('id')
      .where('membership_id', '=', outsiderMembership)
      .execute();
    assert.deepEqual(theirs, []);
    assert.equal((await outsider.get(notes)).status, 403);
    // The colleague treats the client: sees the note while sharing is on, may read but not edit.
    const own = await w.colleague.post(notes, { kind: 'free', body: 'Waarneming tijdens vakantie.' });
    assert.equal(own.status, 201);
    const shared = await w.colleague.get(notes);
    assert.ok(shared.body.items.some((x: { id: string }) => x.id === n.body.id));
    assert.equal(shared.body.sharedWithCoClinicians, true);
    assert.equal((await w.colleague.patch(`${notes}/${n.body.id}`, { body: 'changed' })).status, 403);
    await setSharing(false);
    const hidden = await w.colleague.get(notes);
    assert.ok(!hidden.body.items.some((x: { id: string }) => x.id === n.body.id));
    assert.ok(hidden.body.items.some((x: { id: string }) => x.id === own.body.id));
    assert.equal((await w.colleague.get(`${notes}/${n.body.id}`)).status, 404);
  });

  it('shares notes with the lead of a trajectory the back office opened, until the trajectory closes', async () => {
    const lead = await createUser(t.deps, { name: 'Dr. Lead' });
    const leadMembership = await addMember(t.deps, w.practice.id, lead, ['clinician']);
    const leadClient = await signIn(t, lead);
    const n = await write('Voor de regiebehandelaar.');
    assert.equal((await leadClient.get(notes)).status, 403);
    const tr = await w.backOffice.post(`${w.base}/clients/${w.clientId}/trajectories`, {
      startDate: '2020-01-01',
      leadMembershipId: leadMembership,
    });
    assert.equal(tr.status, 201, JSON.stringify(tr.body));
    await setSharing(true);
    try {
      assert.ok((await leadClient.get(notes)).body.items.some((x: { id: string }) => x.id === n.body.id));
      const closed = await w.backOffice.patch(`${w.base}/clients/${w.clientId}/trajectories/${tr.body.id}`, { endDate: '2020-06-01' });
      assert.equal(closed.status, 200);
      assert.equal((await leadClient.get(notes)).status, 403);
    } finally {
      await setSharing(false);
    }
    // The others, assigned without a trajectory, still treat the client.
    assert.equal((await w.colleague.get(notes)).status, 200);
  });

  it('shows an owner who is also a clinician only their own notes, even with sharing on', async () => {
    const user = await createUser(t.deps, { name: 'Owner-clinician' });
    const membership = await addMember(t.deps, w.practice.id, user, ['owner', 'clinician']);
    const oc = await signIn(t, user);
    // Writing needs a treatment relationship, whatever the roles.
    assert.equal((await oc.post(notes, { kind: 'free', body: 'Nog geen behandelrelatie.' })).status, 403);
    assert.equal((await oc.post(`${w.base}/clients/${w.clientId}/treatment-relationships`, { clinicianId: membership })).status, 201);
    const mine = await oc.post(notes, { kind: 'free', body: 'Eigen notitie van de eigenaar.' });
    assert.equal(mine.status, 201);
    await setSharing(true);
    try {
      const list = await oc.get(notes);
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.body.items.map((x: { id: string }) => x.id),
        [mine.body.id],
      );
    } finally {
      await setSharing(false);
    }
  });

  it('lets the author edit; the history records that a note was added or changed, never its text', async () => {
    const text = `Gevoelige inhoud ${crypto.randomUUID()}`;
    const n = await write(text);
    const edited = await w.author.patch(`${notes}/${n.body.id}`, { body: `${text} (aangevuld)`, kind: 'free' });
    assert.equal(edited.status, 200);
    assert.equal(edited.body.kind, 'free');
    const history = await w.owner.get(`${w.base}/clients/${w.clientId}/history`);
    const actions = history.body.items.map((h: { action: string }) => h.action);
    assert.ok(actions.includes('note.add') && actions.includes('note.edit'));
    assert.ok(!JSON.stringify(history.body).includes(text));
    const audit = await t.deps.db.selectFrom('audit_log').select(['action', 'data_category']).where('entity_id', '=', n.body.id).execute();
    assert.ok(audit.length >= 2 && audit.every((a) => a.data_category === 'clinical'));
  });

  it('refuses bad notes naming the field, and stores nothing', async () => {
    const before = await noteCount();
    const cases: [unknown, string[]][] = [
      [{ kind: 'session', body: 'zonder datum' }, ['body.sessionDate']],
      [{ kind: 'free', body: 'x'.repeat(20_001) }, ['body.body']],
      [{ kind: 'free', body: '   ' }, ['body.body']],
      [{ kind: 'dream', body: 'x' }, ['body.kind']],
      [{ kind: 'session', sessionDate: '2026-02-30', body: 'x' }, ['body.sessionDate']],
      [{ kind: 'free', body: 'x', mood: 'ok' }, ['body.mood']],
    ];
    for (const [body, paths] of cases) {
      const res = await w.author.post(notes, body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
      assert.deepEqual(res.body.error.fields.map((f: { path: string }) => f.path).sort(), paths);
    }
    assert.equal((await w.author.post(notes, { kind: 'free', body: 'x'.repeat(20_000) })).status, 201);
    assert.equal(await noteCount(), before + 1);
  });

  it("answers 404 for a note of another client, and for another practice's client", async () => {
    const n = await write('Notitie.');
    const other = await w.backOffice.post(`${w.base}/clients`, {
      firstName: 'Bram',
      lastName: `Ander ${crypto.randomUUID().slice(0, 6)}`,
      dateOfBirth: '1990-01-01',
    });
    // Another client, not in the author's care: refused before any note is looked at.
    assert.equal((await w.author.get(`${w.base}/clients/${other.body.id}/notes/${n.body.id}`)).status, 403);
    const assigned = await w.backOffice.post(`${w.base}/clients/${other.body.id}/treatment-relationships`, {
      clinicianId: w.authorMembershipId,
    });
    assert.equal(assigned.status, 201);
    assert.equal((await w.author.get(`${w.base}/clients/${other.body.id}/notes/${n.body.id}`)).status, 404);
    const foreign = await recordsWorld(t);
    assert.equal((await w.author.get(`${foreign.base}/clients/${foreign.clientId}/notes`)).status, 404);
    assert.equal((await w.author.post(`${w.base}/clients/${foreign.clientId}/notes`, { kind: 'free', body: 'x' })).status, 404);
  });
});
