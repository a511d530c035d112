import { Anchor, Paper, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useT } from '../i18n/index.tsx';

export function NotFoundPage() {
  const t = useT();
  return (
    <Paper withBorder p="lg" radius="md">
      <Title order={2} size="h3" mb="sm">
        {t('notFound.title')}
      </Title>
      <Text mb="sm">{t('notFound.text')}</Text>
      <Anchor component={Link} to="/">
        {t('notFound.home')}
      </Anchor>
    </Paper>
  );
}
