import { ActionIcon, Button, Group, Modal, MultiSelect, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { z } from 'zod';
import { MODES, WorkingHours, type Mode } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useT } from '../../app/i18n/index.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { keys, useLocations, type Staff } from './api.ts';

type Block = z.output<typeof WorkingHours>['items'][number];
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const NO_LOCATION = 'none';

interface Props {
  practiceId: string;
  member: Staff;
  canEdit: boolean;
  onClose: () => void;
}

function Editor({ practiceId, member, canEdit, initial, onClose }: Props & { initial: Block[] }) {
  const t = useT();
  const qc = useQueryClient();
  const locations = useLocations(practiceId);
  const [rows, setRows] = useState<Block[]>(initial);
  const save = useMutation({
    mutationFn: () => api.put(`/practices/${practiceId}/staff/${member.membershipId}/working-hours`, WorkingHours, { items: rows }),
    onSuccess: (d) => {
      qc.setQueryData(keys.hours(practiceId, member.membershipId), d);
      notifications.show({ color: 'teal', message: t('common.saved'), closeButtonProps: { 'aria-label': t('common.close') } });
      onClose();
    },
  });
  const update = (i: number, patch: Partial<Block>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const err = (i: number, f: string) =>
    fieldError(save.error, `items.${i}.${f}`) ?? (f === 'start' ? fieldError(save.error, `items.${i}`) : undefined);
  const locationData = [
    { value: NO_LOCATION, label: t('hours.anyLocation') },
    ...(locations.data?.items ?? []).map((l) => ({ value: l.id, label: l.name })),
  ];
  const shown = rows.flatMap((_, i) =>
    ['weekday', 'start', 'end', 'locationId', 'modes', ''].map((f) => (f ? `items.${i}.${f}` : `items.${i}`)),
  );
  return (
    <Stack>
      {rows.length === 0 ? <Text c="dimmed">{t('hours.empty')}</Text> : null}
      {rows.length > 0 ? (
        <TableScroll label={t('hours.title')} minWidth={900}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('hours.weekday')}</Table.Th>
                <Table.Th>{t('hours.start')}</Table.Th>
                <Table.Th>{t('hours.end')}</Table.Th>
                <Table.Th>{t('hours.location')}</Table.Th>
                <Table.Th>{t('hours.modes')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r, i) => (
                <Table.Tr key={i}>
                  <Table.Td>
                    <Select
                      aria-label={t('hours.weekday')}
                      value={String(r.weekday)}
                      onChange={(v) => update(i, { weekday: Number(v ?? 1) })}
                      data={WEEKDAYS.map((d) => ({ value: String(d), label: t(`weekday.${d}`) }))}
                      allowDeselect={false}
                      readOnly={!canEdit}
                      error={err(i, 'weekday')}
                      w={130}
                    />
                  </Table.Td>
                  {(['start', 'end'] as const).map((f) => (
                    <Table.Td key={f}>
                      <TextInput
                        aria-label={t(`hours.${f}`)}
                        value={r[f]}
                        placeholder="09:00"
                        onChange={(e) => update(i, { [f]: e.currentTarget.value })}
                        readOnly={!canEdit}
                        error={err(i, f)}
                        w={90}
                      />
                    </Table.Td>
                  ))}
                  <Table.Td>
                    <Select
                      aria-label={t('hours.location')}
                      value={r.locationId ?? NO_LOCATION}
                      onChange={(v) => update(i, { locationId: v && v !== NO_LOCATION ? v : null })}
                      data={locationData}
                      allowDeselect={false}
                      readOnly={!canEdit}
                      error={err(i, 'locationId')}
                      w={170}
                    />
                  </Table.Td>
                  <Table.Td>
                    <MultiSelect
                      aria-label={t('hours.modes')}
                      value={r.modes}
                      onChange={(v) => update(i, { modes: MODES.filter((m): m is Mode => v.includes(m)) })}
                      data={MODES.map((m) => ({ value: m, label: t(`mode.${m}`) }))}
                      readOnly={!canEdit}
                      error={err(i, 'modes')}
                      miw={200}
                    />
                  </Table.Td>
                  <Table.Td>
                    {canEdit ? (
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={t('hours.remove')}
                        onClick={() => setRows(rows.filter((_, j) => j !== i))}
                      >
                        ×
                      </ActionIcon>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      ) : null}
      <ErrorAlert error={save.error} shownFields={shown} />
      {canEdit ? (
        <Group justify="space-between">
          <Button
            variant="light"
            onClick={() =>
              setRows([...rows, { weekday: 1, start: '09:00', end: '17:00', locationId: null, modes: ['in_person', 'video'] }])
            }
          >
            {t('hours.add')}
          </Button>
          <Group>
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button onClick={() => save.mutate()} loading={save.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Group>
      ) : null}
    </Stack>
  );
}

/** A clinician's weekly hours: blocks per weekday, each at a location (or any) with modes. */
export function WorkingHoursModal(props: Props) {
  const t = useT();
  const { practiceId, member } = props;
  const hours = useQuery({
    queryKey: keys.hours(practiceId, member.membershipId),
    queryFn: () => api.get(`/practices/${practiceId}/staff/${member.membershipId}/working-hours`, WorkingHours),
  });
  return (
    <Modal opened onClose={props.onClose} title={t('hours.titleFor', { name: member.name })} size={1040}>
      <QueryState query={hours}>{(d) => <Editor {...props} initial={d.items} />}</QueryState>
    </Modal>
  );
}
