import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import {
  Client,
  ClientHistory,
  ClientSearchResult,
  DocumentList,
  type ImportReport,
  NoteList,
  TrajectoryList,
  type ClientStatus,
} from '@calmdesk/shared';
import { api, query } from '../../app/api.ts';
import { parseDay, todayIn } from '../../app/time.ts';

export type ClientData = z.output<typeof Client>;
export type ClientSummaryData = z.output<typeof ClientSearchResult>['items'][number];
export type TrajectoryData = z.output<typeof TrajectoryList>['items'][number];
export type DocumentData = z.output<typeof DocumentList>['items'][number];
export type HistoryEntry = z.output<typeof ClientHistory>['items'][number];
export type NoteData = z.output<typeof NoteList>['items'][number];
export type ImportReportData = z.output<typeof ImportReport>;

/** Query keys of the client records; all start with the practice so switching never mixes them. */
export const clientKeys = {
  all: (p: string) => ['practice', p, 'clients'] as const,
  search: (p: string, q: string, status: ClientStatus | null) => ['practice', p, 'clients', 'search', q, status] as const,
  one: (p: string, c: string) => ['practice', p, 'clients', c] as const,
  history: (p: string, c: string) => ['practice', p, 'clients', c, 'history'] as const,
  trajectories: (p: string, c: string) => ['practice', p, 'clients', c, 'trajectories'] as const,
  documents: (p: string, c: string) => ['practice', p, 'clients', c, 'documents'] as const,
  notes: (p: string, c: string) => ['practice', p, 'clients', c, 'notes'] as const,
};

export const SEARCH_LIMIT = 50;

export const clientPath = (p: string, c: string) => `/practices/${p}/clients/${c}`;

export const useClientSearch = (p: string, q: string, status: ClientStatus | null) =>
  useQuery({
    queryKey: clientKeys.search(p, q, status),
    queryFn: () => api.get(`/practices/${p}/clients${query({ q, status, limit: SEARCH_LIMIT })}`, ClientSearchResult),
    placeholderData: (prev) => prev,
  });
export const useClient = (p: string, c: string) =>
  useQuery({ queryKey: clientKeys.one(p, c), queryFn: () => api.get(clientPath(p, c), Client) });
export const useHistory = (p: string, c: string) =>
  useQuery({ queryKey: clientKeys.history(p, c), queryFn: () => api.get(`${clientPath(p, c)}/history`, ClientHistory) });
export const useTrajectories = (p: string, c: string) =>
  useQuery({ queryKey: clientKeys.trajectories(p, c), queryFn: () => api.get(`${clientPath(p, c)}/trajectories`, TrajectoryList) });
export const useDocuments = (p: string, c: string) =>
  useQuery({ queryKey: clientKeys.documents(p, c), queryFn: () => api.get(`${clientPath(p, c)}/documents`, DocumentList) });
export const useNotes = (p: string, c: string) =>
  useQuery({ queryKey: clientKeys.notes(p, c), queryFn: () => api.get(`${clientPath(p, c)}/notes`, NoteList) });

/** A typed day (27-03-1980) as the API's YYYY-MM-DD, or the text itself so the server names what is wrong. */
export function toIsoDay(text: string): string {
  const d = parseDay(text);
  if (!d) return text.trim();
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** A calendar date (YYYY-MM-DD) as the locale writes it: 27-03-1980 (nl) or 27/03/1980 (en). */
export function formatDay(iso: string, locale: 'en' | 'nl'): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return [m[3], m[2], m[1]].join(locale === 'nl' ? '-' : '/');
}

/** A BSN as lists show it: only the last four digits (`•••••6758`), or a dash when there is none. */
export function maskedBsn(last4: string | null): string {
  return last4 ? `•••••${last4}` : '—';
}

/** Today (YYYY-MM-DD) in the practice's time zone (`usePractice().timeZone`). */
export function todayIso(timeZone: string): string {
  return todayIn(timeZone);
}

export function formatSize(bytes: number, locale: 'en' | 'nl'): string {
  const nf = (n: number) => new Intl.NumberFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { maximumFractionDigits: 1 }).format(n);
  if (bytes >= 1_048_576) return `${nf(bytes / 1_048_576)} MB`;
  if (bytes >= 1024) return `${nf(bytes / 1024)} kB`;
  return `${bytes} B`;
}

/** Saves a Blob under a file name through a temporary link. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
