import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { isApiError } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { usePractice } from '../../app/layout/PracticeLayout.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { useProfile } from '../settings/api.ts';
import { AddEntryForm } from './AddEntryForm.tsx';
import { CandidatesPanel } from './CandidatesPanel.tsx';
import { acceptOffer, canWrite, declineOffer, type EntryData, removeEntry, useWaitlist, waitlistKeys } from './api.ts';

const URGENCY_COLOUR = { urgent: 'red', soon: 'orange', routine: 'gray' } as const;

/** The waitlist: who waits for what, the candidates for a freed slot (?appointmentId=), offers and their answers. */
export function WaitlistPage() {
  const { t, dateTime, date } = useI18n();
  const practice = usePractice();
  const p = practice.practiceId;
  const writer = canWrite(practice.roles);
  const qc = useQueryClient();
  const list = useWaitlist(p);
  // Times are shown in the practice's zone, as on the agenda (not the browser's).
  const zone = useProfile(p).data?.timeZone;
  const [params, setParams] = useSearchParams();
  const appointmentId = params.get('appointmentId');
  const [adding, setAdding] = useState(false);

  const refresh = () => qc.invalidateQueries({ queryKey: waitlistKeys.all(p) });
  const remove = useMutation({
    mutationFn: (e: EntryData) => removeEntry(p, e.id),
    onSuccess: async (e) => {
      notifications.show({ color: 'teal', message: t('waitlist.removed', { name: e.client.displayName }) });
      await refresh();
    },
  });
  const answer = useMutation({
    mutationFn: ({ offerId, accept }: { offerId: string; accept: boolean }) =>
      accept ? acceptOffer(p, offerId) : declineOffer(p, offerId),
    onSuccess: async (r) => {
      notifications.show({
        color: 'teal',
        message:
          r.offer.status === 'accepted'
            ? t('waitlist.accepted', { name: r.entry.client.displayName, when: dateTime(r.offer.startsAt, zone) })
            : t('waitlist.declinedDone', { name: r.entry.client.displayName }),
      });
      await Promise.all([refresh(), qc.invalidateQueries({ queryKey: ['practice', p, 'appointments'] })]);
    },
  });
  const preferences = (e: EntryData) =>
    [
      e.serviceName,
      e.clinicianName,
      e.modes.map((m) => t(`mode.${m}`)).join('/'),
      e.weekdays.map((d) => t(`weekday.${d}` as 'weekday.1').slice(0, 2)).join(' '),
      e.dayParts.map((d) => t(`dayPart.${d}`).split(' (')[0]).join('/'),
    ]
      .filter(Boolean)
      .join(' · ') || t('waitlist.any');

  return (
    <Stack>
      <PageTitle
        practiceName={practice.practiceName}
        actions={writer ? <Button onClick={() => setAdding(true)}>{t('waitlist.add')}</Button> : null}
      >
        {t('waitlist.title')}
      </PageTitle>
      <Text c="dimmed">{t('waitlist.explain')}</Text>
      {appointmentId ? (
        <CandidatesPanel
          practiceId={p}
          source={{ appointmentId }}
          canWrite={writer}
          onClose={() =>
            setParams(
              (prev) => {
                const next = new URLSearchParams(prev);
                next.delete('appointmentId');
                return next;
              },
              { replace: true },
            )
          }
        />
      ) : null}
      {answer.isError ? (
        isApiError(answer.error, 'conflict') && !/withdrawn|is (booked|removed|declined)/.test(answer.error.message) ? (
          <ErrorAlert error={answer.error} title={t('waitlist.taken')} />
        ) : (
          <ErrorAlert error={answer.error} />
        )
      ) : null}
      {remove.isError ? <ErrorAlert error={remove.error} /> : null}
      <QueryState query={list} isEmpty={(d) => d.items.length === 0} empty={t('waitlist.empty')}>
        {(data) => (
          <TableScroll label={t('waitlist.title')} minWidth={760}>
            <Table striped highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('waitlist.client')}</Table.Th>
                  <Table.Th>{t('waitlist.urgency')}</Table.Th>
                  <Table.Th>{t('waitlist.preferences')}</Table.Th>
                  <Table.Th>{t('waitlist.since')}</Table.Th>
                  <Table.Th>{t('common.status')}</Table.Th>
                  {writer ? <Table.Th>{t('common.actions')}</Table.Th> : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((e) => {
                  const open = e.offers.filter((o) => o.status === 'open');
                  return (
                    <Table.Tr key={e.id}>
                      <Table.Td>
                        <Text fw={500}>{e.client.displayName}</Text>
                        <Text size="xs" c="dimmed">
                          {e.client.clientNumber}
                        </Text>
                        {e.remark ? (
                          <Text size="xs" c="dimmed">
                            {e.remark}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        {/* The whole word: a table cell would otherwise cut the label short. */}
                        <Badge variant="light" color={URGENCY_COLOUR[e.urgency]} styles={{ label: { overflow: 'visible' } }}>
                          {t(`urgency.${e.urgency}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{preferences(e)}</Table.Td>
                      <Table.Td>{date(e.createdAt, zone)}</Table.Td>
                      <Table.Td>
                        <Stack gap={4}>
                          <Text size="sm">{t(`waitlistStatus.${e.status}`)}</Text>
                          {open.map((o) => (
                            <Stack key={o.id} gap={4}>
                              <Text size="xs">{t('waitlist.offerOpen', { when: dateTime(o.startsAt, zone) })}</Text>
                              {writer ? (
                                <Group gap={4} wrap="nowrap">
                                  <Button
                                    size="compact-xs"
                                    color="teal"
                                    loading={answer.isPending && answer.variables.offerId === o.id && answer.variables.accept}
                                    onClick={() => answer.mutate({ offerId: o.id, accept: true })}
                                  >
                                    {t('waitlist.accept')}
                                  </Button>
                                  <Button
                                    size="compact-xs"
                                    variant="default"
                                    loading={answer.isPending && answer.variables.offerId === o.id && !answer.variables.accept}
                                    onClick={() => answer.mutate({ offerId: o.id, accept: false })}
                                  >
                                    {t('waitlist.decline')}
                                  </Button>
                                </Group>
                              ) : null}
                            </Stack>
                          ))}
                        </Stack>
                      </Table.Td>
                      {writer ? (
                        <Table.Td>
                          <Button
                            size="compact-sm"
                            variant="subtle"
                            color="red"
                            loading={remove.isPending && remove.variables.id === e.id}
                            onClick={() => {
                              if (window.confirm(t('waitlist.removeQuestion', { name: e.client.displayName }))) remove.mutate(e);
                            }}
                          >
                            {t('waitlist.remove')}
                          </Button>
                        </Table.Td>
                      ) : null}
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </TableScroll>
        )}
      </QueryState>
      <AddEntryForm practiceId={p} opened={adding} onClose={() => setAdding(false)} />
    </Stack>
  );
}
