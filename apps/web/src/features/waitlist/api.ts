import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import {
  ClientSearchResult,
  WaitlistCandidates,
  WaitlistEntry,
  WaitlistEntryList,
  WaitlistOfferResult,
  type Mode,
  type WaitlistEntryCreateBody,
} from '@calmdesk/shared';
import { api, query } from '../../app/api.ts';

export type EntryData = z.output<typeof WaitlistEntry>;
export type OfferData = EntryData['offers'][number];
export type CandidatesData = z.output<typeof WaitlistCandidates>;
export type NewEntryBody = z.input<typeof WaitlistEntryCreateBody>;

/** Query keys of the waitlist; all start with the practice so switching never mixes them. */
export const waitlistKeys = {
  all: (p: string) => ['practice', p, 'waitlist'] as const,
  candidates: (p: string, source: CandidateSource | null) => ['practice', p, 'waitlist', 'candidates', source] as const,
  clientSearch: (p: string, q: string) => ['practice', p, 'clients', 'search', 'waitlist', q] as const,
};

const base = (p: string) => `/practices/${p}/waitlist`;

export const useWaitlist = (p: string) => useQuery({ queryKey: waitlistKeys.all(p), queryFn: () => api.get(base(p), WaitlistEntryList) });

/** A free slot that is not a cancelled appointment: local start in the practice's zone (`2030-01-21T10:00`), not in person. */
export interface FreeSlotOffer {
  start: string;
  durationMinutes: number;
  clinicianId: string;
  mode: Mode;
  /** Only entries that want this service (or any) are candidates. */
  serviceId?: string | undefined;
}

/** What is offered: the time of a cancelled appointment, or a free slot. */
export type CandidateSource = { appointmentId: string } | { slot: FreeSlotOffer };

export const useCandidates = (p: string, source: CandidateSource | null) =>
  useQuery({
    queryKey: waitlistKeys.candidates(p, source),
    queryFn: () =>
      source && 'slot' in source
        ? api.get(`${base(p)}/candidates/slot${query({ ...source.slot })}`, WaitlistCandidates)
        : api.get(`${base(p)}/candidates${query({ appointmentId: source?.appointmentId })}`, WaitlistCandidates),
    enabled: source !== null,
  });

/** Client search for the add form: only once something is typed (every hit is logged). */
export const useClientPicker = (p: string, q: string) =>
  useQuery({
    queryKey: waitlistKeys.clientSearch(p, q),
    queryFn: () => api.get(`/practices/${p}/clients${query({ q, limit: 20 })}`, ClientSearchResult),
    enabled: q.length >= 2,
    placeholderData: (prev) => prev,
  });

export const addEntry = (p: string, body: NewEntryBody) => api.post(base(p), WaitlistEntry, body);
export const removeEntry = (p: string, id: string) => api.delete(`${base(p)}/${id}`, WaitlistEntry);
export const offerAppointment = (p: string, entryId: string, appointmentId: string) =>
  api.post(`${base(p)}/${entryId}/offers`, WaitlistOfferResult, { appointmentId });
export const offerFreeSlot = (p: string, entryId: string, { start, durationMinutes, clinicianId, mode }: FreeSlotOffer) =>
  api.post(`${base(p)}/${entryId}/offers`, WaitlistOfferResult, { start, durationMinutes, clinicianId, mode });
export const acceptOffer = (p: string, offerId: string) => api.post(`${base(p)}/offers/${offerId}/accept`, WaitlistOfferResult);
export const declineOffer = (p: string, offerId: string) => api.post(`${base(p)}/offers/${offerId}/decline`, WaitlistOfferResult);

export const canWrite = (roles: readonly string[]) => roles.includes('owner') || roles.includes('back_office');
