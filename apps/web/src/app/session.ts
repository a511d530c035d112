import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { Me } from '@calmdesk/shared';
import { api, isApiError } from './api.ts';

export type MeData = z.output<typeof Me>;
export type MembershipData = MeData['memberships'][number];

export const ME_KEY = ['me'] as const;

/** The signed-in account, or null when nobody is signed in. */
export async function fetchMe(): Promise<MeData | null> {
  try {
    return await api.get('/me', Me);
  } catch (e) {
    if (isApiError(e, 'unauthenticated')) return null;
    throw e;
  }
}

export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: 60_000 });
}

/** Re-reads the account after a sign-in step and returns it. */
export function useRefreshMe() {
  const qc = useQueryClient();
  return async () => {
    await qc.invalidateQueries({ queryKey: ME_KEY });
    return qc.fetchQuery({ queryKey: ME_KEY, queryFn: fetchMe });
  };
}

/** Where a signed-in account at a given stage belongs. */
export function pathForStage(me: MeData): string {
  switch (me.stage) {
    case 'totp_required':
      return '/verify';
    case 'totp_enrolment_required':
      return '/enrol';
    case 'complete':
      return '/';
  }
}
