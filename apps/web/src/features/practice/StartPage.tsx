import { Navigate } from 'react-router';
import { Paper, Text, Title } from '@mantine/core';
import { useT } from '../../app/i18n/index.tsx';
import { useMe } from '../../app/session.ts';

/** `/`: straight into the (first) practice; an account without any says so. */
export function StartPage() {
  const t = useT();
  const me = useMe();
  const first = me.data?.memberships[0];
  if (first) return <Navigate to={`/p/${first.practiceId}`} replace />;
  return (
    <Paper withBorder p="lg" radius="md">
      <Title order={2} size="h3" mb="sm">
        {t('start.noPracticeTitle')}
      </Title>
      <Text>{t('start.noPractice')}</Text>
    </Paper>
  );
}
