import type { Sentence } from '@calmdesk/shared';
import { translate, type Locale, type MessageKey } from '../../app/i18n/index.tsx';
import { formatDate } from './calendar.ts';

/**
 * A refusal's sentence from the server (key + parameters) in the user's language: dates as
 * the locale writes them, weekdays, modes and kinds of absence translated; '' for a key this
 * app does not know (the caller then shows the server's English message).
 */
export function refusalText({ key, params: p }: Sentence, locale: Locale): string {
  const t = (k: string, vars?: Record<string, string | number>) => translate(locale, k as MessageKey, vars);
  const date = typeof p.date === 'string' ? formatDate(p.date, locale) : '';
  const vars = {
    ...p,
    date,
    weekday: typeof p.weekday === 'number' ? t(`weekday.${p.weekday}`) : '',
    mode: typeof p.mode === 'string' ? t(`mode.${p.mode}`) || p.mode : '',
    kind: typeof p.kind === 'string' ? t(`absences.kind.${p.kind}`).toLowerCase() || p.kind : '',
  };
  const text = t(`conflict.${key}`, vars);
  if (!text || typeof p.session !== 'number') return text;
  return `${t('conflict.session', { session: p.session, date, time: String(p.time ?? '') })}: ${text}`;
}
