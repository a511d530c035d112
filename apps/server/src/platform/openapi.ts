import { ErrorResponse } from '@calmdesk/shared';

/** Adds the shared error body for 4xx/5xx answers to a route's response schemas. */
export function withErrors<T extends Record<number, unknown>>(ok: T) {
  return { ...ok, '4xx': ErrorResponse, '5xx': ErrorResponse };
}
