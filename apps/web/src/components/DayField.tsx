import { TextInput } from '@mantine/core';
import { useI18n } from '../app/i18n/index.tsx';
import { parseDay } from '../app/time.ts';

interface Props {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  /** A fuller accessible name when the visible label is short (a table of several dates). */
  ariaLabel?: string;
}

/** A date typed as the locale writes it (27-03-2026 or 27/03/2026); flags what is not a date. */
export function DayField({ label, value, onChange, error, ariaLabel }: Props) {
  const { t, locale } = useI18n();
  const invalid = value.trim() !== '' && parseDay(value) === null;
  return (
    <TextInput
      label={label}
      aria-label={ariaLabel}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      placeholder={locale === 'nl' ? 'dd-mm-jjjj' : 'dd/mm/yyyy'}
      error={invalid ? t('common.invalidDate') : error}
      inputMode="numeric"
      w={150}
    />
  );
}
