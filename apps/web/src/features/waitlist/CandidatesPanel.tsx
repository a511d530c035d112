import { Alert, Badge, Button, CloseButton, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useI18n } from '../../app/i18n/index.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { type CandidatesData, type CandidateSource, offerAppointment, offerFreeSlot, useCandidates, waitlistKeys } from './api.ts';

type Candidate = CandidatesData['items'][number];
const MATCH_KEYS = ['clinician', 'mode', 'weekday', 'dayPart', 'service'] as const;

/**
 * The waiting entries that fit a slot, in order, with an Offer button each. The slot is the
 * time of a cancelled appointment (`{ appointmentId }`) or a free slot (`{ slot }`: local start,
 * duration, clinician, mode; not in person, as only a booking holds a room).
 */
export function CandidatesPanel({
  practiceId: p,
  source,
  canWrite,
  onClose,
}: {
  practiceId: string;
  source: CandidateSource;
  canWrite: boolean;
  onClose: () => void;
}) {
  const { t, dateTime } = useI18n();
  const qc = useQueryClient();
  const candidates = useCandidates(p, source);
  const slot = 'slot' in source ? source.slot : null;
  const offer = useMutation({
    mutationFn: (c: Candidate) =>
      slot ? offerFreeSlot(p, c.entry.id, slot) : offerAppointment(p, c.entry.id, 'appointmentId' in source ? source.appointmentId : ''),
    onSuccess: async (r) => {
      notifications.show({
        color: 'teal',
        message: t('candidates.offered', { name: r.entry.client.displayName }),
        closeButtonProps: { 'aria-label': t('common.close') },
      });
      await qc.invalidateQueries({ queryKey: waitlistKeys.all(p) });
    },
  });
  return (
    <Paper withBorder p="md" aria-labelledby="candidates-title" data-testid="candidates-panel">
      <Group justify="space-between" mb="xs">
        <Title order={3} id="candidates-title">
          {t(slot ? 'candidates.slotTitle' : 'candidates.title')}
        </Title>
        <CloseButton aria-label={t('candidates.close')} onClick={onClose} />
      </Group>
      <QueryState query={candidates}>
        {(data) => (
          <Stack gap="sm">
            <Text fw={500}>
              {t('candidates.slot', {
                when: dateTime(data.slot.startsAt, data.slot.timeZone),
                mode: t(`mode.${data.slot.mode}`),
                minutes: data.slot.durationMinutes,
              })}
            </Text>
            {slot ? (
              <Text size="sm" c="dimmed">
                {t('candidates.slotNote')}
              </Text>
            ) : null}
            {!data.slot.freed ? (
              <Alert color="yellow" variant="light">
                {t('candidates.notFreed')}
              </Alert>
            ) : null}
            {offer.isError ? <ErrorAlert error={offer.error} /> : null}
            {data.items.length === 0 ? (
              <Text c="dimmed" data-testid="empty-state">
                {t('candidates.empty')}
              </Text>
            ) : (
              <Stack gap="xs" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                {data.items.map((c, i) => (
                  <Paper component="li" key={c.entry.id} withBorder p="sm">
                    <Group justify="space-between" wrap="nowrap" align="flex-start">
                      <Stack gap={4}>
                        <Group gap="xs">
                          <Text fw={600}>
                            {i + 1}. {c.entry.client.displayName}
                          </Text>
                          <Badge
                            variant="light"
                            color={c.entry.urgency === 'urgent' ? 'red' : c.entry.urgency === 'soon' ? 'orange' : 'gray'}
                          >
                            {t(`urgency.${c.entry.urgency}`)}
                          </Badge>
                        </Group>
                        <Group gap={4}>
                          {MATCH_KEYS.map((k) => (
                            <Badge key={k} size="sm" variant={c.matches[k] === 'named' ? 'filled' : 'outline'} color="teal">
                              {t(`match.${c.matches[k]}`, { what: t(`match.${k}`) })}
                            </Badge>
                          ))}
                        </Group>
                      </Stack>
                      {canWrite && data.slot.freed && slot && !c.entry.serviceId ? (
                        <Text size="xs" c="dimmed" maw={220} ta="right">
                          {t('candidates.noService')}
                        </Text>
                      ) : canWrite && data.slot.freed ? (
                        <Button
                          size="xs"
                          loading={offer.isPending && offer.variables.entry.id === c.entry.id}
                          disabled={offer.isSuccess && offer.data.entry.id === c.entry.id}
                          onClick={() => offer.mutate(c)}
                          aria-label={`${t('candidates.offer')}: ${c.entry.client.displayName}`}
                        >
                          {t('candidates.offer')}
                        </Button>
                      ) : null}
                    </Group>
                  </Paper>
                ))}
              </Stack>
            )}
          </Stack>
        )}
      </QueryState>
    </Paper>
  );
}
