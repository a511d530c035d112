import { Button, Checkbox, Group, MultiSelect, NumberInput, Stack, Switch, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { MODES, Service, type Mode } from '@calmdesk/shared';
import { api, isApiError } from '../../app/api.ts';
import { useT } from '../../app/i18n/index.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { keys, orNull, useStaff, type ServiceItem } from './api.ts';

interface Props {
  practiceId: string;
  /** The service to edit; none to add a new one. */
  service?: ServiceItem;
  onDone: () => void;
}

/** The first error the server named on the clinician list (`membershipIds` or `membershipIds.2`). */
function cliniciansError(error: unknown): string | undefined {
  if (!isApiError(error)) return undefined;
  return Object.entries(error.fields).find(([k]) => k === 'membershipIds' || k.startsWith('membershipIds.'))?.[1];
}

/** Adds or edits a service: name, default duration, buffer, allowed modes, billing code, who offers it. */
export function ServiceForm({ practiceId, service, onDone }: Props) {
  const t = useT();
  const qc = useQueryClient();
  const [name, setName] = useState(service?.name ?? '');
  const [duration, setDuration] = useState<number | string>(service?.defaultDurationMinutes ?? 45);
  const [modes, setModes] = useState<Mode[]>(service?.allowedModes ?? ['in_person', 'video']);
  const [billingCode, setBillingCode] = useState(service?.billingCode ?? '');
  const [active, setActive] = useState(service?.active ?? true);
  const [buffer, setBuffer] = useState<number | string>(service?.bufferMinutes ?? 0);
  const [clinicianIds, setClinicianIds] = useState<string[]>(service?.clinicianIds ?? []);
  // A new service that was made but whose clinicians were refused is edited, not made twice.
  const [savedId, setSavedId] = useState<string | undefined>(service?.id);
  const staff = useStaff(practiceId);
  const clinicians = (staff.data?.items ?? []).filter(
    (s) => (s.active && s.roles.includes('clinician')) || clinicianIds.includes(s.membershipId),
  );
  const save = useMutation({
    mutationFn: async () => {
      const body = {
        name,
        defaultDurationMinutes: typeof duration === 'number' ? duration : Number(duration),
        allowedModes: modes,
        billingCode: orNull(billingCode)?.toUpperCase() ?? null,
        bufferMinutes: typeof buffer === 'number' ? buffer : buffer.trim() === '' ? 0 : Number(buffer),
        active,
      };
      const saved = savedId
        ? await api.patch(`/practices/${practiceId}/services/${savedId}`, Service, body)
        : await api.post(`/practices/${practiceId}/services`, Service, body);
      setSavedId(saved.id);
      const same = saved.clinicianIds.length === clinicianIds.length && clinicianIds.every((id) => saved.clinicianIds.includes(id));
      if (!same) {
        await api.put(`/practices/${practiceId}/services/${saved.id}/clinicians`, Service, { membershipIds: clinicianIds });
      }
    },
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: keys.services(practiceId) });
      onDone();
    },
    // Part of it may have been saved (the service, not its clinicians): the list shows what is.
    onError: () => qc.invalidateQueries({ queryKey: keys.services(practiceId) }),
  });
  const clinicianError = cliniciansError(save.error);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Stack>
        <TextInput
          label={t('services.name')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError(save.error, 'name')}
          required
        />
        <Group grow align="flex-start">
          <NumberInput
            label={t('services.duration')}
            value={duration}
            onChange={setDuration}
            min={5}
            max={480}
            step={5}
            allowDecimal={false}
            error={fieldError(save.error, 'defaultDurationMinutes')}
            required
          />
          <TextInput
            label={t('services.billingCode')}
            description={t('services.billingHint')}
            value={billingCode}
            onChange={(e) => setBillingCode(e.currentTarget.value)}
            error={fieldError(save.error, 'billingCode')}
          />
        </Group>
        <NumberInput
          label={t('services.buffer')}
          description={t('services.bufferHint')}
          value={buffer}
          onChange={setBuffer}
          min={0}
          max={120}
          step={5}
          allowDecimal={false}
          error={fieldError(save.error, 'bufferMinutes')}
          w={{ base: '100%', sm: 'calc(50% - var(--mantine-spacing-md) / 2)' }}
        />
        <Checkbox.Group
          label={t('services.modes')}
          value={modes}
          onChange={(v) => setModes(MODES.filter((m) => v.includes(m)))}
          error={fieldError(save.error, 'allowedModes')}
        >
          <Group mt={6}>
            {MODES.map((m) => (
              <Checkbox key={m} value={m} label={t(`mode.${m}`)} />
            ))}
          </Group>
        </Checkbox.Group>
        <MultiSelect
          label={t('services.clinicians')}
          description={t('services.cliniciansHint')}
          placeholder={clinicianIds.length === 0 ? t('services.everyClinician') : undefined}
          value={clinicianIds}
          onChange={setClinicianIds}
          data={clinicians.map((s) => ({ value: s.membershipId, label: s.name }))}
          searchable
          clearable
          clearButtonProps={{ 'aria-label': t('services.everyClinician') }}
          nothingFoundMessage={t('services.noClinicians')}
          error={clinicianError}
          data-testid="service-clinicians"
        />
        <Switch label={t('common.active')} checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
        <ErrorAlert
          error={save.error}
          shownFields={[
            'name',
            'defaultDurationMinutes',
            'billingCode',
            'bufferMinutes',
            'allowedModes',
            ...(isApiError(save.error) ? Object.keys(save.error.fields).filter((k) => k.startsWith('membershipIds')) : []),
          ]}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
