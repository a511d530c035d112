import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unsafeCharacterMessage, unsafeCharacterSentence, type UnsafeCharacter } from '@calmdesk/shared';
import { localFieldMessage } from './api.ts';

test('a character no field may hold is named in Dutch and in English, as the server words it in English', () => {
  const kinds: UnsafeCharacter[] = [
    { kind: 'control', codePoint: 'U+0000', position: 4 },
    { kind: 'surrogate', codePoint: 'U+D800', position: 7 },
    { kind: 'bidi', codePoint: 'U+202E', position: 1 },
  ];
  for (const u of kinds) {
    const server = unsafeCharacterMessage(u);
    assert.equal(localFieldMessage(server, [unsafeCharacterSentence(u)], 'en'), server);
    const dutch = localFieldMessage(server, [unsafeCharacterSentence(u)], 'nl');
    assert.notEqual(dutch, server);
    assert.ok(dutch.includes(u.codePoint) && dutch.includes(`positie ${u.position}`), dutch);
  }
  assert.equal(
    localFieldMessage('contains a control character (U+0000) at position 4; remove it', [unsafeCharacterSentence(kinds[0]!)], 'nl'),
    'bevat een stuurteken (U+0000) op positie 4; haal het weg',
  );
});

test("other field messages stay the server's", () => {
  assert.equal(localFieldMessage('unknown field', [], 'nl'), 'unknown field');
  assert.equal(localFieldMessage('taken', [{ key: 'taken.room', params: {} }], 'nl'), 'taken');
});
