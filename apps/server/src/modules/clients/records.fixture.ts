/** Shared set-up for the client-record tests: a practice with every role signed in and one client. */
import crypto from 'node:crypto';
import type { Client, TestApp } from '../../test/harness.ts';
import { addMember, createTestPractice, createUser, randomBsn, signIn, type TestPractice } from '../../test/factories.ts';

/** The smallest bytes each accepted type is recognised by. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(16)]);
export const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(16)]);

export interface RecordsWorld {
  practice: TestPractice;
  base: string;
  clientId: string;
  owner: Client;
  backOffice: Client;
  billing: Client;
  /** The clinician who writes notes (treats the client). */
  author: Client;
  authorMembershipId: string;
  /** A second clinician, who treats the client too. */
  colleague: Client;
  colleagueMembershipId: string;
  ownerMembershipId: string;
}

export function clientBody(marker = crypto.randomUUID().slice(0, 8)) {
  return {
    firstName: `Anna ${marker}`,
    lastName: `Jansen ${marker}`,
    dateOfBirth: '1984-05-17',
    gender: 'female',
    bsn: randomBsn(),
    bsnVerification: 'id_document',
    email: `anna-${marker}@example.nl`,
    phone: '+31 6 1234 5678',
    address: { street: 'Prinsengracht', houseNumber: '263', postalCode: '1016 GV', city: 'Amsterdam', country: 'NL' },
    insurerUzovi: '3311',
    policyNumber: `POL-${marker}`,
    gp: { name: `Dr. Huisarts ${marker}`, practiceName: 'Huisartsen Centrum', agbCode: '01234567' },
    emergencyContact: { name: `Piet ${marker}`, relation: 'partner', phone: '+31 6 8765 4321' },
    communication: { channel: 'email', language: 'nl' },
    preferredMode: 'video',
  };
}

export async function recordsWorld(t: TestApp): Promise<RecordsWorld> {
  const practice = await createTestPractice(t.deps);
  const member = async (name: string, roles: Parameters<typeof addMember>[3]) => {
    const user = await createUser(t.deps, { name });
    const membershipId = await addMember(t.deps, practice.id, user, roles);
    return { client: await signIn(t, user), membershipId };
  };
  const backOffice = await member('Bea Backoffice', ['back_office']);
  const billing = await member('Bill Billing', ['billing']);
  const author = await member('Dr. Auteur', ['clinician']);
  const colleague = await member('Dr. Collega', ['clinician']);
  const owner = await signIn(t, practice.owner);
  const ownerMembership = await t.deps.db
    .selectFrom('memberships')
    .select('id')
    .where('practice_id', '=', practice.id)
    .where('user_id', '=', practice.owner.id)
    .executeTakeFirstOrThrow();
  const base = `/api/v1/practices/${practice.id}`;
  const created = await backOffice.client.post<{ id: string }>(`${base}/clients`, clientBody());
  if (created.status !== 201) throw new Error(`client registration failed: ${JSON.stringify(created.body)}`);
  // Both clinicians treat the client (assigned by the back office).
  for (const m of [author, colleague]) {
    const assigned = await backOffice.client.post(`${base}/clients/${created.body.id}/treatment-relationships`, {
      clinicianId: m.membershipId,
    });
    if (assigned.status !== 201) throw new Error(`assignment failed: ${JSON.stringify(assigned.body)}`);
  }
  return {
    practice,
    base,
    clientId: created.body.id,
    owner,
    backOffice: backOffice.client,
    billing: billing.client,
    author: author.client,
    authorMembershipId: author.membershipId,
    colleague: colleague.client,
    colleagueMembershipId: colleague.membershipId,
    ownerMembershipId: ownerMembership.id,
  };
}

/** Number of document rows and blob rows of a practice (for "nothing changed"). */
export async function documentCounts(t: TestApp, practiceId: string) {
  const docs = await t.deps.db.selectFrom('documents').select('id').where('practice_id', '=', practiceId).execute();
  const blobs = await t.deps.db.selectFrom('document_blobs').select('document_id').where('practice_id', '=', practiceId).execute();
  return { documents: docs.length, blobs: blobs.length };
}
