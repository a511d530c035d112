import { Anchor, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { BreakGlassAccessList } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { useStepUp } from '../../app/step-up.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';

/** The owner's view of break-the-glass: who opened which file outside their care, why, and how often they looked. */
export function BreakGlassPanel({ practiceId, timeZone }: { practiceId: string; timeZone: string }) {
  const { t, dateTime } = useI18n();
  const withStepUp = useStepUp();
  const list = useQuery({
    queryKey: ['practice', practiceId, 'break-glass'],
    queryFn: () => withStepUp(() => api.get(`/practices/${practiceId}/break-glass`, BreakGlassAccessList)),
  });
  return (
    <Paper withBorder p="md" radius="md" data-testid="break-glass-list">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('bg.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('bg.explain')}
        </Text>
        <QueryState query={list} isEmpty={(d) => d.items.length === 0} empty={t('bg.empty')}>
          {(d) => (
            <TableScroll label={t('bg.title')} minWidth={860}>
              <Table striped fz="sm" verticalSpacing={6}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('bg.when')}</Table.Th>
                    <Table.Th>{t('bg.who')}</Table.Th>
                    <Table.Th>{t('bg.client')}</Table.Th>
                    <Table.Th>{t('bg.reason')}</Table.Th>
                    <Table.Th>{t('bg.until')}</Table.Th>
                    <Table.Th>{t('bg.accesses')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {d.items.map((g) => (
                    <Table.Tr key={g.id}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(g.grantedAt, timeZone)}</Table.Td>
                      <Table.Td>{g.userName}</Table.Td>
                      <Table.Td>
                        <Anchor component={Link} to={`/p/${practiceId}/clients/${g.clientId}`} ff="monospace">
                          {g.clientNumber}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{g.reason}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(g.expiresAt, timeZone)}</Table.Td>
                      <Table.Td>{g.accesses}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          )}
        </QueryState>
      </Stack>
    </Paper>
  );
}
