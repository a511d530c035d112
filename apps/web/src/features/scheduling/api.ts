import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import {
  type Appointment,
  AppointmentChange,
  AppointmentDetail,
  AppointmentList,
  Availability,
  Booking,
  ClientSearchResult,
  FreeSlotList,
  SchedulingSettings,
  type AppointmentCreateBody,
  type AppointmentPatch,
  type AppointmentStatusBody,
  type Mode,
} from '@calmdesk/shared';
import { api, ApiError, query } from '../../app/api.ts';

export type AppointmentData = z.output<typeof Appointment>;
export type AppointmentDetailData = z.output<typeof AppointmentDetail>;
export type BookingBody = z.input<typeof AppointmentCreateBody>;
export type PatchBody = z.input<typeof AppointmentPatch>;
export type StatusBody = z.input<typeof AppointmentStatusBody>;

export type FreeSlotData = z.output<typeof FreeSlotList>['items'][number];
export type AvailabilityData = z.output<typeof Availability>;

/** Query keys of the calendar; all start with the practice so switching never mixes them. */
export const schedulingKeys = {
  all: (p: string) => ['practice', p, 'appointments'] as const,
  list: (p: string, filter: ListFilter) => ['practice', p, 'appointments', 'list', filter] as const,
  one: (p: string, id: string) => ['practice', p, 'appointments', 'one', id] as const,
  slots: (p: string, q: SlotQuery) => ['practice', p, 'free-slots', q] as const,
  availability: (p: string, q: AvailabilityQuery) => ['practice', p, 'availability', q] as const,
  clientSearch: (p: string, q: string) => ['practice', p, 'clients', 'search', 'booking', q] as const,
  settings: (p: string) => ['practice', p, 'scheduling-settings'] as const,
};

export interface ListFilter {
  from: string;
  to: string;
  clinicianId?: string | undefined;
  roomId?: string | undefined;
  includeCancelled: boolean;
}

export interface SlotQuery {
  serviceId: string;
  mode: Mode;
  from: string;
  to: string;
  clinicianId?: string | undefined;
  locationId?: string | undefined;
}

export interface AvailabilityQuery {
  /** First and last local date, inclusive. */
  from: string;
  to: string;
  /** Sorted membership ids; every active clinician when left out. */
  clinicianIds?: string[] | undefined;
}

const base = (p: string) => `/practices/${p}/appointments`;

export const useAppointments = (p: string, f: ListFilter | null) =>
  useQuery({
    queryKey: schedulingKeys.list(p, f ?? { from: '', to: '', includeCancelled: false }),
    queryFn: () =>
      api.get(
        `${base(p)}${query({ from: f?.from, to: f?.to, clinicianId: f?.clinicianId, roomId: f?.roomId, includeCancelled: f?.includeCancelled ? 'true' : undefined })}`,
        AppointmentList,
      ),
    enabled: f !== null,
    placeholderData: (prev) => prev,
  });

export const useAppointment = (p: string, id: string | null) =>
  useQuery({
    queryKey: schedulingKeys.one(p, id ?? ''),
    queryFn: () => api.get(`${base(p)}/${id ?? ''}`, AppointmentDetail),
    enabled: id !== null,
  });

/** Working hours, leave and closures of the clinicians shown, for shading the agenda grid. */
export const useAvailability = (p: string, q: AvailabilityQuery | null) =>
  useQuery({
    queryKey: schedulingKeys.availability(p, q ?? { from: '', to: '' }),
    queryFn: () =>
      api.get(
        `/practices/${p}/availability${query({ from: q?.from, to: q?.to, clinicianIds: q?.clinicianIds?.length ? q.clinicianIds.join(',') : undefined })}`,
        Availability,
      ),
    enabled: q !== null,
    placeholderData: (prev) => prev,
    staleTime: 60_000,
  });

/** Enough for a few days of one clinician's 15-minute grid; the list scrolls. */
const SLOT_LIMIT = 150;

export const useFreeSlots = (p: string, q: SlotQuery | null) =>
  useQuery({
    queryKey: schedulingKeys.slots(p, q ?? ({} as SlotQuery)),
    queryFn: () => api.get(`/practices/${p}/free-slots${query({ ...q, limit: SLOT_LIMIT })}`, FreeSlotList),
    enabled: q !== null,
    staleTime: 0,
  });

/** Client search for the booking dialog: only once something is typed (every hit is logged). */
export const useClientPicker = (p: string, q: string) =>
  useQuery({
    queryKey: schedulingKeys.clientSearch(p, q),
    queryFn: () => api.get(`/practices/${p}/clients${query({ q, limit: 20 })}`, ClientSearchResult),
    enabled: q.length >= 2,
    placeholderData: (prev) => prev,
  });

export const moveAppointment = (p: string, id: string, body: PatchBody) => api.patch(`${base(p)}/${id}`, AppointmentChange, body);

export const changeStatus = (p: string, id: string, body: StatusBody) => api.post(`${base(p)}/${id}/status`, AppointmentChange, body);

/**
 * Books with an Idempotency-Key, so a repeated submit of the same request books once. The
 * shared `request` takes no headers, so this is the one call made with fetch directly; its
 * errors become the same ApiError.
 */
export async function book(p: string, body: BookingBody, idempotencyKey: string) {
  let res: Response;
  try {
    res = await fetch(`/api/v1${base(p)}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) throw errorOf(res.status, json);
  return Booking.parse(json);
}

const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string().optional(),
    fields: z
      .array(
        z.object({
          path: z.string(),
          message: z.string(),
          sentences: z.array(z.object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) })).default([]),
        }),
      )
      .optional(),
  }),
});

function errorOf(status: number, body: unknown): ApiError {
  const parsed = ErrorBody.safeParse(body);
  if (!parsed.success) return new ApiError(status, status >= 500 ? 'internal' : 'bad_request', `HTTP ${status}`);
  const { code, message, fields = [] } = parsed.data.error;
  const byField: Record<string, string> = {};
  for (const f of fields) byField[f.path.replace(/^(body|query|params|headers)\.?/, '') || '_form'] ??= f.message;
  return new ApiError(status, code as ApiError['code'], message ?? `HTTP ${status}`, byField, fields);
}

/** The server refuses a time outside the clinicians' working hours (or during leave) unless a reason is given. */
export function isOutsideHours(e: unknown): e is ApiError {
  return e instanceof ApiError && e.code === 'outside_working_hours';
}

/** Statuses that still hold the time (and can be moved, confirmed or cancelled). */
export const OPEN_STATUSES = ['planned', 'confirmed'] as const;
export const isOpen = (a: { status: string }) => a.status === 'planned' || a.status === 'confirmed';

/** Until the practice's policy has loaded: the server's defaults (24 hours' notice, charge). */
export const NOTICE_HOURS = 24;
export const DEFAULT_FEE = 'charge' as const;

/** The practice's notice period and no-show / late-cancellation fee policies. */
export const useSchedulingSettings = (p: string) =>
  useQuery({
    queryKey: schedulingKeys.settings(p),
    queryFn: () => api.get(`/practices/${p}/scheduling-settings`, SchedulingSettings),
    staleTime: 60_000,
  });

/** Schedulers book, move and cancel; a clinician only confirms and records attendance of their own. */
export function rolesOf(roles: readonly string[]) {
  const scheduler = roles.includes('owner') || roles.includes('back_office');
  const ownOnly = !scheduler && !roles.includes('billing');
  return { scheduler, ownOnly, clinician: roles.includes('clinician') };
}
