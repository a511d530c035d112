import type { Selectable } from 'kysely';
import type { ClientsTable } from '../../db/schema.ts';

type ClientRow = Selectable<ClientsTable>;

export function displayName(c: {
  first_name: string;
  name_prefix: string | null;
  last_name: string;
  pseudonym?: string | null;
  destroyed_at?: Date | null;
}): string {
  if (c.destroyed_at && c.pseudonym) return c.pseudonym;
  return [c.first_name, c.name_prefix, c.last_name].filter(Boolean).join(' ');
}

/** The administrative client record as the back office sees it (never clinical notes). */
export function presentClient(c: ClientRow) {
  return {
    id: c.id,
    clientNumber: c.client_number,
    firstName: c.first_name,
    namePrefix: c.name_prefix,
    lastName: c.last_name,
    displayName: displayName(c),
    dateOfBirth: c.date_of_birth,
    gender: c.gender,
    bsn: c.bsn,
    bsnVerification: c.bsn_verification,
    email: c.email,
    phone: c.phone,
    address: c.address,
    insurerUzovi: c.insurer_uzovi,
    policyNumber: c.policy_number,
    // Optional parts left out at registration read back as null.
    gp: c.gp ? { name: c.gp.name, practiceName: c.gp.practiceName ?? null, agbCode: c.gp.agbCode ?? null } : null,
    emergencyContact: c.emergency_contact
      ? { name: c.emergency_contact.name, relation: c.emergency_contact.relation ?? null, phone: c.emergency_contact.phone }
      : null,
    communication: c.communication,
    preferredMode: c.preferred_mode,
    consents: c.consents,
    status: c.status,
    mergedInto: c.merged_into,
    destroyed: c.destroyed_at !== null,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
  };
}

export function presentSummary(
  c: Pick<
    ClientRow,
    'id' | 'client_number' | 'first_name' | 'name_prefix' | 'last_name' | 'date_of_birth' | 'status' | 'bsn' | 'pseudonym' | 'destroyed_at'
  >,
) {
  return {
    id: c.id,
    clientNumber: c.client_number,
    displayName: displayName(c),
    dateOfBirth: c.date_of_birth,
    status: c.status,
    bsnLast4: c.bsn ? c.bsn.slice(-4) : null,
  };
}

export const SUMMARY_COLUMNS = [
  'id',
  'client_number',
  'first_name',
  'name_prefix',
  'last_name',
  'date_of_birth',
  'status',
  'bsn',
  'pseudonym',
  'destroyed_at',
] as const;
