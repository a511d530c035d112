import { Select } from '@mantine/core';
import { useMatch, useNavigate } from 'react-router';
import { useT } from '../i18n/index.tsx';
import type { MembershipData } from '../session.ts';

/** Chooses the practice to work in; keeps the same section when switching. */
export function PracticeSwitcher({ memberships }: { memberships: MembershipData[] }) {
  const t = useT();
  const navigate = useNavigate();
  const match = useMatch('/p/:practiceId/*');
  const current = match?.params.practiceId ?? null;
  const rest = match?.params['*'] ?? '';
  if (memberships.length === 0) return null;
  return (
    <Select
      aria-label={t('layout.switchPractice')}
      placeholder={t('layout.choosePractice')}
      data-testid="practice-switcher"
      value={current}
      allowDeselect={false}
      searchable={memberships.length > 6}
      w={{ base: 180, sm: 280 }}
      data={memberships.map((m) => ({ value: m.practiceId, label: m.practiceName }))}
      onChange={(id) => {
        if (id && id !== current) void navigate(`/p/${id}${rest ? `/${rest}` : ''}`);
      }}
    />
  );
}
