import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { guessColumns, headerRow, mappingOf } from './csv-header.ts';

describe('reading a CSV header row in the browser', () => {
  it('splits on the separator the header row uses most, as the server detects it', () => {
    assert.deepEqual(headerRow('voornaam;achternaam;geboortedatum\r\nAnna;Jansen;27-03-1980\n'), [
      'voornaam',
      'achternaam',
      'geboortedatum',
    ]);
    assert.deepEqual(headerRow('a,b\tc,d\n1,2\t3,4'), ['a', 'b\tc', 'd']);
    assert.deepEqual(headerRow('a\tb\tc'), ['a', 'b', 'c']);
  });

  it('drops a byte-order mark and keeps separators, doubled quotes and line breaks inside quoted names', () => {
    assert.deepEqual(headerRow('\uFEFF"Naam; roep";"Zeg ""hoi""";"twee\nregels"\nx;y;z'), ['Naam; roep', 'Zeg "hoi"', 'twee\nregels']);
  });

  it('gives no columns for an empty file', () => {
    assert.deepEqual(headerRow(''), []);
  });

  it('pre-fills the fields whose column names the import recognises, each column once', () => {
    const columns = guessColumns(['Roepnaam', 'Achter-naam', 'DOB', 'Voornaam', 'Extra']);
    assert.equal(columns.firstName, 'Roepnaam');
    assert.equal(columns.lastName, 'Achter-naam');
    assert.equal(columns.dateOfBirth, 'DOB');
    assert.equal(columns.bsn, null);
  });

  it('names every header in the mapping, null for the columns no field uses', () => {
    const headers = ['Roepnaam', 'Achter-naam', 'Geb', 'Voornaam'];
    const columns = { ...guessColumns(headers), dateOfBirth: 'Geb' };
    assert.deepEqual(mappingOf(headers, columns), {
      Roepnaam: 'firstName',
      'Achter-naam': 'lastName',
      Geb: 'dateOfBirth',
      Voornaam: null,
    });
  });
});
