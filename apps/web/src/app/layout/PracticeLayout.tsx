import { Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { createContext, useContext } from 'react';
import { Outlet, useParams } from 'react-router';
import { useT } from '../i18n/index.tsx';
import { useMe, type MembershipData } from '../session.ts';

const PracticeContext = createContext<MembershipData | null>(null);

/** The membership of the practice in the address, for pages under /p/:practiceId. */
export function usePractice(): MembershipData {
  const m = useContext(PracticeContext);
  if (!m) throw new Error('usePractice outside PracticeLayout');
  return m;
}

/**
 * Every practice page sits under a banner naming the practice, so someone who works for
 * several practices always sees which one they act in.
 */
export function PracticeLayout() {
  const t = useT();
  const { practiceId } = useParams();
  const me = useMe();
  const membership = me.data?.memberships.find((m) => m.practiceId === practiceId);
  if (!membership) {
    return (
      <Paper withBorder p="lg" role="alert">
        <Title order={2} size="h4">
          {t('practice.notFoundTitle')}
        </Title>
        <Text>{t('practice.notFound')}</Text>
      </Paper>
    );
  }
  return (
    <PracticeContext.Provider value={membership}>
      <Paper
        withBorder
        p="md"
        mb="lg"
        radius="md"
        style={{ borderLeft: '6px solid var(--mantine-color-teal-7)' }}
        aria-label={t('practice.current')}
        component="section"
      >
        <Group justify="space-between" align="center">
          <Stack gap={0}>
            <Text size="xs" tt="uppercase" fw={700} c="dimmed">
              {t('practice.current')}
            </Text>
            <Title order={2} size="h3" data-testid="current-practice-name">
              {membership.practiceName}
            </Title>
          </Stack>
          <Group gap={6}>
            {membership.roles.map((r) => (
              <Badge key={r} variant="light" color="teal">
                {t(`role.${r}`)}
              </Badge>
            ))}
          </Group>
        </Group>
      </Paper>
      <Outlet key={membership.practiceId} />
    </PracticeContext.Provider>
  );
}
