import { CONSENT_KINDS, type BSN_VERIFICATIONS, type Mode } from '@calmdesk/shared';
import { orNull } from '../settings/api.ts';
import { formatDay, toIsoDay, type ClientData } from './api.ts';

type ConsentKind = (typeof CONSENT_KINDS)[number];
export type ConsentSource = 'verbal' | 'written' | 'portal' | 'referral' | 'other';
export interface ConsentDraft {
  answer: 'unasked' | 'yes' | 'no';
  date: string;
  source: ConsentSource;
}

/** The register/edit form as the user types it (dates in the locale's way). */
export interface ClientDraft {
  firstName: string;
  namePrefix: string;
  lastName: string;
  dateOfBirth: string;
  gender: 'female' | 'male' | 'other' | 'unknown';
  bsn: string;
  bsnVerification: (typeof BSN_VERIFICATIONS)[number];
  email: string;
  phone: string;
  street: string;
  houseNumber: string;
  postalCode: string;
  city: string;
  country: string;
  insurerUzovi: string;
  policyNumber: string;
  gpName: string;
  gpPracticeName: string;
  gpAgbCode: string;
  emergencyName: string;
  emergencyRelation: string;
  emergencyPhone: string;
  preferredMode: Mode | null;
  channel: 'email' | 'sms' | 'post' | 'phone' | null;
  language: 'nl' | 'en' | null;
  consents: Record<ConsentKind, ConsentDraft>;
}

export type TextKey = { [K in keyof ClientDraft]: ClientDraft[K] extends string ? K : never }[keyof ClientDraft];

const noConsent = (): ConsentDraft => ({ answer: 'unasked', date: '', source: 'verbal' });

export function emptyDraft(): ClientDraft {
  return {
    firstName: '',
    namePrefix: '',
    lastName: '',
    dateOfBirth: '',
    gender: 'unknown',
    bsn: '',
    bsnVerification: 'none',
    email: '',
    phone: '',
    street: '',
    houseNumber: '',
    postalCode: '',
    city: '',
    country: 'NL',
    insurerUzovi: '',
    policyNumber: '',
    gpName: '',
    gpPracticeName: '',
    gpAgbCode: '',
    emergencyName: '',
    emergencyRelation: '',
    emergencyPhone: '',
    preferredMode: null,
    channel: null,
    language: null,
    consents: Object.fromEntries(CONSENT_KINDS.map((k) => [k, noConsent()])) as Record<ConsentKind, ConsentDraft>,
  };
}

const SOURCES: ConsentSource[] = ['verbal', 'written', 'portal', 'referral', 'other'];

export function draftOf(c: ClientData, locale: 'en' | 'nl'): ClientDraft {
  const consents = emptyDraft().consents;
  for (const k of CONSENT_KINDS) {
    const v = c.consents[k];
    if (v)
      consents[k] = {
        answer: v.given ? 'yes' : 'no',
        date: formatDay(v.date, locale),
        source: SOURCES.find((s) => s === v.source) ?? 'other',
      };
  }
  return {
    firstName: c.firstName,
    namePrefix: c.namePrefix ?? '',
    lastName: c.lastName,
    dateOfBirth: formatDay(c.dateOfBirth, locale),
    gender: c.gender,
    bsn: c.bsn ?? '',
    bsnVerification: c.bsnVerification,
    email: c.email ?? '',
    phone: c.phone ?? '',
    street: c.address?.street ?? '',
    houseNumber: c.address?.houseNumber ?? '',
    postalCode: c.address?.postalCode ?? '',
    city: c.address?.city ?? '',
    country: c.address?.country ?? 'NL',
    insurerUzovi: c.insurerUzovi ?? '',
    policyNumber: c.policyNumber ?? '',
    gpName: c.gp?.name ?? '',
    gpPracticeName: c.gp?.practiceName ?? '',
    gpAgbCode: c.gp?.agbCode ?? '',
    emergencyName: c.emergencyContact?.name ?? '',
    emergencyRelation: c.emergencyContact?.relation ?? '',
    emergencyPhone: c.emergencyContact?.phone ?? '',
    preferredMode: c.preferredMode,
    channel: c.communication.channel ?? null,
    language: c.communication.language ?? null,
    consents,
  };
}

/** The request body (register or change) built from the form. */
export function bodyOf(d: ClientDraft) {
  const hasAddress = [d.street, d.houseNumber, d.postalCode, d.city].some((s) => s.trim() !== '');
  const hasGp = [d.gpName, d.gpPracticeName, d.gpAgbCode].some((s) => s.trim() !== '');
  const hasEmergency = [d.emergencyName, d.emergencyRelation, d.emergencyPhone].some((s) => s.trim() !== '');
  const consents = Object.fromEntries(
    CONSENT_KINDS.flatMap((k) => {
      const c = d.consents[k];
      return c.answer === 'unasked' ? [] : [[k, { given: c.answer === 'yes', date: toIsoDay(c.date), source: c.source }]];
    }),
  );
  return {
    firstName: d.firstName.trim(),
    namePrefix: orNull(d.namePrefix),
    lastName: d.lastName.trim(),
    dateOfBirth: toIsoDay(d.dateOfBirth),
    gender: d.gender,
    bsn: orNull(d.bsn),
    bsnVerification: d.bsnVerification,
    email: orNull(d.email),
    phone: orNull(d.phone),
    address: hasAddress
      ? {
          street: d.street.trim(),
          houseNumber: d.houseNumber.trim(),
          postalCode: d.postalCode.trim().toUpperCase(),
          city: d.city.trim(),
          country: d.country.trim().toUpperCase(),
        }
      : null,
    insurerUzovi: orNull(d.insurerUzovi),
    policyNumber: orNull(d.policyNumber),
    gp: hasGp ? { name: d.gpName.trim(), practiceName: orNull(d.gpPracticeName), agbCode: orNull(d.gpAgbCode) } : null,
    emergencyContact: hasEmergency
      ? { name: d.emergencyName.trim(), relation: orNull(d.emergencyRelation), phone: d.emergencyPhone.trim() }
      : null,
    preferredMode: d.preferredMode,
    communication: { ...(d.channel ? { channel: d.channel } : {}), ...(d.language ? { language: d.language } : {}) },
    consents,
  };
}

/** Server field paths (after `body.`) to the form field where they show. */
export const FIELD_OF: Record<string, string> = {
  'address.street': 'street',
  'address.houseNumber': 'houseNumber',
  'address.postalCode': 'postalCode',
  'address.city': 'city',
  'address.country': 'country',
  'gp.name': 'gpName',
  'gp.practiceName': 'gpPracticeName',
  'gp.agbCode': 'gpAgbCode',
  'emergencyContact.name': 'emergencyName',
  'emergencyContact.relation': 'emergencyRelation',
  'emergencyContact.phone': 'emergencyPhone',
  'communication.channel': 'channel',
  'communication.language': 'language',
};
