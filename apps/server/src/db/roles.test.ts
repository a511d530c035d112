import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { prepareDatabase } from './database.ts';

const appUrl = process.env.TEST_DATABASE_URL ?? '';
const ownerUrl = process.env.TEST_OWNER_URL ?? '';
const adminUrl = process.env.TEST_ADMIN_URL ?? '';

async function one<T>(url: string, text: string): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows[0] as T;
  } finally {
    await c.end();
  }
}

const handle = (url: string) => ({ url, ownerUrl, adminUrl: undefined, embedded: undefined, close: async () => undefined });

describe('the role requests run as', () => {
  it('is calmdesk_app, no superuser, for the URL the tests (and the server) use', async () => {
    const r = await one<{ u: string; su: boolean }>(
      appUrl,
      `SELECT current_user AS u, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS su`,
    );
    assert.deepEqual(r, { u: 'calmdesk_app', su: false });
  });

  it('reports a superuser DATABASE_URL at start and still runs requests as calmdesk_app', async () => {
    const prepared = await prepareDatabase(handle(adminUrl), { env: 'development' });
    assert.equal(prepared.warnings.length, 1);
    assert.match(prepared.warnings[0] ?? '', /superuser/);
    assert.notEqual(prepared.appUrl, adminUrl);
    const r = await one<{ u: string }>(prepared.appUrl, 'SELECT current_user AS u');
    assert.equal(r.u, 'calmdesk_app');
    await assert.rejects(one(prepared.appUrl, `UPDATE audit_log SET reason = 'x' WHERE false`), /permission denied/);
  });

  it('refuses to start in production with a superuser DATABASE_URL', async () => {
    await assert.rejects(prepareDatabase(handle(adminUrl), { env: 'production' }), /refusing to start in production: .*superuser/);
  });

  it('says nothing for a DATABASE_URL that is the application role itself', async () => {
    const prepared = await prepareDatabase(handle(appUrl), { env: 'production' });
    assert.deepEqual(prepared.warnings, []);
    assert.equal(prepared.appUrl, appUrl);
  });
});
