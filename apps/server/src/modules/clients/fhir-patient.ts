import type { ContactPoint, Patient } from '@medplum/fhirtypes';
import type { z } from 'zod';
import type { Client } from '@calmdesk/shared';

export const BSN_SYSTEM = 'http://fhir.nl/fhir/NamingSystem/bsn';

/** The client as a FHIR R4 Patient (nl-core style identifiers; the BSN under its NamingSystem). */
export function toFhirPatient(c: z.infer<typeof Client>, practiceId: string): Patient {
  const telecom: ContactPoint[] = [];
  if (c.phone) telecom.push({ system: 'phone', value: c.phone });
  if (c.email) telecom.push({ system: 'email', value: c.email });
  const gender = c.gender === 'female' || c.gender === 'male' || c.gender === 'other' ? c.gender : 'unknown';
  return {
    resourceType: 'Patient',
    id: c.id,
    identifier: [
      ...(c.bsn ? [{ system: BSN_SYSTEM, value: c.bsn }] : []),
      { system: `urn:calmdesk:practice:${practiceId}:client-number`, value: c.clientNumber },
    ],
    active: !c.destroyed && c.mergedInto === null,
    name: [
      {
        use: 'official',
        text: c.displayName,
        family: [c.namePrefix, c.lastName].filter(Boolean).join(' '),
        given: [c.firstName],
      },
    ],
    telecom: telecom.length > 0 ? telecom : undefined,
    gender,
    birthDate: c.dateOfBirth,
    address: c.address
      ? [
          {
            use: 'home',
            line: [`${c.address.street} ${c.address.houseNumber}`],
            postalCode: c.address.postalCode,
            city: c.address.city,
            country: c.address.country,
          },
        ]
      : undefined,
    contact: c.emergencyContact
      ? [
          {
            relationship: c.emergencyContact.relation ? [{ text: c.emergencyContact.relation }] : undefined,
            name: { text: c.emergencyContact.name },
            telecom: [{ system: 'phone', value: c.emergencyContact.phone }],
          },
        ]
      : undefined,
    communication: c.communication.language
      ? [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: c.communication.language }] }, preferred: true }]
      : undefined,
    generalPractitioner: c.gp ? [{ display: [c.gp.name, c.gp.practiceName].filter(Boolean).join(', ') }] : undefined,
  };
}
