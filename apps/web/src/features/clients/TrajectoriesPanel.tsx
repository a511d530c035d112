import { Badge, Button, Group, Modal, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Trajectory } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { usePractice } from '../../app/layout/PracticeLayout.tsx';
import { DayField } from '../../components/DayField.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { orNull, useStaff } from '../settings/api.ts';
import { clientKeys, clientPath, formatDay, todayIso, toIsoDay, useTrajectories, type TrajectoryData } from './api.ts';
import { TreatingClinicians } from './care.tsx';

interface Props {
  practiceId: string;
  clientId: string;
  canWrite: boolean;
  /** Owner and back office assign and end treatment relationships. */
  canAssign?: boolean;
}

function OpenForm({ practiceId, clientId }: Pick<Props, 'practiceId' | 'clientId'>) {
  const { t, locale } = useI18n();
  const { timeZone } = usePractice();
  const qc = useQueryClient();
  const staff = useStaff(practiceId);
  const clinicians = (staff.data?.items ?? []).filter((m) => m.active && m.roles.includes('clinician'));
  const [start, setStart] = useState(() => formatDay(todayIso(timeZone), locale));
  const [lead, setLead] = useState<string | null>(null);
  const [careDemand, setCareDemand] = useState('');
  const [diagnosis, setDiagnosis] = useState('');
  const open = useMutation({
    mutationFn: () =>
      api.post(`${clientPath(practiceId, clientId)}/trajectories`, Trajectory, {
        startDate: toIsoDay(start),
        leadMembershipId: lead ?? '',
        careDemandType: orNull(careDemand),
        diagnosisGroup: orNull(diagnosis),
      }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: clientKeys.trajectories(practiceId, clientId) });
      await qc.invalidateQueries({ queryKey: clientKeys.history(practiceId, clientId) });
      await qc.invalidateQueries({ queryKey: [...clientKeys.one(practiceId, clientId), 'treatment'] });
      setCareDemand('');
      setDiagnosis('');
      notifications.show({ color: 'teal', message: t('traj.opened'), closeButtonProps: { 'aria-label': t('common.close') } });
    },
  });
  if (staff.isSuccess && clinicians.length === 0) return <Text c="dimmed">{t('traj.noClinicians')}</Text>;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        open.mutate();
      }}
    >
      <Stack gap="sm">
        <Title order={3} size="h5">
          {t('traj.new')}
        </Title>
        <Group align="flex-start" wrap="wrap">
          <DayField label={t('traj.start')} value={start} onChange={setStart} error={fieldError(open.error, 'startDate')} />
          <Select
            label={t('traj.lead')}
            value={lead}
            onChange={setLead}
            data={clinicians.map((m) => ({ value: m.membershipId, label: m.name }))}
            error={fieldError(open.error, 'leadMembershipId')}
            required
            w={240}
          />
          <TextInput
            label={t('traj.careDemand')}
            value={careDemand}
            onChange={(e) => setCareDemand(e.currentTarget.value)}
            error={fieldError(open.error, 'careDemandType')}
            w={200}
          />
          <TextInput
            label={t('traj.diagnosis')}
            value={diagnosis}
            onChange={(e) => setDiagnosis(e.currentTarget.value)}
            error={fieldError(open.error, 'diagnosisGroup')}
            w={200}
          />
        </Group>
        <ErrorAlert error={open.error} shownFields={['startDate', 'leadMembershipId', 'careDemandType', 'diagnosisGroup']} />
        <Group>
          <Button type="submit" loading={open.isPending} disabled={!lead}>
            {t('traj.openButton')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function CloseModal({
  practiceId,
  clientId,
  trajectory,
  onClose,
}: Pick<Props, 'practiceId' | 'clientId'> & { trajectory: TrajectoryData; onClose: () => void }) {
  const { t, locale } = useI18n();
  const { timeZone } = usePractice();
  const qc = useQueryClient();
  const [end, setEnd] = useState(() => formatDay(todayIso(timeZone), locale));
  const close = useMutation({
    mutationFn: () =>
      api.patch(`${clientPath(practiceId, clientId)}/trajectories/${trajectory.id}`, Trajectory, { endDate: toIsoDay(end) }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: clientKeys.trajectories(practiceId, clientId) });
      await qc.invalidateQueries({ queryKey: clientKeys.history(practiceId, clientId) });
      await qc.invalidateQueries({ queryKey: [...clientKeys.one(practiceId, clientId), 'treatment'] });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={t('traj.closeTitle', { date: formatDay(trajectory.startDate, locale) })} centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          close.mutate();
        }}
      >
        <Stack>
          <DayField label={t('traj.end')} value={end} onChange={setEnd} error={fieldError(close.error, 'endDate')} />
          <ErrorAlert error={close.error} shownFields={['endDate']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={close.isPending}>
              {t('traj.closeButton')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Care trajectories: start, end, lead clinician, care-demand type, diagnosis group. */
export function TrajectoriesPanel({ practiceId, clientId, canWrite, canAssign = false }: Props) {
  const { t, locale } = useI18n();
  const list = useTrajectories(practiceId, clientId);
  const [closing, setClosing] = useState<TrajectoryData | null>(null);
  return (
    <Stack>
      <Paper withBorder p="md" radius="md">
        <QueryState query={list} isEmpty={(d) => d.items.length === 0} empty={t('traj.empty')}>
          {(d) => (
            <TableScroll label={t('client.tab.trajectories')} minWidth={760}>
              <Table striped verticalSpacing={6}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('traj.start')}</Table.Th>
                    <Table.Th>{t('traj.end')}</Table.Th>
                    <Table.Th>{t('traj.lead')}</Table.Th>
                    <Table.Th>{t('traj.careDemand')}</Table.Th>
                    <Table.Th>{t('traj.diagnosis')}</Table.Th>
                    <Table.Th>{t('traj.state')}</Table.Th>
                    {canWrite ? <Table.Th>{t('common.actions')}</Table.Th> : null}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {d.items.map((x) => (
                    <Table.Tr key={x.id}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDay(x.startDate, locale)}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{x.endDate ? formatDay(x.endDate, locale) : '—'}</Table.Td>
                      <Table.Td>{x.leadName}</Table.Td>
                      <Table.Td>{x.careDemandType ?? '—'}</Table.Td>
                      <Table.Td>{x.diagnosisGroup ?? '—'}</Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={x.open ? 'teal' : 'gray'}>
                          {x.open ? t('traj.isOpen') : t('traj.closed')}
                        </Badge>
                      </Table.Td>
                      {canWrite ? (
                        <Table.Td>
                          {x.endDate === null ? (
                            <Button size="xs" variant="default" onClick={() => setClosing(x)}>
                              {t('traj.close')}
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
      </Paper>
      <TreatingClinicians practiceId={practiceId} clientId={clientId} canAssign={canAssign} trajectories={list.data?.items ?? []} />
      {canWrite ? (
        <Paper withBorder p="md" radius="md">
          <OpenForm practiceId={practiceId} clientId={clientId} />
        </Paper>
      ) : null}
      {closing ? <CloseModal practiceId={practiceId} clientId={clientId} trajectory={closing} onClose={() => setClosing(null)} /> : null}
    </Stack>
  );
}
