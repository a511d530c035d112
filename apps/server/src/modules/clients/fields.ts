import type { z } from 'zod';
import type { ClientCreateBody } from '@calmdesk/shared';
import type { Updateable } from 'kysely';
import type { ClientsTable } from '../../db/schema.ts';

type ClientInput = Partial<z.infer<typeof ClientCreateBody>>;

const json = (v: unknown) => JSON.stringify(v ?? null);

/** Maps API fields to columns; only the fields present in the input. */
export function clientColumns(input: ClientInput): Updateable<ClientsTable> {
  const out: Updateable<ClientsTable> = {};
  if (input.firstName !== undefined) out.first_name = input.firstName;
  if (input.namePrefix !== undefined) out.name_prefix = input.namePrefix || null;
  if (input.lastName !== undefined) out.last_name = input.lastName;
  if (input.dateOfBirth !== undefined) out.date_of_birth = input.dateOfBirth;
  if (input.gender !== undefined) out.gender = input.gender;
  if (input.bsn !== undefined) out.bsn = input.bsn;
  if (input.bsnVerification !== undefined) out.bsn_verification = input.bsnVerification;
  if (input.email !== undefined) out.email = input.email;
  if (input.phone !== undefined) out.phone = input.phone;
  if (input.address !== undefined) out.address = json(input.address);
  if (input.insurerUzovi !== undefined) out.insurer_uzovi = input.insurerUzovi;
  if (input.policyNumber !== undefined) out.policy_number = input.policyNumber;
  if (input.gp !== undefined) out.gp = json(input.gp);
  if (input.emergencyContact !== undefined) out.emergency_contact = json(input.emergencyContact);
  if (input.communication !== undefined) out.communication = json(input.communication);
  if (input.preferredMode !== undefined) out.preferred_mode = input.preferredMode;
  if (input.consents !== undefined) out.consents = json(input.consents);
  return out;
}

/** Field-level changes between two presented records, for the client's history. */
export function diff(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  fields: string[],
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const f of fields) {
    if (JSON.stringify(before[f] ?? null) !== JSON.stringify(after[f] ?? null))
      changes[f] = { from: before[f] ?? null, to: after[f] ?? null };
  }
  return changes;
}
