import type { agendaAvailabilityEn } from './agenda-availability.en.ts';

/** Nederlandse teksten van de arcering in de agenda en het aanbieden van een vrij tijdstip aan de wachtlijst. */
export const agendaAvailabilityNl: Record<keyof typeof agendaAvailabilityEn, string> = {
  'agenda.absence.leave': 'Verlof',
  'agenda.absence.sick': 'Ziek',
  'agenda.absence.training': 'Scholing',
  'agenda.absence.closure': 'Gesloten',
  'agenda.offHoursLegend': 'Buiten werktijden',
  'agenda.absenceLegend': 'Verlof of praktijk gesloten',
  'agenda.availabilityFailed': 'Werktijden en verlof konden niet worden geladen; de agenda staat er zonder.',

  'book.offerToWaitlist': 'Aanbieden aan wachtlijst',
  'book.toWaitlist': 'Wachtlijst',
  'book.offerSlotLabel': '{when} aanbieden aan wachtlijst',
  'book.offerInPersonNote':
    'Een tijdstip op locatie kunt u hier niet aan de wachtlijst aanbieden, omdat alleen een afspraak een kamer vasthoudt. Bied een tijdstip voor video of telefoon aan, of een afgezegde afspraak op locatie vanuit de wachtlijst.',

  'candidates.slotTitle': 'Wachtenden voor dit vrije tijdstip',
  'candidates.slotNote': 'Aanbieden houdt de tijd niet vast: het tijdstip kan nog worden ingepland tot de cliënt accepteert.',
  'candidates.noService':
    'Bij deze aanmelding staat geen dienst: een vrij tijdstip kan er niet aan worden aangeboden (een afgezegde afspraak wel).',
};
