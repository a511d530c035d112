import type { Mode, Profession, Role } from '@calmdesk/shared';
import type { AddressJson } from '../../db/schema.ts';

export function presentPractice(p: {
  id: string;
  name: string;
  legal_name: string;
  agb_code: string | null;
  kvk_number: string | null;
  address: AddressJson | null;
  iban: string | null;
  vat_status: 'exempt' | 'liable' | 'mixed';
  time_zone: string;
  locale: 'en' | 'nl';
  currency: string;
  contact_phone: string | null;
  contact_email: string | null;
}) {
  return {
    id: p.id,
    name: p.name,
    legalName: p.legal_name,
    agbCode: p.agb_code,
    kvkNumber: p.kvk_number,
    address: p.address,
    iban: p.iban,
    vatStatus: p.vat_status,
    timeZone: p.time_zone,
    locale: p.locale,
    currency: p.currency,
    contactPhone: p.contact_phone,
    contactEmail: p.contact_email,
  };
}

export function presentLocation(l: { id: string; name: string; address: AddressJson | null; active: boolean }) {
  return { id: l.id, name: l.name, address: l.address, active: l.active };
}

export function presentRoom(r: { id: string; location_id: string; name: string; active: boolean }) {
  return { id: r.id, locationId: r.location_id, name: r.name, active: r.active };
}

export function presentService(s: {
  id: string;
  name: string;
  default_duration_minutes: number;
  allowed_modes: string[];
  billing_code: string | null;
  buffer_minutes: number;
  active: boolean;
  clinician_ids: string[];
}) {
  return {
    id: s.id,
    name: s.name,
    defaultDurationMinutes: s.default_duration_minutes,
    allowedModes: s.allowed_modes as Mode[],
    billingCode: s.billing_code,
    bufferMinutes: s.buffer_minutes,
    active: s.active,
    clinicianIds: s.clinician_ids,
  };
}

export function presentStaff(m: {
  id: string;
  user_id: string;
  name: string;
  email: string;
  roles: string[];
  agb_code: string | null;
  big_number: string | null;
  profession: string | null;
  active: boolean;
}) {
  return {
    membershipId: m.id,
    userId: m.user_id,
    name: m.name,
    email: m.email,
    roles: m.roles as Role[],
    agbCode: m.agb_code,
    bigNumber: m.big_number,
    profession: m.profession as Profession | null,
    active: m.active,
  };
}
