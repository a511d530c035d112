import { useQuery } from '@tanstack/react-query';
import { LocationList, PracticeProfile, RoomList, ServiceList, StaffList } from '@calmdesk/shared';
import type { z } from 'zod';
import { api } from '../../app/api.ts';

export type Profile = z.output<typeof PracticeProfile>;
export type Staff = z.output<typeof StaffList>['items'][number];
export type ServiceItem = z.output<typeof ServiceList>['items'][number];
export type LocationItem = z.output<typeof LocationList>['items'][number];

/** Query keys of one practice's setup; all start with the practice so switching never mixes them. */
export const keys = {
  profile: (p: string) => ['practice', p, 'profile'] as const,
  locations: (p: string) => ['practice', p, 'locations'] as const,
  rooms: (p: string) => ['practice', p, 'rooms'] as const,
  staff: (p: string) => ['practice', p, 'staff'] as const,
  hours: (p: string, m: string) => ['practice', p, 'staff', m, 'hours'] as const,
  services: (p: string) => ['practice', p, 'services'] as const,
  invitations: (p: string) => ['practice', p, 'invitations'] as const,
};

export const useProfile = (p: string) =>
  useQuery({ queryKey: keys.profile(p), queryFn: () => api.get(`/practices/${p}`, PracticeProfile) });
export const useLocations = (p: string) =>
  useQuery({ queryKey: keys.locations(p), queryFn: () => api.get(`/practices/${p}/locations`, LocationList) });
export const useRooms = (p: string) => useQuery({ queryKey: keys.rooms(p), queryFn: () => api.get(`/practices/${p}/rooms`, RoomList) });
export const useStaff = (p: string) => useQuery({ queryKey: keys.staff(p), queryFn: () => api.get(`/practices/${p}/staff`, StaffList) });
export const useServices = (p: string) =>
  useQuery({ queryKey: keys.services(p), queryFn: () => api.get(`/practices/${p}/services`, ServiceList) });

/** '' → null, for optional text fields the API takes as nullable. */
export function orNull(s: string): string | null {
  const v = s.trim();
  return v === '' ? null : v;
}
