import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError } from './api.ts';
import { ME_KEY } from './session.ts';

/**
 * One client for the app. An answer of `unauthenticated` anywhere (an expired or revoked
 * session) clears the account, which sends the user to the sign-in page.
 */
export function createQueryClient(): QueryClient {
  const onError = (e: unknown) => {
    if (isApiError(e, 'unauthenticated') || isApiError(e, 'second_factor_required')) void client.invalidateQueries({ queryKey: ME_KEY });
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        retry: (count, e) => !(isApiError(e) && e.status >= 400 && e.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
  return client;
}
