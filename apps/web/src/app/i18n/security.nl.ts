import type { securityEn } from './security.en.ts';

/** Nederlandse teksten van herstelcodes en het resetten van een authenticator (gespreid in nl.ts). */
export const securityNl: Record<keyof typeof securityEn, string> = {
  'nav.security': 'Inlogbeveiliging',
  'error.invalid_recovery_code': 'Deze herstelcode klopt niet of is al gebruikt.',

  'recovery.title': 'Bewaar uw herstelcodes',
  'recovery.explain':
    'Telefoon kwijt? Met elk van deze codes logt u één keer in in plaats van met een code uit de app. Bewaar ze op een veilige plek, niet op uw telefoon (een wachtwoordmanager, of geprint). U ziet ze alleen nu.',
  'recovery.listLabel': 'Herstelcodes',
  'recovery.copy': 'Codes kopiëren',
  'recovery.copied': 'Gekopieerd',
  'recovery.download': 'Downloaden (.txt)',
  'recovery.fileHeader': 'Calmdesk-herstelcodes voor {email}. Elke code werkt één keer.',
  'recovery.saved': 'Ik heb deze codes bewaard',
  'recovery.continue': 'Doorgaan',

  'verify.useRecovery': 'Een herstelcode gebruiken',
  'verify.useApp': 'Een code uit de app gebruiken',
  'verify.recoveryTitle': 'Voer een herstelcode in',
  'verify.recoveryExplain':
    'Telefoon kwijt? Voer een van de herstelcodes in die u bewaarde toen u de app instelde. Elke code werkt één keer.',
  'verify.recoveryLabel': 'Herstelcode',
  'verify.recoveryUsedTitle': 'U bent ingelogd met een herstelcode',
  'verify.recoveryUsed':
    'Nog {n} herstelcodes over. Authenticator-app kwijt? Stel nu een nieuwe in onder Inlogbeveiliging en maak daar nieuwe herstelcodes aan.',

  'security.title': 'Inlogbeveiliging',
  'security.explain': 'Uw tweede stap bij het inloggen: de authenticator-app en de herstelcodes voor als u die kwijtraakt.',
  'security.codesTitle': 'Herstelcodes',
  'security.remaining': 'Nog {n} van de 10 herstelcodes over.',
  'security.noCodes': 'U heeft geen herstelcodes. Maak ze nu aan, zodat een verloren telefoon u niet buitensluit.',
  'security.fewCodes': 'Nog maar een paar codes over: maak nieuwe aan.',
  'security.regenerate': 'Nieuwe herstelcodes maken',
  'security.regenerateQuestion': 'Nieuwe herstelcodes maken? De codes die u nu heeft werken dan niet meer.',
  'security.regenerated': 'Nieuwe herstelcodes gemaakt. De oude werken niet meer.',
  'security.lostPhone':
    'Telefoon én herstelcodes kwijt? Vraag een eigenaar van uw praktijk om uw authenticator te resetten: bij de volgende keer inloggen stelt u de app opnieuw in.',
  'security.appTitle': 'Authenticator-app',
  'security.appExplain':
    'Een nieuwe telefoon, of de oude kwijt? Stel de app opnieuw in: de oude app werkt niet meer zodra de nieuwe een code laat zien. Oude telefoon kwijt? Log dan eerst in met een herstelcode.',
  'security.replace': 'Nieuwe authenticator-app instellen',
  'security.replaced': 'De nieuwe authenticator-app is ingesteld. De oude werkt niet meer.',

  'staff.resetSecondFactor': 'Authenticator resetten',
  'staff.resetTitle': 'De authenticator van {name} resetten?',
  'staff.resetExplain':
    'Is {name} de authenticator-app kwijt? Resetten haalt de app en de herstelcodes van het account en logt {name} overal uit. Bij de volgende keer inloggen, met het eigen wachtwoord, stelt {name} opnieuw een authenticator-app in. {name} krijgt een e-mail dat u dit deed, en het staat in de toegangslog.',
  'staff.resetCheck': 'Reset alleen nadat u persoonlijk of telefonisch heeft nagegaan dat {name} erom vroeg.',
  'staff.resetConfirm': 'Authenticator resetten',
  'staff.resetDone': 'De authenticator van {name} is gereset. Bij de volgende keer inloggen stelt {name} een nieuwe in.',
};
