import type { FastifyInstance, FastifyRequest, preValidationHookHandler } from 'fastify';
import { findUnsafeCharacter, unsafeCharacterMessage, unsafeCharacterSentence, type FieldError } from '@calmdesk/shared';
import { AppError } from './errors.ts';

/** Field errors reported at most per request (a body full of NULs needs no 10,000-line answer). */
const MAX_REPORTED = 50;

/**
 * Every field error for text in `value` (strings, and keys of objects) holding a character no
 * field may hold. Walks with its own stack: a 1 MB body of nested arrays is no stack overflow.
 */
export function unsafeTextFields(value: unknown, path: string, out: FieldError[] = []): FieldError[] {
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length > 0 && out.length < MAX_REPORTED) {
    const [node, at] = stack.pop()!;
    if (typeof node === 'string') {
      const found = findUnsafeCharacter(node);
      if (found) out.push({ path: at, message: unsafeCharacterMessage(found), sentences: [unsafeCharacterSentence(found)] });
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${at}.${i}`]);
    } else if (node !== null && typeof node === 'object' && !Buffer.isBuffer(node) && !ArrayBuffer.isView(node)) {
      const entries = Object.entries(node as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i]!;
        const bad = findUnsafeCharacter(key);
        // A key with such a character cannot be shown safely in a path; the error names its parent.
        if (bad) out.push({ path: at, message: `a field name ${unsafeCharacterMessage(bad)}`, sentences: [unsafeCharacterSentence(bad)] });
        else stack.push([item, `${at}.${key}`]);
      }
    }
  }
  return out;
}

/**
 * Query values whose percent-encoding is not UTF-8 (`%ED%A0%80` is how a lone surrogate
 * arrives, `%FF` is no text at all). The query parser keeps such a value as its raw,
 * still-encoded text, so it would pass as a harmless-looking string; it is refused instead.
 */
function undecodableQuery(url: string, out: FieldError[]): void {
  const at = url.indexOf('?');
  if (at < 0) return;
  for (const pair of url.slice(at + 1).split('&')) {
    const eq = pair.indexOf('=');
    const [rawName, rawValue] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    const name = decodes(rawName);
    if (name === null || decodes(rawValue) === null) {
      out.push({
        path: name === null ? 'query' : `query.${name}`,
        message: 'is not text: its percent-encoding is not UTF-8 (a broken character, such as half of a UTF-16 surrogate pair)',
        sentences: [{ key: 'input.unsafeCharacter.encoding', params: {} }],
      });
    }
  }
}

function decodes(raw: string): string | null {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * Refuses a request whose path parameters, query, JSON body or declared headers hold a control character, a
 * lone surrogate or a bidirectional override anywhere (`text.ts` in shared says which), with a
 * field error per field (`body.firstName`, `query.q`). Runs before the route's schema, so no
 * route can forget it; raw bodies (PDF, CSV bytes) are checked by their own readers.
 */
export async function refuseUnsafeText(req: FastifyRequest): Promise<void> {
  const fields = unsafeTextFields(req.params, 'params');
  undecodableQuery(req.url, fields);
  unsafeTextFields(req.query, 'query', fields);
  unsafeTextFields(req.body, 'body', fields);
  // Headers the route declares are input too (an Idempotency-Key is stored); HTTP lets through
  // bytes 0x80–0xFF, which arrive as C1 controls.
  const headers = req.routeOptions.schema?.headers as { shape?: Record<string, unknown> } | undefined;
  for (const name of Object.keys(headers?.shape ?? {})) unsafeTextFields(req.headers[name], `headers.${name}`, fields);
  if (fields.length > 0) {
    throw new AppError('validation_failed', fields.map((f) => `${f.path}: ${f.message}`).join('; '), fields);
  }
}

/**
 * Adds `refuseUnsafeText` as the last preValidation step of every route registered after this
 * call: route-level steps run after the plugins' own (the practice gate answers a stranger 404
 * first, as it does for any other bad request), and before the body is validated or used.
 */
export function installInputGuard(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const own: preValidationHookHandler[] = route.preValidation
      ? Array.isArray(route.preValidation)
        ? route.preValidation
        : [route.preValidation]
      : [];
    route.preValidation = [...own, refuseUnsafeText];
  });
}
