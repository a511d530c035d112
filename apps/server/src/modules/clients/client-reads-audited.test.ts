/**
 * Every read of a client's data leaves its trace: each GET route of the OpenAPI document that
 * takes a {clientId} is called (as the clinician who wrote the note, so clinical routes answer
 * too) and must add access-log entries naming that client. New client routes are covered
 * without editing this file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { Client, startTestApp, type TestApp } from '../../test/harness.ts';
import { createPopulatedPractice, signIn, type PopulatedPractice } from '../../test/factories.ts';

let t: TestApp;
let p: PopulatedPractice;

before(async () => {
  t = await startTestApp();
  p = await createPopulatedPractice(t.deps, `AUDIT-${crypto.randomUUID()}`);
  // The note's author also keeps the client file, so every client route answers 2xx.
  await t.deps.db
    .updateTable('memberships')
    .set({ roles: ['clinician', 'back_office'] })
    .where('id', '=', p.clinicianMembershipId)
    .execute();
});
after(() => t.close());

async function entriesFor(clientId: string): Promise<number> {
  const r = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM audit_log WHERE practice_id = ${p.id} AND client_id = ${clientId}`.execute(t.deps.db);
  return r.rows[0]?.n ?? 0;
}

describe('reads of client data', () => {
  it('each GET route with a client id writes access-log entries for that client', async () => {
    const doc = (await new Client(t.url).get('/api/docs/json')).body;
    const ids: Record<string, string> = {
      practiceId: p.id,
      clientId: p.clientId,
      trajectoryId: p.trajectoryId,
      documentId: p.documentId,
      noteId: p.noteId,
    };
    const routes = Object.entries<Record<string, unknown>>(doc.paths)
      .filter(([path, ops]) => path.includes('{clientId}') && 'get' in ops)
      .map(([path]) => path);
    assert.ok(routes.length >= 8, `expected the client read routes, found ${routes.join(', ')}`);
    const clinician = await signIn(t, p.clinician);
    for (const route of routes) {
      const url = route.replace(/\{(\w+)\}/g, (_m, name: string) => {
        const id = ids[name];
        if (!id) throw new Error(`${route}: no id for {${name}}`);
        return id;
      });
      const before = await entriesFor(p.clientId);
      const res = await clinician.get(url);
      assert.ok(res.status >= 200 && res.status < 300, `${route} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`);
      assert.ok((await entriesFor(p.clientId)) > before, `${route} read client data without an access-log entry`);
    }
  });
});
