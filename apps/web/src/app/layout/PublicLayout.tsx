import { Anchor, Box, Container, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { Link, Outlet } from 'react-router';
import { useT } from '../i18n/index.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

/** Sign-in, enrolment, reset and invitation pages: one centred card. */
export function PublicLayout() {
  const t = useT();
  return (
    <Box mih="100vh" bg="gray.1" py={48}>
      <Container size={460}>
        <Stack gap="md">
          <Group justify="space-between">
            <Anchor component={Link} to="/" underline="never" c="dark">
              <Title order={1} size="h2">
                Calmdesk
              </Title>
            </Anchor>
            <LanguageSwitch />
          </Group>
          <Paper withBorder shadow="sm" p="xl" radius="md">
            <Outlet />
          </Paper>
          <Text size="xs" c="dimmed" ta="center">
            {t('layout.tagline')}
          </Text>
        </Stack>
      </Container>
    </Box>
  );
}
