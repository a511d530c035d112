import { Alert, Badge, Button, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { AuditPage, AuditVerifyResult } from '@calmdesk/shared';
import { api, isApiError, query } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { usePractice } from '../../app/layout/PracticeLayout.tsx';
import { useStepUp } from '../../app/step-up.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { useProfile, useStaff } from '../settings/api.ts';
import { AccessLogFilters, type AuditFilter } from './AccessLogFilters.tsx';
import { BreakGlassPanel } from './BreakGlassPanel.tsx';

const PAGE = 100;

/** The practice's access log (NEN 7513), newest first; needs a recent second factor. */
export function AccessLogPage() {
  const { t, dateTime } = useI18n();
  const practice = usePractice();
  const p = practice.practiceId;
  const withStepUp = useStepUp();
  const staff = useStaff(p);
  const profile = useProfile(p);
  const timeZone = profile.data?.timeZone ?? 'Europe/Amsterdam';
  const [filter, setFilter] = useState<AuditFilter>({});
  const log = useInfiniteQuery({
    queryKey: ['practice', p, 'audit', filter],
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) =>
      withStepUp(() => api.get(`/practices/${p}/audit-log${query({ ...filter, limit: PAGE, beforeId: pageParam })}`, AuditPage)),
    getNextPageParam: (last) => last.nextBeforeId ?? undefined,
  });
  const verify = useMutation({ mutationFn: () => withStepUp(() => api.post(`/practices/${p}/audit-log/verify`, AuditVerifyResult)) });
  const fieldErrors = isApiError(log.error) ? log.error.fields : {};

  return (
    <Stack>
      <PageTitle
        practiceName={practice.practiceName}
        actions={
          <Button variant="default" onClick={() => verify.mutate()} loading={verify.isPending}>
            {t('audit.verify')}
          </Button>
        }
      >
        {t('audit.title')}
      </PageTitle>
      <Text size="sm" c="dimmed">
        {t('audit.explain', { zone: timeZone })}
      </Text>
      {verify.data ? (
        <Alert color={verify.data.intact ? 'teal' : 'red'} role="status" data-testid="verify-result">
          {verify.data.intact
            ? t('audit.intact', { n: verify.data.checked })
            : t('audit.broken', { n: verify.data.checked, seq: verify.data.firstBrokenSeq ?? '?' })}
          <Text size="sm" mt={4}>
            {verify.data.sealedSeq !== null && verify.data.sealedAt
              ? t('audit.sealed', { seq: verify.data.sealedSeq, at: dateTime(verify.data.sealedAt, timeZone) })
              : t('audit.notSealed')}
          </Text>
        </Alert>
      ) : null}
      <ErrorAlert error={verify.error} />
      {/* After the log: one step-up dialog at a time. */}
      {log.isSuccess ? <BreakGlassPanel practiceId={p} timeZone={timeZone} /> : null}
      <Paper withBorder p="md" radius="md">
        <AccessLogFilters staff={staff.data?.items ?? []} timeZone={timeZone} onApply={setFilter} fieldErrors={fieldErrors} />
      </Paper>
      <Paper withBorder p="md" radius="md">
        <QueryState query={log} isEmpty={(d) => d.pages.every((pg) => pg.items.length === 0)} empty={t('audit.empty')}>
          {(d) => (
            <Stack>
              <TableScroll label={t('audit.title')} minWidth={1150}>
                <Table striped fz="sm" verticalSpacing={6}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>#</Table.Th>
                      <Table.Th>{t('audit.time')}</Table.Th>
                      <Table.Th>{t('audit.user')}</Table.Th>
                      <Table.Th>{t('audit.action')}</Table.Th>
                      <Table.Th>{t('audit.outcome')}</Table.Th>
                      <Table.Th>{t('audit.client')}</Table.Th>
                      <Table.Th>{t('audit.category')}</Table.Th>
                      <Table.Th>{t('audit.basis')}</Table.Th>
                      <Table.Th>{t('audit.address')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {d.pages
                      .flatMap((pg) => pg.items)
                      .map((e) => (
                        <Table.Tr key={e.id}>
                          <Table.Td>{e.seq ?? '…'}</Table.Td>
                          <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(e.at, timeZone)}</Table.Td>
                          <Table.Td>
                            {e.userName ?? '—'}
                            {e.onBehalfOf ? (
                              <Text size="xs" c="dimmed">
                                {t('audit.onBehalfOf', { who: e.onBehalfOf })}
                              </Text>
                            ) : null}
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm" ff="monospace">
                              {e.action}
                            </Text>
                            {e.breakGlass ? (
                              <Badge color="red.9" size="xs" title={e.reason ?? ''}>
                                {t('audit.breakGlass')}
                              </Badge>
                            ) : null}
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm" fw={600} c={e.outcome === 'ok' ? 'teal.9' : 'red.9'}>
                              {t(`audit.outcome.${e.outcome}`)}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Text size="xs" ff="monospace">
                              {e.clientId ?? '—'}
                            </Text>
                          </Table.Td>
                          <Table.Td>{e.dataCategory}</Table.Td>
                          <Table.Td>{e.legalBasis}</Table.Td>
                          <Table.Td style={{ whiteSpace: 'nowrap' }}>{e.ipAddress ?? '—'}</Table.Td>
                        </Table.Tr>
                      ))}
                  </Table.Tbody>
                </Table>
              </TableScroll>
              {log.hasNextPage ? (
                <Group justify="center">
                  <Button variant="default" onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage}>
                    {t('audit.older')}
                  </Button>
                </Group>
              ) : null}
            </Stack>
          )}
        </QueryState>
      </Paper>
    </Stack>
  );
}
