import { SegmentedControl } from '@mantine/core';
import { useI18n } from '../i18n/index.tsx';

/** EN | NL; a signed-in account keeps the choice. */
export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <SegmentedControl
      size="xs"
      value={locale}
      onChange={(v) => setLocale(v === 'nl' ? 'nl' : 'en')}
      aria-label={t('layout.language')}
      data={[
        { value: 'en', label: 'EN' },
        { value: 'nl', label: 'NL' },
      ]}
    />
  );
}
