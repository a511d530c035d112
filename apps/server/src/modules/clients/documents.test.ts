import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { auditCount } from '../../test/factories.ts';
import { documentCounts, JPEG, PDF, PNG, recordsWorld, type RecordsWorld } from './records.fixture.ts';

let t: TestApp;
let w: RecordsWorld;
let docs: string;

before(async () => {
  t = await startTestApp();
  w = await recordsWorld(t);
  docs = `${w.base}/clients/${w.clientId}/documents`;
});
after(() => t.close());

const upload = (bytes: Buffer, type: string, query = 'label=referral_letter&fileName=verwijsbrief.pdf') =>
  w.backOffice.raw('POST', `${docs}?${query}`, bytes, type);

describe('client documents', () => {
  it('stores an uploaded PDF with its hash, lists it, and serves the same bytes back', async () => {
    const res = await upload(PDF, 'application/pdf');
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.label, 'referral_letter');
    assert.equal(res.body.mimeType, 'application/pdf');
    assert.equal(res.body.sizeBytes, PDF.length);
    assert.equal(res.body.sha256, crypto.createHash('sha256').update(PDF).digest('hex'));
    const list = await w.author.get(docs);
    assert.equal(list.status, 200);
    assert.ok(list.body.items.some((d: { id: string }) => d.id === res.body.id));
    const dl = await fetch(`${t.url}${docs}/${res.body.id}/download`, { headers: { cookie: w.owner.cookie ?? '' } });
    assert.equal(dl.status, 200);
    assert.equal(dl.headers.get('content-type'), 'application/pdf');
    assert.match(dl.headers.get('content-disposition') ?? '', /^attachment; filename="verwijsbrief.pdf"/);
    assert.ok(Buffer.from(await dl.arrayBuffer()).equals(PDF));
  });

  it('accepts PNG and JPEG images', async () => {
    assert.equal((await upload(PNG, 'image/png', 'label=identity&fileName=id.png')).status, 201);
    assert.equal((await upload(JPEG, 'image/jpeg', 'label=consent&fileName=scan.jpg')).status, 201);
  });

  it('names a file with non-ASCII characters safely in the download header', async () => {
    const name = 'Brief aan cliënt – €ß 日本.pdf';
    const res = await upload(PDF, 'application/pdf', `label=letter_sent&fileName=${encodeURIComponent(name)}`);
    assert.equal(res.status, 201);
    assert.equal(res.body.fileName, name);
    const dl = await fetch(`${t.url}${docs}/${res.body.id}/download`, { headers: { cookie: w.owner.cookie ?? '' } });
    const header = dl.headers.get('content-disposition') ?? '';
    assert.match(header, /^attachment; filename="Brief aan client _ __ __\.pdf"; filename\*=UTF-8''/);
    const encoded = /filename\*=UTF-8''(.+)$/.exec(header)?.[1] ?? '';
    assert.equal(decodeURIComponent(encoded), name);
    const preview = await fetch(`${t.url}${docs}/${res.body.id}/preview`, { headers: { cookie: w.owner.cookie ?? '' } });
    assert.equal(preview.status, 200);
    assert.match(preview.headers.get('content-disposition') ?? '', /^inline; /);
    assert.equal(preview.headers.get('cache-control'), 'no-store');
  });

  it('writes one access-log entry for every download and every preview', async () => {
    const doc = await upload(PDF, 'application/pdf');
    const before = await auditCount(t.deps, w.practice.id);
    await w.author.get(`${docs}/${doc.body.id}/download`);
    await w.backOffice.get(`${docs}/${doc.body.id}/preview`);
    await w.owner.get(`${docs}/${doc.body.id}/download`);
    assert.equal(await auditCount(t.deps, w.practice.id), before + 3);
    const actions = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'client_id'])
      .where('entity_id', '=', doc.body.id)
      .where('action', 'in', ['document.download', 'document.preview'])
      .execute();
    assert.equal(actions.length, 3);
    assert.ok(actions.every((a) => a.client_id === w.clientId));
  });

  it('changes a label, and refuses an unknown one naming the field', async () => {
    const doc = await upload(PDF, 'application/pdf');
    const ok = await w.backOffice.patch(`${docs}/${doc.body.id}`, { label: 'consent' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.label, 'consent');
    const bad = await w.backOffice.patch(`${docs}/${doc.body.id}`, { label: 'love_letter' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.fields[0].path, 'body.label');
  });

  it('lets owner and back office delete a document with its bytes, but not billing or a clinician', async () => {
    const doc = await upload(PDF, 'application/pdf');
    assert.equal((await w.billing.delete(`${docs}/${doc.body.id}`)).status, 403);
    assert.equal((await w.author.delete(`${docs}/${doc.body.id}`)).status, 403);
    const before = await documentCounts(t, w.practice.id);
    assert.equal((await w.owner.delete(`${docs}/${doc.body.id}`)).status, 200);
    const after = await documentCounts(t, w.practice.id);
    assert.deepEqual(after, { documents: before.documents - 1, blobs: before.blobs - 1 });
    assert.equal((await w.owner.get(`${docs}/${doc.body.id}/download`)).status, 404);
  });

  it('keeps billing out of documents', async () => {
    assert.equal((await w.billing.get(docs)).status, 403);
    assert.equal((await w.billing.raw('POST', `${docs}?label=other&fileName=x.pdf`, PDF, 'application/pdf')).status, 403);
  });

  describe('bad uploads change nothing', () => {
    async function refused(send: () => Promise<{ status: number; body: any }>, status: number, code: string, message: RegExp) {
      const before = await documentCounts(t, w.practice.id);
      const audit = await auditCount(t.deps, w.practice.id);
      const res = await send();
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.error.code, code);
      assert.match(res.body.error.message, message);
      assert.deepEqual(await documentCounts(t, w.practice.id), before);
      const history = await t.deps.db.selectFrom('client_history').select('id').where('client_id', '=', w.clientId).execute();
      assert.ok(history.length > 0);
      assert.ok((await auditCount(t.deps, w.practice.id)) - audit <= 0, 'a refused upload wrote no ok entry');
      return res;
    }

    it('refuses an upload over the practice limit with 413 naming the limit', async () => {
      const set = await w.owner.patch(`${w.base}/record-settings`, { maxDocumentBytes: 2048 });
      assert.equal(set.status, 200);
      try {
        const big = Buffer.concat([PDF, Buffer.alloc(4096, 0x20)]);
        await refused(() => upload(big, 'application/pdf'), 413, 'payload_too_large', /limit of 2 KiB/);
        // Just under the limit passes.
        assert.equal((await upload(Buffer.concat([PDF, Buffer.alloc(1024, 0x20)]), 'application/pdf')).status, 201);
      } finally {
        await w.owner.patch(`${w.base}/record-settings`, { maxDocumentBytes: 20_971_520 });
      }
    });

    it('refuses bytes that are not a PDF sent as application/pdf and named .pdf (415 naming the type)', async () => {
      const text = Buffer.from('Dit is geen PDF maar platte tekst.');
      await refused(() => upload(text, 'application/pdf'), 415, 'unsupported_media_type', /not a PDF \(application\/pdf\)/);
      await refused(() => upload(PNG, 'application/pdf'), 415, 'unsupported_media_type', /is a PNG, not a PDF/);
      await refused(() => upload(PDF, 'image/jpeg', 'label=other&fileName=photo.jpg'), 415, 'unsupported_media_type', /not a JPEG/);
    });

    it('refuses an empty body, an unknown label, a missing file name and a JSON body', async () => {
      await refused(() => upload(Buffer.alloc(0), 'application/pdf'), 400, 'validation_failed', /empty/);
      const label = await refused(
        () => upload(PDF, 'application/pdf', 'label=love_letter&fileName=a.pdf'),
        400,
        'validation_failed',
        /label/,
      );
      assert.equal(label.body.error.fields[0].path, 'query.label');
      await refused(() => upload(PDF, 'application/pdf', 'label=other'), 400, 'validation_failed', /fileName/);
      await refused(() => upload(PDF, 'application/pdf', 'label=other&fileName=..%2Fetc%2Fpasswd'), 400, 'validation_failed', /slashes/);
      await refused(
        () => w.backOffice.post(`${docs}?label=other&fileName=a.pdf`, { file: 'x' }),
        415,
        'unsupported_media_type',
        /Content-Type/,
      );
      await refused(() => upload(PDF, 'text/plain'), 415, 'unsupported_media_type', /./);
    });
  });

  it("answers 404 for another practice's client and never reveals that practice's limit", async () => {
    const other = await recordsWorld(t);
    const res = await w.owner.raw(
      'POST',
      `${other.base}/clients/${other.clientId}/documents?label=other&fileName=a.pdf`,
      Buffer.concat([PDF, Buffer.alloc(30_000_000)]),
      'application/pdf',
    );
    assert.equal(res.status, 404);
    assert.deepEqual(await documentCounts(t, other.practice.id), { documents: 0, blobs: 0 });
  });
});
