import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, startTestApp, type Reply, type TestApp } from '../../test/harness.ts';
import { createTestPractice, signIn } from '../../test/factories.ts';
import { enqueueEmail } from '../../platform/mail.ts';

const OUTBOX = '/api/v1/dev/outbox';
const HEADER = 'x-calmdesk-outbox-key';

let dataDir: string;
let t: TestApp;
let production: TestApp;
before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'calmdesk-outbox-test-'));
  t = await startTestApp({ CALMDESK_DATA_DIR: dataDir });
  production = await startTestApp({ NODE_ENV: 'production', SECRET_KEY: 'ab'.repeat(32), CALMDESK_DATA_DIR: dataDir });
});
after(async () => {
  await t.close();
  await production.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** What a reader can compare between two answers: all but the request id and the date. */
function answer(r: Reply) {
  const { requestId: _requestId, ...error } = (r.body as { error: Record<string, unknown> }).error;
  return { status: r.status, error, headers: [...r.headers.entries()].filter(([name]) => name !== 'date') };
}

describe('the development mailbox', () => {
  it('keeps its key in the data folder, readable by its owner only, and opens with it', async () => {
    const file = path.join(dataDir, 'dev-outbox-key');
    const key = fs.readFileSync(file, 'utf8').trim();
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.match(key, /^[A-Za-z0-9_-]{43,}$/, '32 random bytes or more, base64url');
    assert.equal(t.outboxKey(), key);

    const to = `outbox-${crypto.randomUUID().slice(0, 8)}@test.example`;
    await t.deps.db.transaction().execute((tx) => enqueueEmail(tx, t.deps.config, { to, subject: 'hello', text: 'see you' }));
    const res = await new Client(t.url).request('GET', OUTBOX, undefined, { [HEADER]: key });
    assert.equal(res.status, 200);
    assert.ok(res.body.items.some((m: { to: string }) => m.to === to));
  });

  it('answers 404 like an unknown route to anyone without the key: anonymous, signed in, or with a wrong key', async () => {
    const practice = await createTestPractice(t.deps);
    const member = await signIn(t, practice.owner);
    // The same path on a server without a mailbox is an unknown route: the reference answer.
    const unknown = answer(await new Client(production.url).get(OUTBOX));
    assert.equal(unknown.status, 404);

    const wrongKey = crypto.randomBytes(32).toString('base64url');
    const attempts = [
      await new Client(t.url).get(OUTBOX),
      await member.get(OUTBOX),
      await new Client(t.url).request('GET', OUTBOX, undefined, { [HEADER]: wrongKey }),
      await member.request('GET', OUTBOX, undefined, { [HEADER]: wrongKey }),
      await new Client(t.url).request('GET', OUTBOX, undefined, { [HEADER]: `${t.outboxKey()}x` }),
      await new Client(t.url).request('GET', `${OUTBOX}?key=${t.outboxKey()}`),
    ];
    for (const r of attempts) {
      assert.deepEqual(answer(r), unknown);
      assert.doesNotMatch(JSON.stringify(r.body), /items|sms/);
    }
  });

  it('keeps the same key across a restart on the same data folder', async () => {
    const again = await startTestApp({ CALMDESK_DATA_DIR: dataDir });
    try {
      assert.equal(again.outboxKey(), t.outboxKey());
      const res = await new Client(again.url).request('GET', OUTBOX, undefined, { [HEADER]: t.outboxKey() });
      assert.equal(res.status, 200);
    } finally {
      await again.close();
    }
  });

  it('does not exist in production, even with the right key, nor in its API document', async () => {
    const res = await new Client(production.url).request('GET', OUTBOX, undefined, { [HEADER]: t.outboxKey() });
    assert.equal(res.status, 404);
    const doc = await new Client(production.url).get('/api/docs/json');
    assert.equal(doc.status, 200);
    assert.equal(doc.body.paths['/api/v1/dev/outbox'], undefined);
    assert.ok(doc.body.paths['/api/v1/auth/login'], 'the document lists the other routes');
  });

  it('does not exist when e-mail goes out through SMTP', async () => {
    const smtp = await startTestApp({ SMTP_URL: 'smtp://127.0.0.1:1', CALMDESK_DATA_DIR: dataDir });
    try {
      const res = await new Client(smtp.url).request('GET', OUTBOX, undefined, { [HEADER]: t.outboxKey() });
      assert.equal(res.status, 404);
    } finally {
      await smtp.close();
    }
  });
});
