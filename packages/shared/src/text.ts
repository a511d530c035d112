/**
 * Characters no text the API takes may hold, wherever it comes from (a JSON field, a query or
 * path parameter, a CSV cell): C0 controls other than tab, line feed and carriage return
 * (PostgreSQL refuses a NUL in text outright), DEL, C1 controls, a UTF-16 surrogate without its
 * partner (it cannot be stored as UTF-8), and the bidirectional embedding, override and
 * isolate controls (a right-to-left override makes "Jan\u202Enneb" read as another name).
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type UnsafeKind = 'control' | 'surrogate' | 'bidi';

export interface UnsafeCharacter {
  kind: UnsafeKind;
  /** `U+0000` */
  codePoint: string;
  /** 1-based position of the character in the text (as UTF-16 units, as JavaScript counts). */
  position: number;
}

/** The first character of `text` that no field may hold, or null when there is none. */
export function findUnsafeCharacter(text: string): UnsafeCharacter | null {
  const m = UNSAFE.exec(text);
  if (!m) return null;
  const unit = m[0].charCodeAt(0);
  const kind: UnsafeKind = unit >= 0xd800 && unit <= 0xdfff ? 'surrogate' : unit >= 0x2000 ? 'bidi' : 'control';
  return { kind, codePoint: `U+${unit.toString(16).toUpperCase().padStart(4, '0')}`, position: m.index + 1 };
}

/** What is wrong with the character, in a sentence that fits after a field's name. */
export function unsafeCharacterMessage(u: UnsafeCharacter): string {
  const at = `at position ${u.position}`;
  switch (u.kind) {
    case 'control':
      return `contains a control character (${u.codePoint}) ${at}; remove it`;
    case 'surrogate':
      return `contains a broken character (${u.codePoint}, half of a UTF-16 surrogate pair) ${at}; retype the text`;
    case 'bidi':
      return `contains an invisible text-direction control (${u.codePoint}) ${at}, which can disguise what the text says; remove it`;
  }
}

/** The translatable form of the message: key `input.unsafeCharacter.<kind>` with the code point and position. */
export function unsafeCharacterSentence(u: UnsafeCharacter): { key: string; params: { codePoint: string; position: number } } {
  return { key: `input.unsafeCharacter.${u.kind}`, params: { codePoint: u.codePoint, position: u.position } };
}
