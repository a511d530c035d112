import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findUnsafeCharacter, unsafeCharacterMessage } from './text.ts';

const hex = (n: number) => `U+${n.toString(16).toUpperCase().padStart(4, '0')}`;

describe('unsafe characters in text', () => {
  it('finds every C0 control except tab, line feed and carriage return, DEL and every C1 control', () => {
    for (let c = 0; c <= 0x9f; c++) {
      const found = findUnsafeCharacter(`ab${String.fromCharCode(c)}`);
      const unsafe = c < 0x20 ? ![0x09, 0x0a, 0x0d].includes(c) : c >= 0x7f;
      assert.deepEqual(found, unsafe ? { kind: 'control', codePoint: hex(c), position: 3 } : null, hex(c));
    }
  });

  it('finds the bidirectional embedding, override and isolate controls, and lets the direction marks and other format characters be', () => {
    for (const c of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
      assert.deepEqual(findUnsafeCharacter(`Jan${String.fromCharCode(c)}nneb`), { kind: 'bidi', codePoint: hex(c), position: 4 });
    }
    for (const c of [0x200e, 0x200f, 0x2028, 0x2065, 0x206a, 0x2029, 0x00a0, 0xfeff]) {
      assert.equal(findUnsafeCharacter(`a${String.fromCharCode(c)}b`), null, hex(c));
    }
  });

  it('finds a lone surrogate, high or low, anywhere, and accepts pairs', () => {
    assert.deepEqual(findUnsafeCharacter('x\uD800'), { kind: 'surrogate', codePoint: 'U+D800', position: 2 });
    assert.deepEqual(findUnsafeCharacter('\uDC00x'), { kind: 'surrogate', codePoint: 'U+DC00', position: 1 });
    assert.deepEqual(findUnsafeCharacter('\uDBFF\uDBFF\uDC00'), { kind: 'surrogate', codePoint: 'U+DBFF', position: 1 });
    assert.equal(findUnsafeCharacter('Zoë 😀 Müller — 日本 🇳🇱'), null);
  });

  it('agrees with the definition on any text (property)', () => {
    const unsafe = (u: number) =>
      (u < 0x20 && u !== 0x09 && u !== 0x0a && u !== 0x0d) ||
      (u >= 0x7f && u <= 0x9f) ||
      (u >= 0x202a && u <= 0x202e) ||
      (u >= 0x2066 && u <= 0x2069);
    // UTF-16 units, weighted towards the edges of the ranges (and the surrogates).
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0xa0 }),
      fc.integer({ min: 0x2020, max: 0x2070 }),
      fc.integer({ min: 0xd7f0, max: 0xe010 }),
      fc.integer({ min: 0, max: 0xffff }),
    );
    const text = fc.array(unit, { maxLength: 12 }).map((units) => String.fromCharCode(...units));
    fc.assert(
      fc.property(text, (s) => {
        // Iterating a string yields whole code points; a lone surrogate comes out on its own.
        const expected = ![...s].some((ch) => {
          const cp = ch.codePointAt(0) ?? 0;
          return unsafe(cp) || (cp >= 0xd800 && cp <= 0xdfff);
        });
        assert.equal(findUnsafeCharacter(s) === null, expected, JSON.stringify(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('says what is wrong and where', () => {
    assert.equal(
      unsafeCharacterMessage({ kind: 'control', codePoint: 'U+0000', position: 5 }),
      'contains a control character (U+0000) at position 5; remove it',
    );
    assert.match(
      unsafeCharacterMessage({ kind: 'bidi', codePoint: 'U+202E', position: 1 }),
      /text-direction control \(U\+202E\) at position 1/,
    );
    assert.match(unsafeCharacterMessage({ kind: 'surrogate', codePoint: 'U+D800', position: 2 }), /UTF-16 surrogate/);
  });
});
