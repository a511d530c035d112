import { Anchor, Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useT } from '../../app/i18n/index.tsx';
import { usePractice } from '../../app/layout/PracticeLayout.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';

/** A practice's front page: who you are here and where to go. */
export function PracticeHomePage() {
  const t = useT();
  const practice = usePractice();
  const isOwner = practice.roles.includes('owner');
  const base = `/p/${practice.practiceId}`;
  const sections = [
    { to: `${base}/agenda`, title: t('nav.agenda'), text: t('home.agenda') },
    { to: `${base}/clients`, title: t('nav.clients'), text: t('home.clients') },
    ...(practice.roles.some((r) => r !== 'billing')
      ? [{ to: `${base}/waitlist`, title: t('nav.waitlist'), text: t('home.waitlist') }]
      : []),
    { to: `${base}/settings`, title: t('nav.settings'), text: isOwner ? t('home.settingsOwner') : t('home.settingsOther') },
    ...(isOwner ? [{ to: `${base}/access-log`, title: t('nav.accessLog'), text: t('home.accessLog') }] : []),
    { to: '/account/sessions', title: t('nav.sessions'), text: t('home.sessions') },
  ];
  return (
    <Stack>
      <PageTitle practiceName={practice.practiceName}>{t('home.title')}</PageTitle>
      <Group gap="xs">
        <Text>{t('home.yourRoles')}</Text>
        {practice.roles.map((r) => (
          <Badge key={r} variant="outline">
            {t(`role.${r}`)}
          </Badge>
        ))}
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {sections.map((s) => (
          <Card key={s.to} withBorder radius="md" padding="lg">
            <Title order={3} size="h4" mb={4}>
              <Anchor component={Link} to={s.to}>
                {s.title}
              </Anchor>
            </Title>
            <Text size="sm" c="dimmed">
              {s.text}
            </Text>
          </Card>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
