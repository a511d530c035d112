import { Button, Group, Select, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useT } from '../../app/i18n/index.tsx';
import { nextDay, parseDay, startOfDay } from '../../app/time.ts';
import { DayField } from '../../components/DayField.tsx';
import type { Staff } from '../settings/api.ts';

export interface AuditFilter {
  userId?: string;
  clientId?: string;
  from?: string;
  to?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Props {
  staff: Staff[];
  timeZone: string;
  onApply: (filter: AuditFilter) => void;
  fieldErrors: Record<string, string>;
}

/** Who, which client, which period (days in the practice's time zone, both ends included). */
export function AccessLogFilters({ staff, timeZone, onApply, fieldErrors }: Props) {
  const t = useT();
  const [userId, setUserId] = useState<string | null>(null);
  const [clientId, setClientId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const clientInvalid = clientId.trim() !== '' && !UUID.test(clientId.trim());
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const f = parseDay(from);
    const tDay = parseDay(to);
    if (clientInvalid || (from.trim() && !f) || (to.trim() && !tDay)) return;
    onApply({
      userId: userId ?? undefined,
      clientId: clientId.trim() || undefined,
      from: f ? startOfDay(f, timeZone) : undefined,
      to: tDay ? startOfDay(nextDay(tDay), timeZone) : undefined,
    });
  };
  return (
    <form onSubmit={submit} aria-label={t('audit.filters')}>
      <Group align="flex-start" gap="sm">
        <Select
          label={t('audit.user')}
          placeholder={t('audit.anyone')}
          value={userId}
          onChange={setUserId}
          data={staff.map((s) => ({ value: s.userId, label: s.name }))}
          clearable
          searchable
          w={220}
          error={fieldErrors.userId}
        />
        <TextInput
          label={t('audit.clientId')}
          value={clientId}
          onChange={(e) => setClientId(e.currentTarget.value)}
          error={clientInvalid ? t('audit.clientIdInvalid') : fieldErrors.clientId}
          w={320}
          styles={{ input: { fontFamily: 'monospace' } }}
        />
        <DayField label={t('audit.from')} value={from} onChange={setFrom} error={fieldErrors.from} />
        <DayField label={t('audit.to')} value={to} onChange={setTo} error={fieldErrors.to} />
        <Button type="submit" mt={25}>
          {t('audit.apply')}
        </Button>
      </Group>
    </form>
  );
}
