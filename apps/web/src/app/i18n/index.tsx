import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Ok } from '@calmdesk/shared';
import { api } from '../api.ts';
import { ME_KEY, useMe, type MeData } from '../session.ts';
import { en, type MessageKey } from './en.ts';
import { nl } from './nl.ts';

export type Locale = 'en' | 'nl';
export type { MessageKey };
type Vars = Record<string, string | number>;

const dictionaries: Record<Locale, Record<MessageKey, string>> = { en, nl };
const STORAGE_KEY = 'calmdesk.locale';

function initialLocale(): Locale {
  const stored = window.localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'nl') return stored;
  return navigator.language.toLowerCase().startsWith('nl') ? 'nl' : 'en';
}

/** Fills `{name}` placeholders. */
export function translate(locale: Locale, key: MessageKey, vars?: Vars): string {
  // A key missing at run time (an error code the dictionary lacks) gives '' so callers can fall back.
  const text = (dictionaries[locale][key] as string | undefined) ?? '';
  return vars ? text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : text;
}

const INTL: Record<Locale, string> = { en: 'en-GB', nl: 'nl-NL' };

/** Date and time as the locale writes them: Dutch 27-03-2026 14:05, always a 24-hour clock. */
export function formatDateTime(iso: string, locale: Locale, timeZone?: string): string {
  const d = new Date(iso);
  const date = formatDate(iso, locale, timeZone);
  const time = new Intl.DateTimeFormat(INTL[locale], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(d);
  return `${date} ${time}`;
}

export function formatDate(iso: string, locale: Locale, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat(INTL[locale], { day: '2-digit', month: '2-digit', year: 'numeric', timeZone }).formatToParts(
    new Date(iso),
  );
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const sep = locale === 'nl' ? '-' : '/';
  return [get('day'), get('month'), get('year')].join(sep);
}

interface I18n {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: (key: MessageKey, vars?: Vars) => string;
  dateTime: (iso: string, timeZone?: string) => string;
  date: (iso: string, timeZone?: string) => string;
}

const I18nContext = createContext<I18n | null>(null);

/**
 * The language: a signed-in account's own setting (GET /me), otherwise this browser's last
 * choice. Choosing while signed in saves it to the account (PATCH /me).
 */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [choice, setChoice] = useState<Locale>(initialLocale);
  const me = useMe();
  const qc = useQueryClient();
  const account = me.data?.stage === 'complete' ? me.data : null;
  const locale = account?.locale ?? choice;
  useEffect(() => {
    document.documentElement.lang = locale;
    // The sign-in page after signing out speaks the account's language.
    window.localStorage.setItem(STORAGE_KEY, locale);
  }, [locale]);
  const setLocale = useCallback(
    (l: Locale) => {
      setChoice(l);
      if (!account) return;
      void qc.cancelQueries({ queryKey: ME_KEY });
      qc.setQueryData<MeData | null>(ME_KEY, (old) => (old ? { ...old, locale: l } : old));
      api.patch('/me', Ok, { locale: l }).catch(() => qc.invalidateQueries({ queryKey: ME_KEY }));
    },
    [account, qc],
  );
  const value = useMemo<I18n>(
    () => ({
      locale,
      setLocale,
      t: (key, vars) => translate(locale, key, vars),
      dateTime: (iso, tz) => formatDateTime(iso, locale, tz),
      date: (iso, tz) => formatDate(iso, locale, tz),
    }),
    [locale, setLocale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}

/** The translate function of the current language. */
export function useT(): I18n['t'] {
  return useI18n().t;
}
