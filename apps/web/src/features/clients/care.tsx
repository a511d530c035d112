import { Anchor, Badge, Button, Group, Modal, Paper, Select, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import type { z } from 'zod';
import {
  BREAK_GLASS_MINUTES,
  BREAK_GLASS_REASON_MIN,
  BreakGlassGrant,
  TreatmentRelationship,
  TreatmentRelationshipList,
  type ClientSearchResult,
} from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { useStaff } from '../settings/api.ts';
import { clientKeys, clientPath, formatDay, type TrajectoryData } from './api.ts';

type Relationship = z.output<typeof TreatmentRelationship>;

const relationshipsKey = (p: string, c: string) => [...clientKeys.one(p, c), 'treatment'] as const;

export const useRelationships = (p: string, c: string) =>
  useQuery({
    queryKey: relationshipsKey(p, c),
    queryFn: () => api.get(`${clientPath(p, c)}/treatment-relationships`, TreatmentRelationshipList),
  });

function EndModal({
  practiceId,
  clientId,
  rel,
  onClose,
}: {
  practiceId: string;
  clientId: string;
  rel: Relationship;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [note, setNote] = useState('');
  const end = useMutation({
    mutationFn: () =>
      api.post(`${clientPath(practiceId, clientId)}/treatment-relationships/${rel.id}/end`, TreatmentRelationship, {
        ...(note.trim() ? { note: note.trim() } : {}),
      }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: relationshipsKey(practiceId, clientId) });
      await qc.invalidateQueries({ queryKey: clientKeys.history(practiceId, clientId) });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={t('care.endTitle', { name: rel.clinicianName })} centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          end.mutate();
        }}
      >
        <Stack>
          <Textarea
            label={t('care.endNote')}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            error={fieldError(end.error, 'note')}
            autosize
            minRows={2}
          />
          <ErrorAlert error={end.error} shownFields={['note']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color="red" loading={end.isPending}>
              {t('care.endButton')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function AssignForm({ practiceId, clientId, trajectories }: { practiceId: string; clientId: string; trajectories: TrajectoryData[] }) {
  const { t, locale } = useI18n();
  const qc = useQueryClient();
  const staff = useStaff(practiceId);
  const clinicians = (staff.data?.items ?? []).filter((m) => m.active && m.roles.includes('clinician'));
  const open = trajectories.filter((x) => x.endDate === null);
  const [who, setWho] = useState<string | null>(null);
  const [trajectory, setTrajectory] = useState<string | null>(open[0]?.id ?? null);
  const assign = useMutation({
    mutationFn: () =>
      api.post(`${clientPath(practiceId, clientId)}/treatment-relationships`, TreatmentRelationship, {
        clinicianId: who ?? '',
        trajectoryId: trajectory,
      }),
    onSuccess: async (r) => {
      await qc.invalidateQueries({ queryKey: relationshipsKey(practiceId, clientId) });
      await qc.invalidateQueries({ queryKey: clientKeys.history(practiceId, clientId) });
      setWho(null);
      notifications.show({
        color: 'teal',
        message: t('care.added', { name: r.clinicianName }),
        closeButtonProps: { 'aria-label': t('common.close') },
      });
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        assign.mutate();
      }}
    >
      <Group align="flex-end" wrap="wrap">
        <Select
          label={t('care.add')}
          value={who}
          onChange={setWho}
          data={clinicians.map((m) => ({ value: m.membershipId, label: m.name }))}
          error={fieldError(assign.error, 'clinicianId')}
          w={240}
          searchable
        />
        <Select
          label={t('care.trajectory')}
          value={trajectory}
          onChange={setTrajectory}
          data={open.map((x) => ({
            value: x.id,
            label: `${t('care.trajectoryFrom', { date: formatDay(x.startDate, locale) })} · ${x.leadName}`,
          }))}
          placeholder={t('care.noTrajectory')}
          error={fieldError(assign.error, 'trajectoryId')}
          clearable
          w={260}
        />
        <Button type="submit" loading={assign.isPending} disabled={!who}>
          {t('care.addButton')}
        </Button>
      </Group>
      <ErrorAlert error={assign.error} shownFields={['clinicianId', 'trajectoryId']} />
    </form>
  );
}

/** Who treats the client (active first) and who did; the owner and back office assign and end. */
export function TreatingClinicians({
  practiceId,
  clientId,
  canAssign,
  trajectories,
}: {
  practiceId: string;
  clientId: string;
  canAssign: boolean;
  trajectories: TrajectoryData[];
}) {
  const { t, locale } = useI18n();
  const list = useRelationships(practiceId, clientId);
  const [ending, setEnding] = useState<Relationship | null>(null);
  const trajectoryLabel = (id: string | null) => {
    const x = trajectories.find((tr) => tr.id === id);
    return x ? t('care.trajectoryFrom', { date: formatDay(x.startDate, locale) }) : t('care.noTrajectory');
  };
  return (
    <Paper withBorder p="md" radius="md" data-testid="treating-clinicians">
      <Stack gap="sm">
        <Title order={3} size="h5">
          {t('care.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('care.explain')}
        </Text>
        <QueryState query={list} isEmpty={(d) => d.items.length === 0} empty={t('care.empty')}>
          {(d) => (
            <TableScroll label={t('care.title')} minWidth={720}>
              <Table striped verticalSpacing={6}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('care.clinician')}</Table.Th>
                    <Table.Th>{t('care.since')}</Table.Th>
                    <Table.Th>{t('care.via')}</Table.Th>
                    <Table.Th>{t('care.trajectory')}</Table.Th>
                    <Table.Th>{t('care.state')}</Table.Th>
                    {canAssign ? <Table.Th>{t('common.actions')}</Table.Th> : null}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {d.items.map((r) => (
                    <Table.Tr key={r.id}>
                      <Table.Td>{r.clinicianName}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDay(r.startedAt.slice(0, 10), locale)}</Table.Td>
                      <Table.Td>
                        {t(`care.via.${r.startedVia}`)}
                        {r.startedByName ? (
                          <Text size="xs" c="dimmed">
                            {t('care.by', { name: r.startedByName })}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>{trajectoryLabel(r.trajectoryId)}</Table.Td>
                      <Table.Td>
                        {r.active ? (
                          <Badge variant="light" color="teal">
                            {t('care.active')}
                          </Badge>
                        ) : (
                          <Text size="sm">
                            {t('care.endedOn', { date: formatDay((r.endedAt ?? '').slice(0, 10), locale) })}
                            {r.endReason ? ` · ${t(`care.endReason.${r.endReason}`)}` : ''}
                            {r.endNote ? (
                              <Text span size="xs" c="dimmed" display="block">
                                {r.endNote}
                              </Text>
                            ) : null}
                          </Text>
                        )}
                      </Table.Td>
                      {canAssign ? (
                        <Table.Td>
                          {r.active ? (
                            <Button size="xs" variant="default" onClick={() => setEnding(r)}>
                              {t('care.end')}
                            </Button>
                          ) : null}
                        </Table.Td>
                      ) : null}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          )}
        </QueryState>
        {canAssign ? <AssignForm practiceId={practiceId} clientId={clientId} trajectories={trajectories} /> : null}
      </Stack>
      {ending ? <EndModal practiceId={practiceId} clientId={clientId} rel={ending} onClose={() => setEnding(null)} /> : null}
    </Paper>
  );
}

/** Shown instead of the file to a clinician who does not treat the client: state a reason to open it. */
export function BreakGlassCard({ practiceId, clientId }: { practiceId: string; clientId: string }) {
  const { t, dateTime } = useI18n();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const open = useMutation({
    mutationFn: () => api.post(`${clientPath(practiceId, clientId)}/break-glass`, BreakGlassGrant, { reason }),
    onSuccess: async (g) => {
      notifications.show({
        color: 'orange',
        message: t('glass.opened', { time: dateTime(g.expiresAt) }),
        autoClose: 10_000,
        closeButtonProps: { 'aria-label': t('common.close') },
      });
      await qc.invalidateQueries({ queryKey: clientKeys.all(practiceId) });
    },
  });
  return (
    <Paper withBorder p="md" radius="md" data-testid="break-glass" style={{ borderColor: 'var(--mantine-color-orange-7)' }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          open.mutate();
        }}
      >
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t('glass.title')}
          </Title>
          <Text size="sm">{t('glass.explain', { minutes: BREAK_GLASS_MINUTES })}</Text>
          <Textarea
            label={t('glass.reason')}
            description={t('glass.reasonHint', { n: BREAK_GLASS_REASON_MIN })}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={fieldError(open.error, 'reason')}
            required
            autosize
            minRows={2}
            maw={560}
          />
          <ErrorAlert error={open.error} shownFields={['reason']} />
          <Group>
            <Button type="submit" loading={open.isPending} disabled={reason.trim().length < BREAK_GLASS_REASON_MIN}>
              {t('glass.open')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

/** Search hits outside the clinician's care: only the number, and the way in. */
export function RestrictedHits({
  practiceId,
  hits,
}: {
  practiceId: string;
  hits: NonNullable<z.output<typeof ClientSearchResult>['restricted']>;
}) {
  const { t } = useI18n();
  if (hits.length === 0) return null;
  return (
    <Paper withBorder p="md" radius="md" data-testid="restricted-hits">
      <Stack gap="xs">
        <Title order={3} size="h5">
          {t('glass.restricted')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('glass.restrictedExplain')}
        </Text>
        {hits.map((h) => (
          <Group key={h.id} gap="md">
            <Text ff="monospace">{h.clientNumber}</Text>
            <Anchor component={Link} to={`/p/${practiceId}/clients/${h.id}`}>
              {t('glass.openRestricted')}
            </Anchor>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}
