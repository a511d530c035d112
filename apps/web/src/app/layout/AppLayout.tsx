import { AppShell, Burger, Button, Group, NavLink, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useLocation, useMatch, useNavigate } from 'react-router';
import { Ok } from '@calmdesk/shared';
import { api } from '../api.ts';
import { useT } from '../i18n/index.tsx';
import { ME_KEY, useMe } from '../session.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { PracticeSwitcher } from './PracticeSwitcher.tsx';

/** The signed-in frame: header (practice switcher, language, sign out) and section links. */
export function AppLayout() {
  const t = useT();
  const me = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const [opened, { toggle, close }] = useDisclosure();
  const match = useMatch('/p/:practiceId/*');
  const practiceId = match?.params.practiceId;
  const memberships = me.data?.memberships ?? [];
  const membership = memberships.find((m) => m.practiceId === practiceId);

  const logout = async () => {
    await api.post('/auth/logout', Ok).catch(() => undefined);
    qc.clear();
    qc.setQueryData(ME_KEY, null);
    void navigate('/login', { replace: true });
  };

  const link = (to: string, label: string, exact = false) => (
    <NavLink key={to} component={Link} to={to} label={label} active={exact ? pathname === to : pathname.startsWith(to)} onClick={close} />
  );

  return (
    <AppShell header={{ height: 64 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap" gap="md">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('layout.menu')} />
            <Title order={1} size="h3" c="teal.9">
              Calmdesk
            </Title>
            <PracticeSwitcher memberships={memberships} />
          </Group>
          <Group wrap="nowrap" gap="sm">
            <LanguageSwitch />
            <Text size="sm" visibleFrom="md" data-testid="user-name">
              {me.data?.name}
            </Text>
            <Button variant="default" size="xs" onClick={() => void logout()}>
              {t('layout.logout')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label={t('layout.navigation')}>
        <Stack gap={2}>
          {practiceId && membership ? (
            <>
              {link(`/p/${practiceId}`, t('nav.overview'), true)}
              {link(`/p/${practiceId}/agenda`, t('nav.agenda'))}
              {link(`/p/${practiceId}/clients`, t('nav.clients'))}
              {membership.roles.some((r) => r !== 'billing') ? link(`/p/${practiceId}/waitlist`, t('nav.waitlist')) : null}
              {link(`/p/${practiceId}/settings`, t('nav.settings'))}
              {membership.roles.includes('owner') ? link(`/p/${practiceId}/access-log`, t('nav.accessLog')) : null}
            </>
          ) : null}
          {memberships.length > 1 ? link('/agenda', t('nav.myAgenda')) : null}
          {link('/account/sessions', t('nav.sessions'))}
          {link('/account/security', t('nav.security'))}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main bg="gray.0">
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
