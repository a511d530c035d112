import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { addMember, ageSecondFactor, auditCount, createUser, insertAppointment, populateWaitlist, signIn } from '../../test/factories.ts';
import { EXCLUDED_TABLES, EXPORTED_TABLES } from './export.ts';
import { clientBody, PDF, recordsWorld, type RecordsWorld } from './records.fixture.ts';

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

/** The text of a PDF, line by line, as Mozilla's PDF.js reads it. */
async function pdfText(bytes: Buffer): Promise<string> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  let text = '';
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    for (const item of content.items) if ('str' in item) text += item.str + (item.hasEOL ? '\n' : '');
    text += '\n\f';
  }
  await pdf.destroy();
  return text;
}

async function exportPdf(cookie: string | undefined, url: string): Promise<string> {
  const res = await fetch(`${t.url}${url}/export.pdf`, { headers: { cookie: cookie ?? '' } });
  assert.equal(res.status, 200);
  return await pdfText(Buffer.from(await res.arrayBuffer()));
}

describe('the whole file: appointments, messages, waiting list, care, access report', () => {
  let appointmentId: string;
  let glassReason: string;
  const marker = crypto.randomUUID().slice(0, 8);

  before(async () => {
    const db = t.deps.db;
    const p = w.practice.id;
    await db
      .updateTable('practices')
      .set({ address: JSON.stringify({ street: 'Keizersgracht 12', postalCode: '1015 CS', city: 'Amsterdam', country: 'NL' }) })
      .where('id', '=', p)
      .execute();
    await db
      .updateTable('clients')
      .set({
        bsn_verification: 'none',
        consents: JSON.stringify({ remindersEmail: { given: true, date: '2026-01-05', source: 'written' } }),
      })
      .where('id', '=', w.clientId)
      .execute();
    const location = await db
      .insertInto('locations')
      .values({ practice_id: p, name: `Locatie ${marker}`, address: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const room = await db
      .insertInto('rooms')
      .values({ practice_id: p, location_id: location.id, name: `Kamer ${marker}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    const service = await db
      .insertInto('services')
      .values({ practice_id: p, name: `Intakegesprek ${marker}`, default_duration_minutes: 45, allowed_modes: ['in_person'] })
      .returning('id')
      .executeTakeFirstOrThrow();
    appointmentId = (
      await insertAppointment(t.deps, {
        practiceId: p,
        serviceId: service.id,
        membershipId: w.authorMembershipId,
        clientId: w.clientId,
        place: { locationId: location.id, roomId: room.id },
      })
    ).id;
    await db.updateTable('appointments').set({ status: 'no_show', fee_decision: 'waive' }).where('id', '=', appointmentId).execute();
    await db
      .insertInto('appointment_reminders')
      .values({
        practice_id: p,
        appointment_id: appointmentId,
        client_id: w.clientId,
        kind: 'reminder',
        channel: 'email',
        lead_hours: 24,
        due_at: '2030-01-06T12:00:00Z',
        status: 'sent',
        sent_at: new Date('2030-01-06T12:00:05Z'),
      })
      .execute();
    await populateWaitlist(t.deps, p, { clientId: w.clientId, membershipId: w.colleagueMembershipId, marker });
    // A clinician outside the care opens the file by break-the-glass.
    const outsider = await createUser(t.deps, { name: `Dr. Dienst ${marker}` });
    await addMember(t.deps, p, outsider, ['clinician']);
    glassReason = `Crisis aan de balie ${marker}`;
    const glass = await (await signIn(t, outsider)).post(`${client}/break-glass`, { reason: glassReason });
    assert.equal(glass.status, 201, JSON.stringify(glass.body));
  });

  it('exports every appointment with local times, place, clinicians, fee decision and the messages sent', async () => {
    const res = await w.owner.get(`${client}/export.json`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const a = res.body.appointments.find((x: { id: string }) => x.id === appointmentId);
    assert.deepEqual(
      { ...a, id: undefined },
      {
        id: undefined,
        start: '2030-01-07T13:00:00+01:00',
        end: '2030-01-07T13:45:00+01:00',
        timeZone: 'Europe/Amsterdam',
        mode: 'in_person',
        status: 'no_show',
        cancelledBy: null,
        feeDecision: 'waive',
        service: `Intakegesprek ${marker}`,
        clinicians: ['Dr. Auteur'],
        location: `Locatie ${marker}`,
        room: `Kamer ${marker}`,
      },
    );
    assert.deepEqual(res.body.messages, [
      {
        appointmentId,
        kind: 'reminder',
        channel: 'email',
        status: 'sent',
        due: '2030-01-06T13:00:00+01:00',
        sent: '2030-01-06T13:00:05+01:00',
      },
    ]);
    assert.equal(res.body.waitlist.length, 1);
    assert.equal(res.body.waitlist[0].remark, `Waiting ${marker}`);
    assert.equal(res.body.waitlist[0].clinician, 'Dr. Collega');
    assert.deepEqual(res.body.waitlist[0].offers[0], {
      start: '2030-01-21T10:00:00+01:00',
      end: '2030-01-21T10:45:00+01:00',
      mode: 'video',
      status: 'open',
      clinician: 'Dr. Collega',
    });
    assert.deepEqual(
      res.body.treatmentRelationships.map((r: { clinician: string; startedVia: string }) => [r.clinician, r.startedVia]),
      [
        ['Dr. Auteur', 'assigned'],
        ['Dr. Collega', 'assigned'],
      ],
    );
    assert.equal(res.body.breakGlassGrants.length, 1);
    assert.equal(res.body.breakGlassGrants[0].user, `Dr. Dienst ${marker}`);
    assert.equal(res.body.breakGlassGrants[0].reason, glassReason);
    assert.equal(res.body.practice.address, 'Keizersgracht 12, 1015 CS Amsterdam');
  });

  it('gives the access report: who, their role, a local time, the outcome, break-the-glass with its reason, no addresses', async () => {
    const res = await w.owner.get(`${client}/export.json`);
    assert.equal(res.status, 200);
    const report = res.body.accessReport as {
      at: string;
      user: string;
      roles: string[];
      action: string;
      breakGlass: boolean;
      reason: string | null;
      outcome: string;
    }[];
    const rows = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'at'])
      .where('client_id', '=', w.clientId)
      .where('practice_id', '=', w.practice.id)
      .orderBy('at')
      .orderBy('id')
      .execute();
    // every entry about the client up to this export (the export's own entry is written after it)
    assert.deepEqual(
      report.map((r) => r.action),
      rows.slice(0, report.length).map((r) => r.action),
    );
    assert.ok(rows.length >= report.length + 1);
    const register = report.find((r) => r.action === 'client.register');
    assert.equal(register?.user, 'Bea Backoffice');
    assert.deepEqual(register?.roles, ['back_office']);
    assert.equal(register?.outcome, 'ok');
    assert.match(register?.at ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$/);
    const glass = report.filter((r) => r.breakGlass);
    assert.ok(glass.some((r) => r.action === 'client.break_glass' && r.user === `Dr. Dienst ${marker}` && r.reason === glassReason));
    assert.ok(report.filter((r) => !r.breakGlass).every((r) => r.reason === null));
    // No staff IP address (nor anything else beyond these fields) in any row.
    for (const r of report) assert.deepEqual(Object.keys(r).sort(), ['action', 'at', 'breakGlass', 'outcome', 'reason', 'roles', 'user']);
  });

  it("writes the PDF of a Dutch client in Dutch, with human labels, local times, the practice's address and page numbers", async () => {
    const text = await exportPdf(w.owner.cookie, client);
    for (const expected of [
      'Cliëntdossier',
      'Ingeschreven',
      'Herinneringen per e-mail',
      'niet gecontroleerd',
      'Afspraken',
      '07-01-2030 13:00',
      'niet verschenen',
      'kwijtgescholden',
      `Intakegesprek ${marker}`,
      'Wie uw dossier heeft ingezien',
      'NOODTOEGANG',
      'Keizersgracht 12, 1015 CS Amsterdam',
      'Pagina 1 van',
    ]) {
      assert.ok(text.includes(expected), `missing ${expected}`);
    }
    for (const raw of ['client.register', 'remindersEmail', 'verified: none', 'no_show', 'in_person', 'client.read', 'UTC']) {
      assert.ok(!text.includes(raw), `raw code ${raw} in the PDF`);
    }
    const pages = Number(/Pagina 1 van (\d+)/.exec(text)?.[1]);
    assert.ok(pages >= 2);
    for (let n = 1; n <= pages; n++) assert.ok(text.includes(`Pagina ${n} van ${pages}`), `page ${n}`);
  });

  it('writes the PDF of an English-speaking client in English; unknown codes read as a generic text', async () => {
    const created = await w.backOffice.post<{ id: string }>(`${w.base}/clients`, {
      ...clientBody(),
      communication: { channel: 'email', language: 'en' },
    });
    assert.equal(created.status, 201);
    const url = `${w.base}/clients/${created.body.id}`;
    await t.deps.db
      .insertInto('client_history')
      .values({ practice_id: w.practice.id, client_id: created.body.id, action: 'something.new_and_unlabelled', changes: '{}' })
      .execute();
    const text = await exportPdf(w.owner.cookie, url);
    for (const expected of ['Client file', 'Registered', 'Page 1 of', 'Who accessed your file', 'Other change to the file']) {
      assert.ok(text.includes(expected), `missing ${expected}`);
    }
    for (const raw of ['client.register', 'something.new_and_unlabelled', 'Pagina']) assert.ok(!text.includes(raw), raw);
  });
});

describe('clinical notes released after the treating clinician’s review', () => {
  it('exports a note only once its treating author released it, and withdraws the release on an edit', async () => {
    const reviewed = `Gereviewd ${crypto.randomUUID()}`;
    const note = await w.author.post<{ id: string }>(`${client}/notes`, { kind: 'session', sessionDate: '2026-03-02', body: reviewed });
    assert.equal(note.status, 201);
    const release = `${client}/notes/${note.body.id}/release`;
    const exported = async () => JSON.stringify((await w.owner.get(`${client}/export.json`)).body);
    assert.ok(!(await exported()).includes(reviewed));

    // Nobody but the author releases it: a co-clinician gets 403 or 404, the back office 403.
    assert.ok([403, 404].includes((await w.colleague.post(release, {})).status));
    assert.equal((await w.backOffice.post(release, {})).status, 403);
    assert.equal((await w.owner.post(`${client}/notes/${crypto.randomUUID()}/release`, {})).status, 403);
    assert.equal((await w.author.post(`${client}/notes/${crypto.randomUUID()}/release`, {})).status, 404);
    assert.ok(!(await exported()).includes(reviewed));

    const ok = await w.author.post(release, {});
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const res = await w.owner.get(`${client}/export.json`);
    const released = res.body.releasedNotes.filter((n: { body: string }) => n.body === reviewed);
    assert.equal(released.length, 1);
    assert.equal(released[0].authorName, 'Dr. Auteur');
    // The earlier, unreleased note stays out.
    assert.ok(!JSON.stringify(res.body).includes(marker));
    assert.ok((await exportPdf(w.owner.cookie, client)).includes(reviewed));

    // An edit needs a new review.
    assert.equal((await w.author.patch(`${client}/notes/${note.body.id}`, { body: `${reviewed} bijgewerkt` })).status, 200);
    assert.ok(!(await exported()).includes(reviewed));
  });

  it('keeps a withheld note out with the reason the client reads, and a release after it lets it in', async () => {
    const secret = `Over de partner ${crypto.randomUUID()}`;
    const note = await w.author.post<{ id: string }>(`${client}/notes`, { kind: 'session', sessionDate: '2026-03-09', body: secret });
    assert.equal(note.status, 201);
    const withhold = `${client}/notes/${note.body.id}/withhold`;
    const reason = `Gaat over een derde ${crypto.randomUUID().slice(0, 8)}`;

    // A reason is required; only the treating author withholds.
    const empty = await w.author.post(withhold, { reason: 'kort' });
    assert.equal(empty.status, 400);
    assert.ok(empty.body.error.fields.some((f: { path: string }) => f.path === 'body.reason'));
    assert.ok([403, 404].includes((await w.colleague.post(withhold, { reason })).status));
    assert.equal((await w.backOffice.post(withhold, { reason })).status, 403);

    // Released first, then withheld: the release is withdrawn.
    assert.equal((await w.author.post(`${client}/notes/${note.body.id}/release`, {})).status, 200);
    const kept = await w.author.post<{ accessReview: { state: string; reason: string } }>(withhold, { reason });
    assert.equal(kept.status, 200, JSON.stringify(kept.body));
    assert.equal(kept.body.accessReview.state, 'withheld');
    assert.equal(kept.body.accessReview.reason, reason);
    const res = await w.owner.get(`${client}/export.json`);
    const text = JSON.stringify(res.body);
    assert.ok(!text.includes(secret), 'the withheld note never reaches the export');
    const withheld = res.body.withheldNotes.filter((n: { reason: string }) => n.reason === reason);
    assert.equal(withheld.length, 1);
    assert.equal(withheld[0].sessionDate, '2026-03-09');
    const pdf = await exportPdf(w.owner.cookie, client);
    assert.ok(!pdf.includes(secret));
    assert.ok(pdf.includes(reason));
    // The reason stays out of the access log.
    const logged = await t.deps.db.selectFrom('audit_log').select(['action', 'reason']).where('entity_id', '=', note.body.id).execute();
    assert.ok(logged.some((r) => r.action === 'note.withhold_from_access'));
    assert.ok(logged.every((r) => !(r.reason ?? '').includes(reason)));

    // Released after all: in, and no longer listed as withheld.
    assert.equal((await w.author.post(`${client}/notes/${note.body.id}/release`, {})).status, 200);
    const after = (await w.owner.get(`${client}/export.json`)).body;
    assert.ok(JSON.stringify(after.releasedNotes).includes(secret));
    assert.ok(!JSON.stringify(after.withheldNotes).includes(reason));
  });
});

/** Tables of schema public with a client column (`client_id`, or a foreign key to clients). */
async function clientTables(db: Kysely<DB>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'client_id' AND NOT a.attisdropped
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    UNION
    SELECT c.relname
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND k.contype = 'f' AND k.confrelid = 'public.clients'::regclass AND NOT c.relispartition
     ORDER BY 1`.execute(db);
  return rows.map((r) => r.name);
}

const uncovered = (tables: string[]) =>
  tables.filter((n) => !(EXPORTED_TABLES as readonly string[]).includes(n) && !(n in EXCLUDED_TABLES));

describe('export coverage', () => {
  it('exports or excludes with a reason every table that holds a client column', async () => {
    const tables = await clientTables(t.deps.db);
    assert.deepEqual(uncovered(tables), [], 'tables with client data neither exported nor excluded in export.ts');
    // No stale or double entries, and every exclusion names its reason.
    for (const n of [...EXPORTED_TABLES, ...Object.keys(EXCLUDED_TABLES)]) assert.ok(tables.includes(n), `${n} has no client column`);
    for (const n of EXPORTED_TABLES) assert.ok(!(n in EXCLUDED_TABLES), n);
    for (const reason of Object.values(EXCLUDED_TABLES)) assert.ok(reason.length > 10);
  });

  it('fails for a new table with a client column', async () => {
    const rollback = new Error('rollback');
    let found: string[] = [];
    await assert.rejects(
      t
        .admin()
        .transaction()
        .execute(async (tx) => {
          await sql`CREATE TABLE export_probe (id int, client_id uuid)`.execute(tx);
          await sql`CREATE TABLE export_probe_ref (id int, owner uuid REFERENCES clients (id))`.execute(tx);
          found = uncovered(await clientTables(tx));
          throw rollback;
        }),
      rollback,
    );
    assert.deepEqual(found, ['export_probe', 'export_probe_ref']);
  });
});
