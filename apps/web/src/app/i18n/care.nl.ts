import type { careEn } from './care.en.ts';

/** Nederlandse teksten van behandelrelaties en noodtoegang (in nl.ts gespreid). */
export const careNl: Record<keyof typeof careEn, string> = {
  'error.not_treating': 'Deze cliënt is niet bij u in behandeling.',

  'histAction.treatment.start': 'Behandelrelatie gestart',
  'histAction.treatment.end': 'Behandelrelatie beëindigd',
  'histAction.break_glass': 'Dossier geopend met noodtoegang',

  'care.title': 'Behandelaars',
  'care.explain':
    'Behandelaars met een actieve behandelrelatie zien dit dossier; notities worden alleen onder hen gedeeld (als de praktijk notities deelt). Een afspraak met een behandelaar voor deze cliënt legt er een vast; het afsluiten van het traject beëindigt de relaties die erbij horen.',
  'care.empty': 'Nog niemand behandelt deze cliënt.',
  'care.clinician': 'Behandelaar',
  'care.since': 'Sinds',
  'care.via': 'Ontstaan door',
  'care.via.assigned': 'Toewijzing',
  'care.via.booking': 'Afspraak',
  'care.trajectory': 'Traject',
  'care.trajectoryFrom': 'vanaf {date}',
  'care.noTrajectory': 'Geen',
  'care.state': 'Status',
  'care.active': 'Behandelt',
  'care.endedOn': 'Beëindigd {date}',
  'care.endReason.ended': 'met de hand beëindigd',
  'care.endReason.trajectory_closed': 'traject afgesloten',
  'care.endReason.client_merged': 'dossiers samengevoegd',
  'care.by': 'door {name}',
  'care.add': 'Behandelaar toewijzen',
  'care.addButton': 'Toewijzen',
  'care.added': '{name} behandelt deze cliënt nu.',
  'care.already': '{name} behandelt deze cliënt al.',
  'care.end': 'Beëindigen',
  'care.endTitle': 'Behandeling door {name} beëindigen',
  'care.endNote': 'Toelichting (optioneel)',
  'care.endButton': 'Behandeling beëindigen',

  'glass.title': 'Deze cliënt is niet bij u in behandeling',
  'glass.explain':
    'U behandelt deze cliënt niet, dus het dossier is voor u gesloten. Heeft u het nu nodig — bij een crisis, of als waarnemer — geef dan de reden. Het dossier gaat {minutes} minuten open; elke inzage wordt met uw reden gelogd en de praktijkhouder ziet dat.',
  'glass.reason': 'Reden',
  'glass.reasonHint': 'Minstens {n} tekens: wie vroeg erom, en waarom kan het niet wachten.',
  'glass.open': 'Dossier openen (noodtoegang)',
  'glass.opened': 'Het dossier is open tot {time}. Elke inzage wordt met uw reden gelogd.',
  'glass.restricted': 'Cliënten buiten uw behandeling',
  'glass.restrictedExplain': 'Gevonden op exact cliëntnummer of BSN. Het dossier openen vraagt noodtoegang.',
  'glass.openRestricted': 'Openen met noodtoegang',
  'glass.clinicianHint': 'U ziet de cliënten die u behandelt. Zoek een andere cliënt op het exacte cliëntnummer of BSN.',

  'bg.title': 'Noodtoegang',
  'bg.explain':
    'Behandelaars die een dossier buiten hun behandeling openden, met hun reden. De inzagen daaronder zijn in het log gemarkeerd.',
  'bg.empty': 'Niemand heeft noodtoegang gebruikt.',
  'bg.when': 'Wanneer',
  'bg.who': 'Wie',
  'bg.client': 'Cliënt',
  'bg.reason': 'Reden',
  'bg.until': 'Tot',
  'bg.accesses': 'Inzagen',
};
