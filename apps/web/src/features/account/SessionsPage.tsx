import { Paper, Table, Text, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Ok, SessionList } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';

const KEY = ['me', 'sessions'] as const;

/** Where this account is signed in; any other session can be ended. */
export function SessionsPage() {
  const { t, dateTime } = useI18n();
  const qc = useQueryClient();
  const sessions = useQuery({ queryKey: KEY, queryFn: () => api.get('/me/sessions', SessionList) });
  const revoke = useMutation({
    mutationFn: (id: string) => api.delete(`/me/sessions/${id}`, Ok),
    onSettled: () => qc.invalidateQueries({ queryKey: KEY }),
  });
  return (
    <>
      <PageTitle>{t('sessions.title')}</PageTitle>
      <Text size="sm" c="dimmed" mb="md">
        {t('sessions.explain')}
      </Text>
      <ErrorAlert error={revoke.error} />
      <Paper withBorder p="md" radius="md">
        <QueryState query={sessions} isEmpty={(d) => d.items.length === 0} empty={t('sessions.empty')}>
          {(d) => (
            <TableScroll label={t('sessions.title')} minWidth={640}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('sessions.device')}</Table.Th>
                    <Table.Th>{t('sessions.address')}</Table.Th>
                    <Table.Th>{t('sessions.started')}</Table.Th>
                    <Table.Th>{t('sessions.lastSeen')}</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {d.items.map((s) => (
                    <Table.Tr key={s.id}>
                      <Table.Td>
                        <Text size="sm" lineClamp={2} title={s.userAgent ?? ''}>
                          {s.userAgent ?? '—'}
                        </Text>
                      </Table.Td>
                      <Table.Td>{s.ipAddress ?? '—'}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(s.createdAt)}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(s.lastSeenAt)}</Table.Td>
                      <Table.Td>
                        {s.current ? (
                          <Text size="sm" fw={600} c="teal.9" style={{ whiteSpace: 'nowrap' }}>
                            {t('sessions.current')}
                          </Text>
                        ) : (
                          <ConfirmButton
                            size="xs"
                            variant="light"
                            color="red"
                            question={t('sessions.revokeQuestion')}
                            confirmLabel={t('sessions.revoke')}
                            loading={revoke.isPending && revoke.variables === s.id}
                            onConfirm={() => revoke.mutate(s.id)}
                          >
                            {t('sessions.revoke')}
                          </ConfirmButton>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          )}
        </QueryState>
      </Paper>
    </>
  );
}
