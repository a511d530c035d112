import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refusalText } from './refusals.ts';

test('a refusal from the server reads in Dutch and in English, with local dates, weekdays, modes and kinds', () => {
  const notWorking = {
    key: 'hours.notWorking',
    params: { who: 'Joris Bakker', weekday: 6, date: '2030-01-12', time: '10:00', mode: 'video' },
  };
  assert.equal(refusalText(notWorking, 'nl'), 'Joris Bakker werkt niet op zaterdag 12-01-2030 om 10:00 (Video)');
  assert.equal(refusalText(notWorking, 'en'), 'Joris Bakker does not work on Saturday 12/01/2030 at 10:00 (Video)');
  const away = { key: 'hours.away', params: { who: 'Eva de Linde', kind: 'leave', date: '2030-01-14', time: '09:00' } };
  assert.equal(refusalText(away, 'nl'), 'Eva de Linde is afwezig (verlof) op 14-01-2030 om 09:00');
  assert.equal(
    refusalText({ key: 'hours.closed', params: { date: '2030-01-15', time: '09:00' } }, 'nl'),
    'de praktijk is gesloten op 15-01-2030 om 09:00',
  );
  const series = { key: 'taken.clinician', params: { who: 'Joris Bakker', session: 3, date: '2030-01-21', time: '10:00' } };
  assert.equal(refusalText(series, 'nl'), 'sessie 3 (21-01-2030 10:00): Joris Bakker heeft dan al een afspraak');
  assert.equal(refusalText({ key: 'taken.room', params: {} }, 'en'), 'the room is already booked then');
  assert.equal(
    refusalText({ key: 'taken.unheard_of', params: {} }, 'nl'),
    '',
    'an unknown key gives nothing: the caller shows the server message',
  );
});
