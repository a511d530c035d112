import type { z } from 'zod';
import type { ErrorCode, Sentence } from '@calmdesk/shared';
import { en } from './i18n/en.ts';
import { nl } from './i18n/nl.ts';

/** A field error keyed by the form field it belongs to (`body.address.city` → `address.city`). */
export type FieldErrors = Record<string, string>;

/** One field error as listed, with its translatable sentences when the server gave them. */
export interface FieldProblem {
  path: string;
  message: string;
  sentences: Sentence[];
}

/** An error answered by the API (or the network), with its code and per-field messages. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network',
    message: string,
    readonly fields: FieldErrors = {},
    /** Every field error as the server listed it (a path may appear more than once). */
    readonly fieldList: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Raised when the user closes the second-factor dialog instead of confirming. */
export class StepUpCancelled extends Error {
  constructor() {
    super('step-up cancelled');
    this.name = 'StepUpCancelled';
  }
}

export function isApiError(e: unknown, code?: ApiError['code']): e is ApiError {
  return e instanceof ApiError && (code === undefined || e.code === code);
}

/** `body.email` → `email`, `query.from` → `from`, `params.token` → `token`. */
export function fieldName(path: string): string {
  return path.replace(/^(body|query|params)\.?/, '') || '_form';
}

/**
 * A field message the web words itself, in the page's language: the server's sentence for a
 * character no field may hold (`input.unsafeCharacter.*`, with the code point and position).
 * Any other message is the server's.
 */
export function localFieldMessage(message: string, sentences: Sentence[], lang = pageLanguage()): string {
  const [s] = sentences;
  if (!s?.key.startsWith('input.unsafeCharacter.')) return message;
  const text = (lang === 'nl' ? nl : en)[s.key as keyof typeof en] as string | undefined;
  return text ? text.replace(/\{(\w+)\}/g, (m, k: string) => (k in s.params ? String(s.params[k]) : m)) : message;
}

function pageLanguage(): string {
  return typeof document === 'undefined' ? 'en' : document.documentElement.lang;
}

function toFieldErrors(fields: unknown): FieldErrors {
  const out: FieldErrors = {};
  for (const f of toFieldList(fields)) out[fieldName(f.path)] ??= f.message;
  return out;
}

function toFieldList(fields: unknown): FieldProblem[] {
  if (!Array.isArray(fields)) return [];
  return (fields as unknown[]).flatMap((f) =>
    f && typeof f === 'object' && 'path' in f && 'message' in f && typeof f.path === 'string' && typeof f.message === 'string'
      ? [fieldProblem(f.path, f.message, toSentences('sentences' in f ? f.sentences : undefined))]
      : [],
  );
}

function fieldProblem(path: string, message: string, sentences: Sentence[]): FieldProblem {
  return { path, message: localFieldMessage(message, sentences), sentences };
}

function toSentences(list: unknown): Sentence[] {
  if (!Array.isArray(list)) return [];
  return (list as unknown[]).flatMap((x) =>
    x && typeof x === 'object' && 'key' in x && typeof x.key === 'string' && 'params' in x && x.params && typeof x.params === 'object'
      ? [{ key: x.key, params: x.params as Sentence['params'] }]
      : [],
  );
}

function errorFrom(status: number, body: unknown): ApiError {
  const err = body && typeof body === 'object' && 'error' in body ? body.error : null;
  if (err && typeof err === 'object' && 'code' in err) {
    const e = err as { code: unknown; message?: unknown; fields?: unknown };
    const message = typeof e.message === 'string' ? e.message : `HTTP ${status}`;
    return new ApiError(status, e.code as ErrorCode, message, toFieldErrors(e.fields), toFieldList(e.fields));
  }
  return new ApiError(status, status >= 500 ? 'internal' : 'bad_request', `HTTP ${status}`);
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** One call to the API: network failures and non-2xx answers become ApiError. */
async function send(path: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  if (!res.ok) throw errorFrom(res.status, await readJson(res));
  return res;
}

/** The JSON body, or undefined when there is none or it is not JSON (a proxy error page). */
async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Calls the JSON API and checks the answer against its shared schema.
 * Throws ApiError for any non-2xx answer (with field errors) or a network failure.
 */
export async function request<S extends z.ZodType>(
  method: Method,
  path: string,
  schema: S,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<z.output<S>> {
  const res = await send(path, {
    method,
    headers: {
      ...extraHeaders,
      ...(body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return schema.parse(await readJson(res));
}

/** Sends a file as the raw request body (a document upload, a CSV import) and checks the JSON answer. */
export async function sendRaw<S extends z.ZodType>(
  path: string,
  schema: S,
  body: Blob | string,
  contentType: string,
): Promise<z.output<S>> {
  const res = await send(path, { method: 'POST', headers: { accept: 'application/json', 'content-type': contentType }, body });
  return schema.parse(await readJson(res));
}

/** Fetches a file (an export) as a Blob; errors come back as ApiError like the JSON calls. */
export async function fetchBlob(path: string): Promise<Blob> {
  return (await send(path, {})).blob();
}

export const api = {
  get: <S extends z.ZodType>(path: string, schema: S, headers?: Record<string, string>) => request('GET', path, schema, undefined, headers),
  post: <S extends z.ZodType>(path: string, schema: S, body: unknown = {}) => request('POST', path, schema, body),
  patch: <S extends z.ZodType>(path: string, schema: S, body: unknown) => request('PATCH', path, schema, body),
  put: <S extends z.ZodType>(path: string, schema: S, body: unknown) => request('PUT', path, schema, body),
  delete: <S extends z.ZodType>(path: string, schema: S) => request('DELETE', path, schema),
};

/** Builds `?a=1&b=2` from the defined values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
