import type { AddressJson, AppointmentMode } from '../../db/schema.ts';

/**
 * The words of appointment messages (e-mail, SMS, the invitation's calendar entry), in Dutch
 * or English. What a message may say is fixed here: date, local time, how (in person, video,
 * phone, online), the place's address or the video link, the practice's name and contact
 * details. Never the service (its name may say what the treatment is for), never notes,
 * reasons or a care demand, never a name — not even the recipient's own, so a message read
 * by someone else says nothing about the care.
 */
export type Lang = 'nl' | 'en';
export type MessageKind = 'invitation' | 'reminder' | 'change' | 'cancellation';

export interface SessionFacts {
  id: string;
  startsAt: Date;
  endsAt: Date;
  zone: string;
  mode: AppointmentMode;
  locationName: string | null;
  locationAddress: AddressJson | null;
  videoUrl: string | null;
}

export interface PracticeFacts {
  name: string;
  zone: string;
  phone: string | null;
  email: string | null;
}

const LOCALE: Record<Lang, string> = { nl: 'nl-NL', en: 'en-GB' };

export function formatDate(at: Date, zone: string, lang: Lang): string {
  return new Intl.DateTimeFormat(LOCALE[lang], { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: zone }).format(
    at,
  );
}

/** 24-hour clock in Dutch (`14:30`), 12-hour in English (`2:30 pm`). */
export function formatTime(at: Date, zone: string, lang: Lang): string {
  return lang === 'nl'
    ? new Intl.DateTimeFormat('nl-NL', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone }).format(at)
    : new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit', hour12: true, timeZone: zone }).format(at);
}

function shortDate(at: Date, zone: string, lang: Lang): string {
  return new Intl.DateTimeFormat(LOCALE[lang], { weekday: 'short', day: 'numeric', month: 'short', timeZone: zone }).format(at);
}

const MODE: Record<Lang, Record<AppointmentMode, string>> = {
  nl: { in_person: 'op locatie', video: 'via video', phone: 'telefonisch', async: 'online (schriftelijk)' },
  en: { in_person: 'in person', video: 'by video', phone: 'by phone', async: 'online (in writing)' },
};

/** Short mode labels of the clinicians' feed (`J.B. · video`). */
export const FEED_MODE: Record<Lang, Record<AppointmentMode, string>> = {
  nl: { in_person: 'op locatie', video: 'video', phone: 'telefonisch', async: 'online' },
  en: { in_person: 'in person', video: 'video', phone: 'phone', async: 'online' },
};

const T = {
  nl: {
    greeting: 'Goedendag,',
    intro: {
      invitation: (p: string, n: number) =>
        n > 1 ? `Hierbij bevestigen we uw ${n} afspraken bij ${p}:` : `Hierbij bevestigen we uw afspraak bij ${p}:`,
      reminder: (p: string) => `Dit is een herinnering aan uw afspraak bij ${p}:`,
      change: (p: string, n: number) =>
        n > 1 ? `Uw afspraken bij ${p} zijn gewijzigd. De nieuwe gegevens:` : `Uw afspraak bij ${p} is gewijzigd. De nieuwe gegevens:`,
      cancellation: (p: string, n: number) =>
        n > 1 ? `De volgende afspraken bij ${p} gaan niet door:` : `De volgende afspraak bij ${p} gaat niet door:`,
    },
    subject: {
      invitation: 'Uw afspraak op',
      reminder: 'Herinnering: uw afspraak op',
      change: 'Gewijzigd: uw afspraak op',
      cancellation: 'Gaat niet door: uw afspraak op',
    },
    subjectMany: {
      invitation: (n: number) => `Uw ${n} afspraken vanaf`,
      reminder: (n: number) => `Herinnering: ${n} afspraken vanaf`,
      change: (n: number) => `Gewijzigd: ${n} afspraken vanaf`,
      cancellation: (n: number) => `Gaan niet door: ${n} afspraken vanaf`,
    },
    at: 'om',
    date: 'Datum',
    time: 'Tijd',
    zone: 'tijdzone',
    how: 'Hoe',
    address: 'Adres',
    video: 'Videolink',
    phoneNote: 'U wordt gebeld op het telefoonnummer dat bij ons bekend is.',
    attachment: (n: number) =>
      n > 1 ? 'In de bijlagen staan de afspraken voor uw agenda.' : 'In de bijlage staat de afspraak voor uw agenda.',
    cannotCome: 'Kunt u niet komen of heeft u een vraag? Neem dan contact met ons op',
    question: 'Heeft u een vraag? Neem dan contact met ons op',
    tel: 'telefoon',
    mail: 'e-mail',
    closing: 'Met vriendelijke groet,',
    automatic: 'Dit bericht is automatisch verstuurd.',
    appointmentAt: (p: string) => `Afspraak bij ${p}`,
    file: 'afspraak',
    sms: (p: string, when: string, how: string, call: string) =>
      `Herinnering: afspraak bij ${p} op ${when}, ${how}.${call ? ` Verhinderd? ${call}` : ''}`,
    smsCall: (phone: string) => `Bel ${phone}.`,
  },
  en: {
    greeting: 'Hello,',
    intro: {
      invitation: (p: string, n: number) =>
        n > 1 ? `This confirms your ${n} appointments at ${p}:` : `This confirms your appointment at ${p}:`,
      reminder: (p: string) => `This is a reminder of your appointment at ${p}:`,
      change: (p: string, n: number) =>
        n > 1 ? `Your appointments at ${p} have changed. The new details:` : `Your appointment at ${p} has changed. The new details:`,
      cancellation: (p: string, n: number) =>
        n > 1 ? `The following appointments at ${p} will not take place:` : `The following appointment at ${p} will not take place:`,
    },
    subject: {
      invitation: 'Your appointment on',
      reminder: 'Reminder: your appointment on',
      change: 'Changed: your appointment on',
      cancellation: 'Cancelled: your appointment on',
    },
    subjectMany: {
      invitation: (n: number) => `Your ${n} appointments from`,
      reminder: (n: number) => `Reminder: ${n} appointments from`,
      change: (n: number) => `Changed: ${n} appointments from`,
      cancellation: (n: number) => `Cancelled: ${n} appointments from`,
    },
    at: 'at',
    date: 'Date',
    time: 'Time',
    zone: 'time zone',
    how: 'How',
    address: 'Address',
    video: 'Video link',
    phoneNote: 'You will be called on the phone number we have on file.',
    attachment: (n: number) =>
      n > 1 ? 'The attachments hold the appointments for your calendar.' : 'The attachment holds the appointment for your calendar.',
    cannotCome: 'Cannot make it, or a question? Please contact us',
    question: 'A question? Please contact us',
    tel: 'phone',
    mail: 'e-mail',
    closing: 'Kind regards,',
    automatic: 'This message was sent automatically.',
    appointmentAt: (p: string) => `Appointment at ${p}`,
    file: 'appointment',
    sms: (p: string, when: string, how: string, call: string) =>
      `Reminder: appointment at ${p} on ${when}, ${how}.${call ? ` Cannot come? ${call}` : ''}`,
    smsCall: (phone: string) => `Call ${phone}.`,
  },
} as const;

export function addressLine(name: string | null, a: AddressJson | null): string | null {
  const parts = [name, a?.street, [a?.postalCode, a?.city].filter(Boolean).join(' ')].filter((p): p is string => !!p && p.trim() !== '');
  return parts.length > 0 ? parts.join(', ') : null;
}

/** The lines describing one session; a cancelled one only says when. */
function sessionLines(s: SessionFacts, practice: PracticeFacts, lang: Lang, cancelled: boolean): string[] {
  const t = T[lang];
  const zoneNote = s.zone !== practice.zone ? ` (${t.zone} ${s.zone})` : '';
  const lines = [
    `${t.date}: ${formatDate(s.startsAt, s.zone, lang)}`,
    `${t.time}: ${formatTime(s.startsAt, s.zone, lang)}–${formatTime(s.endsAt, s.zone, lang)}${zoneNote}`,
  ];
  if (cancelled) return lines;
  lines.push(`${t.how}: ${MODE[lang][s.mode]}`);
  if (s.mode === 'in_person') {
    const address = addressLine(s.locationName, s.locationAddress);
    if (address) lines.push(`${t.address}: ${address}`);
  }
  if (s.mode === 'video' && s.videoUrl) lines.push(`${t.video}: ${s.videoUrl}`);
  if (s.mode === 'phone') lines.push(t.phoneNote);
  return lines;
}

function contact(practice: PracticeFacts, lang: Lang): string {
  const t = T[lang];
  const ways = [practice.phone ? `${t.tel} ${practice.phone}` : null, practice.email ? `${t.mail} ${practice.email}` : null].filter(
    Boolean,
  );
  return ways.length > 0 ? ` (${ways.join(', ')})` : '';
}

export interface EmailText {
  subject: string;
  text: string;
}

/** The e-mail about one or more sessions (a series is announced in one message). */
export function emailText(
  kind: MessageKind,
  sessions: SessionFacts[],
  practice: PracticeFacts,
  lang: Lang,
  withAttachment: boolean,
): EmailText {
  const t = T[lang];
  const first = sessions[0];
  if (!first) throw new Error('a message needs at least one session');
  const n = sessions.length;
  const cancelled = kind === 'cancellation';
  const subject =
    n > 1
      ? `${t.subjectMany[kind](n)} ${formatDate(first.startsAt, first.zone, lang)}`
      : `${t.subject[kind]} ${formatDate(first.startsAt, first.zone, lang)} ${t.at} ${formatTime(first.startsAt, first.zone, lang)}`;
  const blocks = sessions.map((s) => sessionLines(s, practice, lang, cancelled).join('\n'));
  const parts = [
    t.greeting,
    kind === 'reminder' ? t.intro.reminder(practice.name) : t.intro[kind](practice.name, n),
    blocks.join('\n\n'),
    ...(withAttachment ? [t.attachment(n)] : []),
    `${cancelled ? t.question : t.cannotCome}${contact(practice, lang)}.`,
    `${t.closing}\n${practice.name}`,
    t.automatic,
  ];
  return { subject, text: parts.join('\n\n') + '\n' };
}

/** The calendar entry's text: the same facts as the e-mail, one session. */
export function icsFacts(s: SessionFacts, practice: PracticeFacts, lang: Lang, cancelled: boolean) {
  const t = T[lang];
  const location =
    s.mode === 'in_person' ? addressLine(s.locationName, s.locationAddress) : s.mode === 'video' ? s.videoUrl : MODE[lang][s.mode];
  const description = [
    ...sessionLines(s, practice, lang, cancelled).slice(2),
    `${cancelled ? t.question : t.cannotCome}${contact(practice, lang)}.`,
  ].join('\n');
  return { summary: t.appointmentAt(practice.name), location, description };
}

/** `afspraak-2026-10-26-1000.ics`, in the session's own wall-clock time. */
export function icsFileName(s: SessionFacts, lang: Lang, many: boolean): string {
  if (!many) return `${T[lang].file}.ics`;
  const parts = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: s.zone,
  }).formatToParts(s.startsAt);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${T[lang].file}-${get('year')}-${get('month')}-${get('day')}-${get('hour')}${get('minute')}.ics`;
}

/** The reminder by SMS: one line, well within two text messages. */
export function smsText(s: SessionFacts, practice: PracticeFacts, lang: Lang): string {
  const t = T[lang];
  const when = `${shortDate(s.startsAt, s.zone, lang)} ${t.at} ${formatTime(s.startsAt, s.zone, lang)}`;
  const how =
    s.mode === 'in_person'
      ? (addressLine(s.locationName, s.locationAddress) ?? MODE[lang].in_person)
      : s.mode === 'video' && s.videoUrl
        ? `${MODE[lang].video}: ${s.videoUrl}`
        : MODE[lang][s.mode];
  const name = practice.name.length > 50 ? `${practice.name.slice(0, 49)}…` : practice.name;
  const text = t.sms(name, when, how, practice.phone ? t.smsCall(practice.phone) : '');
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}
