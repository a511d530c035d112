import { Button, Chip, Group, Modal, MultiSelect, Select, Stack, Text, Textarea } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { DAY_PARTS, MODES, URGENCIES, type DayPart, type Mode, type Urgency } from '@calmdesk/shared';
import { isApiError } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useServices, useStaff } from '../settings/api.ts';
import { addEntry, useClientPicker, waitlistKeys } from './api.ts';

const WEEKDAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;

/** Puts a client on the waitlist: search the client, then the preferences (nothing chosen = any). */
export function AddEntryForm({ practiceId: p, opened, onClose }: { practiceId: string; opened: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const clients = useClientPicker(p, q);
  const services = useServices(p);
  const staff = useStaff(p);
  const [clientId, setClientId] = useState<string | null>(null);
  const [serviceId, setServiceId] = useState<string | null>(null);
  const [clinicianId, setClinicianId] = useState<string | null>(null);
  const [modes, setModes] = useState<string[]>([]);
  const [weekdays, setWeekdays] = useState<string[]>([]);
  const [dayParts, setDayParts] = useState<string[]>([]);
  const [urgency, setUrgency] = useState<Urgency>('routine');
  const [remark, setRemark] = useState('');

  const reset = () => {
    setSearch('');
    setClientId(null);
    setServiceId(null);
    setClinicianId(null);
    setModes([]);
    setWeekdays([]);
    setDayParts([]);
    setUrgency('routine');
    setRemark('');
  };
  const save = useMutation({
    mutationFn: () =>
      addEntry(p, {
        clientId: clientId ?? '',
        ...(serviceId && { serviceId }),
        ...(clinicianId && { clinicianId }),
        modes: modes as Mode[],
        weekdays: weekdays.map(Number),
        dayParts: dayParts as DayPart[],
        urgency,
        ...(remark.trim() && { remark: remark.trim() }),
      }),
    onSuccess: async (entry) => {
      notifications.show({ color: 'teal', message: t('waitlist.added', { name: entry.client.displayName }) });
      await qc.invalidateQueries({ queryKey: waitlistKeys.all(p) });
      reset();
      onClose();
    },
  });
  const fieldError = (name: string) => (isApiError(save.error) ? save.error.fields[name] : undefined);
  const clinicians = (staff.data?.items ?? []).filter((s) => s.active && s.roles.includes('clinician'));

  return (
    <Modal opened={opened} onClose={onClose} title={t('waitlist.addTitle')} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <Select
            label={t('waitlist.client')}
            placeholder={t('waitlist.clientSearch')}
            searchable
            required
            searchValue={search}
            onSearchChange={setSearch}
            value={clientId}
            onChange={setClientId}
            filter={({ options }) => options}
            data={(clients.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.displayName} (${c.clientNumber})` }))}
            nothingFoundMessage={q.length >= 2 && !clients.isFetching ? t('common.empty') : undefined}
            error={fieldError('clientId')}
          />
          <Group grow align="flex-start">
            <Select
              label={t('waitlist.service')}
              placeholder={t('waitlist.anyService')}
              clearable
              value={serviceId}
              onChange={setServiceId}
              data={(services.data?.items ?? []).filter((s) => s.active).map((s) => ({ value: s.id, label: s.name }))}
              error={fieldError('serviceId')}
            />
            <Select
              label={t('waitlist.clinician')}
              placeholder={t('waitlist.anyClinician')}
              clearable
              value={clinicianId}
              onChange={setClinicianId}
              data={clinicians.map((c) => ({ value: c.membershipId, label: c.name }))}
              error={fieldError('clinicianId')}
            />
          </Group>
          <Text size="sm" c="dimmed">
            {t('waitlist.anyHint')}
          </Text>
          <MultiSelect
            label={t('waitlist.modes')}
            placeholder={t('waitlist.any')}
            value={modes}
            onChange={setModes}
            data={MODES.map((m) => ({ value: m, label: t(`mode.${m}`) }))}
            error={fieldError('modes')}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="wl-weekdays">
              {t('waitlist.weekdays')}
            </Text>
            <Chip.Group multiple value={weekdays} onChange={setWeekdays}>
              <Group gap="xs" role="group" aria-labelledby="wl-weekdays">
                {WEEKDAYS.map((d) => (
                  <Chip key={d} value={d} size="sm">
                    {t(`weekday.${d}`)}
                  </Chip>
                ))}
              </Group>
            </Chip.Group>
          </Stack>
          <Stack gap={4}>
            <Text size="sm" fw={500} id="wl-dayparts">
              {t('waitlist.dayParts')}
            </Text>
            <Chip.Group multiple value={dayParts} onChange={setDayParts}>
              <Group gap="xs" role="group" aria-labelledby="wl-dayparts">
                {DAY_PARTS.map((d) => (
                  <Chip key={d} value={d} size="sm">
                    {t(`dayPart.${d}`)}
                  </Chip>
                ))}
              </Group>
            </Chip.Group>
          </Stack>
          <Select
            label={t('waitlist.urgency')}
            value={urgency}
            onChange={(v) => setUrgency(v ?? 'routine')}
            allowDeselect={false}
            data={URGENCIES.map((u) => ({ value: u, label: t(`urgency.${u}`) }))}
          />
          <Textarea
            label={t('waitlist.remark')}
            description={t('waitlist.remarkHint')}
            maxLength={300}
            autosize
            minRows={2}
            value={remark}
            onChange={(e) => setRemark(e.currentTarget.value)}
            error={fieldError('remark')}
          />
          {save.isError ? <ErrorAlert error={save.error} shownFields={['clientId', 'serviceId', 'clinicianId', 'remark']} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!clientId}>
              {t('waitlist.add')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
