import { ERROR_STATUS, type ErrorCode, type FieldError, type Sentence } from '@calmdesk/shared';

/** The one error type use cases throw; its code picks the HTTP status from ERROR_STATUS. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldError[] | undefined;

  constructor(code: ErrorCode, message: string, fields?: FieldError[]) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fields = fields;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  static notFound(what = 'resource'): AppError {
    return new AppError('not_found', `${what} not found`);
  }

  static field(path: string, message: string, code: ErrorCode = 'validation_failed', sentences?: Sentence[]): AppError {
    return new AppError(code, `${path}: ${message}`, [{ path, message, ...(sentences ? { sentences } : {}) }]);
  }
}

/** PostgreSQL error codes we translate rather than report as a server error. */
export function pgErrorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') {
    return err.code;
  }
  return undefined;
}
