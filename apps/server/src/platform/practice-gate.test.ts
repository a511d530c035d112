import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PracticeParams } from '@calmdesk/shared';
import { createTestPractice, createUser, signIn } from '../test/factories.ts';
import { startTestApp, type TestApp } from '../test/harness.ts';
import { practiceAccess } from './http.ts';

// Test-only routes under /practices/:practiceId that do not register the gate themselves:
// one added on the root with its full URL, one through a plugin prefix (as modules do).
const Probe = z.object({ practiceId: z.string() });
const nestedProbe: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/gate-probe',
    { schema: { hide: true, params: PracticeParams, body: z.strictObject({ n: z.number() }), response: { 200: Probe } } },
    (req) => ({ practiceId: practiceAccess(req).practiceId }),
  );
};
const probeRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/practices/:practiceId/gate-probe',
    { schema: { hide: true, params: PracticeParams, response: { 200: Probe } } },
    (req) => ({ practiceId: practiceAccess(req).practiceId }),
  );
  await app.register(nestedProbe, { prefix: '/api/v1/practices/:practiceId/nested' });
};

let t: TestApp;
before(async () => {
  t = await startTestApp(
    {},
    {
      extraRoutes: async (app) => {
        await app.register(probeRoutes);
      },
    },
  );
});
after(() => t.close());

describe('the practice gate', () => {
  it('guards a route under /practices/:practiceId that never registered it: members pass, others get 404 and a denied entry', async () => {
    const mine = await createTestPractice(t.deps);
    const theirs = await createTestPractice(t.deps);
    const owner = await signIn(t, mine.owner);

    const own = await owner.get(`/api/v1/practices/${mine.id}/gate-probe`);
    assert.equal(own.status, 200, JSON.stringify(own.body));
    assert.equal(own.body.practiceId, mine.id);
    const nested = await owner.post(`/api/v1/practices/${mine.id}/nested/gate-probe`, { n: 1 });
    assert.equal(nested.status, 200, JSON.stringify(nested.body));

    for (const res of [
      await owner.get(`/api/v1/practices/${theirs.id}/gate-probe`),
      await owner.post(`/api/v1/practices/${theirs.id}/nested/gate-probe`, { n: 1 }),
      await owner.request('HEAD', `/api/v1/practices/${theirs.id}/gate-probe`),
    ]) {
      assert.equal(res.status, 404, JSON.stringify(res.body));
      if (res.body) assert.equal(res.body.error.code, 'not_found'); // HEAD answers without a body
    }
    const denied = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'outcome', 'user_id'])
      .where('practice_id', '=', theirs.id)
      .where('outcome', '=', 'denied')
      .orderBy('at')
      .execute();
    assert.deepEqual(
      denied.map((r) => r.action).sort(),
      [
        'GET /api/v1/practices/:practiceId/gate-probe',
        'POST /api/v1/practices/:practiceId/nested/gate-probe',
        'HEAD /api/v1/practices/:practiceId/gate-probe',
      ].sort(),
    );
    assert.ok(denied.every((r) => r.user_id === mine.owner.id));
  });

  it('answers an outsider before the body is read: a malformed body is a 400 for a member and a 404 for anyone else', async () => {
    const mine = await createTestPractice(t.deps);
    const outsider = await signIn(t, await createUser(t.deps));
    const owner = await signIn(t, mine.owner);
    const url = `/api/v1/practices/${mine.id}/nested/gate-probe`;
    const member = await owner.request('POST', url, '{"n":');
    assert.equal(member.status, 400);
    assert.equal(member.body.error.code, 'bad_request');
    const other = await outsider.request('POST', url, '{"n":');
    assert.equal(other.status, 404);
    const otherType = await outsider.raw('POST', url, 'n=1', 'application/x-www-form-urlencoded');
    assert.equal(otherType.status, 404);
  });
});
