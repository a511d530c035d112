import { Button, Fieldset, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { PracticeProfile } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useT } from '../../app/i18n/index.tsx';
import { ME_KEY } from '../../app/session.ts';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { keys, orNull, useProfile, type Profile } from './api.ts';

type Draft = Record<
  | 'name'
  | 'legalName'
  | 'agbCode'
  | 'kvkNumber'
  | 'street'
  | 'postalCode'
  | 'city'
  | 'country'
  | 'iban'
  | 'vatStatus'
  | 'timeZone'
  | 'locale'
  | 'currency'
  | 'contactPhone'
  | 'contactEmail',
  string
>;

function toDraft(p: Profile): Draft {
  return {
    name: p.name,
    legalName: p.legalName,
    agbCode: p.agbCode ?? '',
    kvkNumber: p.kvkNumber ?? '',
    street: p.address?.street ?? '',
    postalCode: p.address?.postalCode ?? '',
    city: p.address?.city ?? '',
    country: p.address?.country ?? 'NL',
    iban: p.iban ?? '',
    vatStatus: p.vatStatus,
    timeZone: p.timeZone,
    locale: p.locale,
    currency: p.currency,
    contactPhone: p.contactPhone ?? '',
    contactEmail: p.contactEmail ?? '',
  };
}

function toBody(d: Draft) {
  const hasAddress = [d.street, d.postalCode, d.city].some((s) => s.trim() !== '');
  return {
    name: d.name,
    legalName: d.legalName,
    agbCode: orNull(d.agbCode),
    kvkNumber: orNull(d.kvkNumber),
    address: hasAddress ? { street: d.street, postalCode: d.postalCode, city: d.city, country: d.country.trim().toUpperCase() } : null,
    iban: orNull(d.iban),
    vatStatus: d.vatStatus,
    timeZone: d.timeZone,
    locale: d.locale,
    currency: d.currency.trim().toUpperCase(),
    contactPhone: orNull(d.contactPhone),
    contactEmail: orNull(d.contactEmail),
  };
}

const ZONES: string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['Europe/Amsterdam'];

function Form({ practiceId, profile, canEdit }: { practiceId: string; profile: Profile; canEdit: boolean }) {
  const t = useT();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => toDraft(profile));
  const save = useMutation({
    mutationFn: () => api.patch(`/practices/${practiceId}`, PracticeProfile, toBody(draft)),
    onSuccess: async (p) => {
      qc.setQueryData(keys.profile(practiceId), p);
      setDraft(toDraft(p));
      await qc.invalidateQueries({ queryKey: ME_KEY });
      notifications.show({ color: 'teal', message: t('common.saved'), closeButtonProps: { 'aria-label': t('common.close') } });
    },
  });
  const text = (
    name: keyof Draft,
    label: string,
    extra: { description?: string; required?: boolean; autoComplete?: string; inputMode?: 'tel' | 'email' } = {},
  ) => (
    <TextInput
      label={label}
      name={name}
      value={draft[name]}
      onChange={(e) => setDraft({ ...draft, [name]: e.currentTarget.value })}
      error={fieldError(save.error, name) ?? fieldError(save.error, `address.${name}`)}
      readOnly={!canEdit}
      {...extra}
    />
  );
  const shown = [
    'name',
    'legalName',
    'agbCode',
    'kvkNumber',
    'iban',
    'vatStatus',
    'timeZone',
    'locale',
    'currency',
    'contactPhone',
    'contactEmail',
  ];
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Stack maw={760}>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {text('name', t('profile.name'), { required: true })}
          {text('legalName', t('profile.legalName'), { required: true })}
          {text('agbCode', t('profile.agbCode'), { description: t('profile.agbHint') })}
          {text('kvkNumber', t('profile.kvkNumber'), { description: t('profile.kvkHint') })}
        </SimpleGrid>
        <Fieldset legend={t('profile.address')}>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {text('street', t('address.street'), { autoComplete: 'street-address' })}
            {text('postalCode', t('address.postalCode'), { autoComplete: 'postal-code' })}
            {text('city', t('address.city'), { autoComplete: 'address-level2' })}
            {text('country', t('address.country'), { description: t('address.countryHint') })}
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend={t('profile.contact')}>
          <Text size="sm" c="dimmed" mb="xs">
            {t('profile.contactHint')}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {text('contactPhone', t('profile.contactPhone'), {
              inputMode: 'tel',
              autoComplete: 'tel',
              description: t('profile.contactPhoneHint'),
            })}
            {text('contactEmail', t('profile.contactEmail'), { inputMode: 'email', autoComplete: 'email' })}
          </SimpleGrid>
        </Fieldset>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {text('iban', t('profile.iban'))}
          <Select
            label={t('profile.vatStatus')}
            value={draft.vatStatus}
            onChange={(v) => setDraft({ ...draft, vatStatus: v ?? 'exempt' })}
            data={(['exempt', 'liable', 'mixed'] as const).map((v) => ({ value: v, label: t(`vat.${v}`) }))}
            allowDeselect={false}
            readOnly={!canEdit}
            error={fieldError(save.error, 'vatStatus')}
          />
          <Select
            label={t('profile.timeZone')}
            value={draft.timeZone}
            onChange={(v) => setDraft({ ...draft, timeZone: v ?? draft.timeZone })}
            data={ZONES.includes(draft.timeZone) ? ZONES : [draft.timeZone, ...ZONES]}
            searchable
            allowDeselect={false}
            readOnly={!canEdit}
            error={fieldError(save.error, 'timeZone')}
          />
          <Select
            label={t('profile.locale')}
            value={draft.locale}
            onChange={(v) => setDraft({ ...draft, locale: v ?? 'nl' })}
            data={[
              { value: 'nl', label: 'Nederlands' },
              { value: 'en', label: 'English' },
            ]}
            allowDeselect={false}
            readOnly={!canEdit}
            error={fieldError(save.error, 'locale')}
          />
          {text('currency', t('profile.currency'))}
        </SimpleGrid>
        <ErrorAlert
          error={save.error}
          shownFields={[...shown, 'address.street', 'address.postalCode', 'address.city', 'address.country']}
        />
        {canEdit ? (
          <Group>
            <Button type="submit" loading={save.isPending}>
              {t('common.save')}
            </Button>
            <Button variant="default" onClick={() => setDraft(toDraft(profile))} disabled={save.isPending}>
              {t('common.reset')}
            </Button>
          </Group>
        ) : null}
      </Stack>
    </form>
  );
}

/** The practice profile (name, legal and billing data, address, zone, language). */
export function ProfileForm({ practiceId, canEdit }: { practiceId: string; canEdit: boolean }) {
  const profile = useProfile(practiceId);
  return (
    <Paper withBorder p="lg" radius="md">
      <QueryState query={profile}>{(p) => <Form practiceId={practiceId} profile={p} canEdit={canEdit} />}</QueryState>
    </Paper>
  );
}
