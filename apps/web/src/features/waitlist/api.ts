import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import {
  ClientSearchResult,
  WaitlistCandidates,
  WaitlistEntry,
  WaitlistEntryList,
  WaitlistOfferResult,
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
  candidates: (p: string, appointmentId: string) => ['practice', p, 'waitlist', 'candidates', appointmentId] as const,
  clientSearch: (p: string, q: string) => ['practice', p, 'clients', 'search', 'waitlist', q] as const,
};

const base = (p: string) => `/practices/${p}/waitlist`;

export const useWaitlist = (p: string) => useQuery({ queryKey: waitlistKeys.all(p), queryFn: () => api.get(base(p), WaitlistEntryList) });

export const useCandidates = (p: string, appointmentId: string | null) =>
  useQuery({
    queryKey: waitlistKeys.candidates(p, appointmentId ?? ''),
    queryFn: () => api.get(`${base(p)}/candidates${query({ appointmentId })}`, WaitlistCandidates),
    enabled: appointmentId !== null,
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
export const acceptOffer = (p: string, offerId: string) => api.post(`${base(p)}/offers/${offerId}/accept`, WaitlistOfferResult);
export const declineOffer = (p: string, offerId: string) => api.post(`${base(p)}/offers/${offerId}/decline`, WaitlistOfferResult);

export const canWrite = (roles: readonly string[]) => roles.includes('owner') || roles.includes('back_office');
