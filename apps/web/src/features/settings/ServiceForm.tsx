import { Button, Checkbox, Group, NumberInput, Stack, Switch, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { MODES, Service, type Mode } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useT } from '../../app/i18n/index.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { keys, orNull, type ServiceItem } from './api.ts';

interface Props {
  practiceId: string;
  /** The service to edit; none to add a new one. */
  service?: ServiceItem;
  onDone: () => void;
}

/** Adds or edits a service: name, default duration, allowed modes, billing code. */
export function ServiceForm({ practiceId, service, onDone }: Props) {
  const t = useT();
  const qc = useQueryClient();
  const [name, setName] = useState(service?.name ?? '');
  const [duration, setDuration] = useState<number | string>(service?.defaultDurationMinutes ?? 45);
  const [modes, setModes] = useState<Mode[]>(service?.allowedModes ?? ['in_person', 'video']);
  const [billingCode, setBillingCode] = useState(service?.billingCode ?? '');
  const [active, setActive] = useState(service?.active ?? true);
  const save = useMutation({
    mutationFn: () => {
      const body = {
        name,
        defaultDurationMinutes: typeof duration === 'number' ? duration : Number(duration),
        allowedModes: modes,
        billingCode: orNull(billingCode)?.toUpperCase() ?? null,
        active,
      };
      return service
        ? api.patch(`/practices/${practiceId}/services/${service.id}`, Service, body)
        : api.post(`/practices/${practiceId}/services`, Service, body);
    },
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: keys.services(practiceId) });
      onDone();
    },
  });
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
        <Switch label={t('common.active')} checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
        <ErrorAlert error={save.error} shownFields={['name', 'defaultDurationMinutes', 'billingCode', 'allowedModes']} />
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
