/** Every error the API can answer with, and the one table from code to HTTP status. */
export const ERROR_STATUS = {
  validation_failed: 400,
  bad_request: 400,
  invalid_credentials: 401,
  unauthenticated: 401,
  second_factor_required: 401,
  invalid_totp_code: 400,
  invalid_recovery_code: 400,
  step_up_required: 403,
  forbidden: 403,
  /** A clinician reaching a client they do not treat: open the file by break-the-glass (with a reason) first. */
  not_treating: 403,
  not_found: 404,
  conflict: 409,
  /** A time outside the clinicians' working hours, during leave or a closure: allowed only with a reason. */
  outside_working_hours: 409,
  invitation_expired: 410,
  token_invalid: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  /** Dotted path of the field in the request, e.g. `body.email` or `query.from`. */
  path: string;
  message: string;
  /**
   * The message as translatable sentences, in order (where the server offers them): `key`
   * names the sentence, `params` fill it. Clients show `message` when they lack the key.
   */
  sentences?: Sentence[];
}

export interface Sentence {
  key: string;
  params: Record<string, string | number>;
}

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    fields?: FieldError[];
    requestId?: string;
  };
}
