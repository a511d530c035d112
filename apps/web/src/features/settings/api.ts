import { useQuery } from '@tanstack/react-query';
import {
  AbsenceList,
  CalendarFeedStatus,
  LocationList,
  PracticeProfile,
  RoomList,
  SchedulingSettings,
  ServiceList,
  StaffList,
} from '@calmdesk/shared';
import type { z } from 'zod';
import { api, query } from '../../app/api.ts';

export type Profile = z.output<typeof PracticeProfile>;
export type Staff = z.output<typeof StaffList>['items'][number];
export type ServiceItem = z.output<typeof ServiceList>['items'][number];
export type LocationItem = z.output<typeof LocationList>['items'][number];
export type SchedulingSettingsData = z.output<typeof SchedulingSettings>;
export type AbsenceItem = z.output<typeof AbsenceList>['items'][number];

/** Query keys of one practice's setup; all start with the practice so switching never mixes them. */
export const keys = {
  profile: (p: string) => ['practice', p, 'profile'] as const,
  locations: (p: string) => ['practice', p, 'locations'] as const,
  rooms: (p: string) => ['practice', p, 'rooms'] as const,
  staff: (p: string) => ['practice', p, 'staff'] as const,
  hours: (p: string, m: string) => ['practice', p, 'staff', m, 'hours'] as const,
  services: (p: string) => ['practice', p, 'services'] as const,
  invitations: (p: string) => ['practice', p, 'invitations'] as const,
  schedulingSettings: (p: string) => ['practice', p, 'scheduling-settings'] as const,
  absences: (p: string) => ['practice', p, 'absences'] as const,
  feed: (p: string, m: string) => ['practice', p, 'staff', m, 'calendar-feed'] as const,
};

export const useProfile = (p: string) =>
  useQuery({ queryKey: keys.profile(p), queryFn: () => api.get(`/practices/${p}`, PracticeProfile) });
export const useLocations = (p: string) =>
  useQuery({ queryKey: keys.locations(p), queryFn: () => api.get(`/practices/${p}/locations`, LocationList) });
export const useRooms = (p: string) => useQuery({ queryKey: keys.rooms(p), queryFn: () => api.get(`/practices/${p}/rooms`, RoomList) });
export const useStaff = (p: string) => useQuery({ queryKey: keys.staff(p), queryFn: () => api.get(`/practices/${p}/staff`, StaffList) });
export const useServices = (p: string) =>
  useQuery({ queryKey: keys.services(p), queryFn: () => api.get(`/practices/${p}/services`, ServiceList) });

export const useSchedulingSettings = (p: string) =>
  useQuery({ queryKey: keys.schedulingSettings(p), queryFn: () => api.get(`/practices/${p}/scheduling-settings`, SchedulingSettings) });
/** Leave and closures overlapping the days from–to (local, inclusive). */
export const useAbsences = (p: string, from: string, to: string) =>
  useQuery({
    queryKey: [...keys.absences(p), from, to],
    queryFn: () => api.get(`/practices/${p}/absences${query({ from, to })}`, AbsenceList),
  });
export const useCalendarFeed = (p: string, m: string) =>
  useQuery({ queryKey: keys.feed(p, m), queryFn: () => api.get(`/practices/${p}/staff/${m}/calendar-feed`, CalendarFeedStatus) });

/** Today (plus `days`) in `timeZone`, as YYYY-MM-DD. */
export function localDay(timeZone: string, days = 0): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** '' → null, for optional text fields the API takes as nullable. */
export function orNull(s: string): string | null {
  const v = s.trim();
  return v === '' ? null : v;
}
