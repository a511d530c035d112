import type { myAgendaEn } from './my-agenda.en.ts';

/** De gecombineerde agenda over praktijken heen. */
export const myAgendaNl: Record<keyof typeof myAgendaEn, string> = {
  'nav.myAgenda': 'Mijn agenda (alle praktijken)',
  'myAgenda.title': 'Mijn agenda',
  'myAgenda.intro': 'Afspraken in alle praktijken waarvoor u werkt, elk met de naam van de praktijk.',
  'myAgenda.previous': 'Vorige',
  'myAgenda.today': 'Vandaag',
  'myAgenda.next': 'Volgende',
  'myAgenda.day': 'Dag',
  'myAgenda.week': 'Week',
  'myAgenda.empty': 'Geen afspraken in deze periode.',
  'myAgenda.time': 'Tijd',
  'myAgenda.practice': 'Praktijk',
  'myAgenda.clients': 'Cliënt(en)',
  'myAgenda.clinicians': 'Behandelaar(s)',
  'myAgenda.where': 'Hoe / waar',
  'myAgenda.mode.in_person': 'Op locatie',
  'myAgenda.mode.video': 'Video',
  'myAgenda.mode.phone': 'Telefoon',
  'myAgenda.mode.async': 'Chat (asynchroon)',
  'myAgenda.status.planned': 'Gepland',
  'myAgenda.status.confirmed': 'Bevestigd',
  'myAgenda.status.attended': 'Verschenen',
  'myAgenda.status.no_show': 'Niet verschenen',
  'myAgenda.status.cancelled': 'Geannuleerd',
  'myAgenda.status.late_cancelled': 'Te laat geannuleerd',
};
