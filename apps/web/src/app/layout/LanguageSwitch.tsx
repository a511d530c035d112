import { SegmentedControl } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { Ok } from '@calmdesk/shared';
import { api } from '../api.ts';
import { useI18n, type Locale } from '../i18n/index.tsx';
import { ME_KEY, useMe } from '../session.ts';

/** EN | NL; a signed-in account keeps the choice (PATCH /me). */
export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  const me = useMe();
  const qc = useQueryClient();
  const change = (value: string) => {
    const next: Locale = value === 'nl' ? 'nl' : 'en';
    setLocale(next);
    if (me.data?.stage === 'complete') {
      void api
        .patch('/me', Ok, { locale: next })
        .then(() => qc.setQueryData(ME_KEY, { ...me.data, locale: next }))
        .catch(() => undefined);
    }
  };
  return (
    <SegmentedControl
      size="xs"
      value={locale}
      onChange={change}
      aria-label={t('layout.language')}
      data={[
        { value: 'en', label: 'EN' },
        { value: 'nl', label: 'NL' },
      ]}
    />
  );
}
