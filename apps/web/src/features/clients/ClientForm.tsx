import { Fieldset, Group, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import { BSN_VERIFICATIONS, CONSENT_KINDS, MODES } from '@calmdesk/shared';
import { isApiError } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { DayField } from '../../components/DayField.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { usePractice } from '../../app/layout/PracticeLayout.tsx';
import { formatDay, todayIso } from './api.ts';
import { FIELD_OF, type ClientDraft, type ConsentSource, type TextKey } from './client-draft.ts';

interface Props {
  draft: ClientDraft;
  onChange: (d: ClientDraft) => void;
  /** The last error of saving: its field errors appear beside the fields. */
  error: unknown;
  readOnly?: boolean;
  /** Buttons (and any warning) under the form. */
  footer: ReactNode;
  onSubmit: () => void;
}

const SOURCES: ConsentSource[] = ['verbal', 'written', 'portal', 'referral', 'other'];

/** The client's administrative data, for registering and for changing. */
export function ClientForm({ draft, onChange, error, readOnly = false, footer, onSubmit }: Props) {
  const { t, locale } = useI18n();
  const { timeZone } = usePractice();
  // Field errors by form field: `address.city` → city, `consents.shareWithGp.date` → consent.shareWithGp.date.
  const errors: Record<string, string> = {};
  if (isApiError(error)) {
    for (const [path, message] of Object.entries(error.fields)) {
      const key = FIELD_OF[path] ?? (path.startsWith('consents.') ? path.replace(/^consents\./, 'consent.') : path);
      errors[key] ??= message;
    }
  }
  // A conflict (possible duplicate) is explained by the page, not beside the fields.
  const fieldErr = (name: string) => (isApiError(error, 'conflict') && name !== 'bsn' ? undefined : errors[name]);
  const shown = new Set<string>();
  const set = <K extends keyof ClientDraft>(k: K, v: ClientDraft[K]) => onChange({ ...draft, [k]: v });
  const text = (
    name: TextKey,
    label: string,
    extra: { description?: string; required?: boolean; autoComplete?: string; inputMode?: 'numeric' | 'tel' | 'email' } = {},
  ) => {
    shown.add(name);
    return (
      <TextInput
        label={label}
        name={name}
        value={draft[name]}
        onChange={(e) => set(name, e.currentTarget.value)}
        error={fieldErr(name)}
        readOnly={readOnly}
        {...extra}
      />
    );
  };
  const dateError = fieldErr('dateOfBirth');
  shown.add('dateOfBirth');
  const formFields = [...Object.values(FIELD_OF), ...Object.keys(errors).filter((k) => k.startsWith('consent.'))];
  const fieldsShown = () => [...shown, ...formFields, 'gender', 'bsnVerification', 'preferredMode', 'channel', 'language'];
  const serverShown = () => {
    const inverse = Object.entries(FIELD_OF);
    return fieldsShown()
      .flatMap((f) => [f, ...inverse.filter(([, v]) => v === f).map(([k]) => k)])
      .concat(Object.keys(isApiError(error) ? error.fields : {}).filter((k) => k.startsWith('consents.')));
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
      noValidate
    >
      <Stack maw={920}>
        <Fieldset legend={t('client.section.person')}>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            {text('firstName', t('client.firstName'), { required: true, autoComplete: 'off' })}
            {text('namePrefix', t('client.namePrefix'), { autoComplete: 'off' })}
            {text('lastName', t('client.lastName'), { required: true, autoComplete: 'off' })}
            <DayField label={t('client.dateOfBirth')} value={draft.dateOfBirth} onChange={(v) => set('dateOfBirth', v)} error={dateError} />
            <Select
              label={t('client.gender')}
              value={draft.gender}
              onChange={(v) => set('gender', (['female', 'male', 'other', 'unknown'] as const).find((g) => g === v) ?? 'unknown')}
              data={(['female', 'male', 'other', 'unknown'] as const).map((g) => ({ value: g, label: t(`gender.${g}`) }))}
              allowDeselect={false}
              readOnly={readOnly}
              error={fieldErr('gender')}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 3 }} mt="sm">
            {text('bsn', t('client.bsn'), { description: t('client.bsnHint'), inputMode: 'numeric', autoComplete: 'off' })}
            <Select
              label={t('client.bsnVerification')}
              description=" "
              value={draft.bsnVerification}
              onChange={(v) => set('bsnVerification', BSN_VERIFICATIONS.find((x) => x === v) ?? 'none')}
              data={BSN_VERIFICATIONS.map((v) => ({ value: v, label: t(`bsnVerification.${v}`) }))}
              allowDeselect={false}
              readOnly={readOnly}
              error={fieldErr('bsnVerification')}
            />
          </SimpleGrid>
        </Fieldset>

        <Fieldset legend={t('client.section.contact')}>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {text('email', t('client.email'), { inputMode: 'email', autoComplete: 'off' })}
            {text('phone', t('client.phone'), { inputMode: 'tel', autoComplete: 'off' })}
          </SimpleGrid>
        </Fieldset>

        <Fieldset legend={t('client.section.address')}>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            {text('street', t('client.street'), { autoComplete: 'off' })}
            {text('houseNumber', t('client.houseNumber'), { autoComplete: 'off' })}
            {text('postalCode', t('client.postalCode'), { autoComplete: 'off' })}
            {text('city', t('client.city'), { autoComplete: 'off' })}
            {text('country', t('client.country'), { description: t('address.countryHint') })}
          </SimpleGrid>
        </Fieldset>

        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Fieldset legend={t('client.section.insurance')}>
            <Stack gap="sm">
              {text('insurerUzovi', t('client.uzovi'), { description: t('client.uzoviHint'), inputMode: 'numeric' })}
              {text('policyNumber', t('client.policyNumber'))}
            </Stack>
          </Fieldset>
          <Fieldset legend={t('client.section.gp')}>
            <Stack gap="sm">
              {text('gpName', t('client.gpName'))}
              {text('gpPracticeName', t('client.gpPractice'))}
              {text('gpAgbCode', t('client.gpAgb'), { description: t('profile.agbHint'), inputMode: 'numeric' })}
            </Stack>
          </Fieldset>
        </SimpleGrid>

        <Fieldset legend={t('client.section.emergency')}>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            {text('emergencyName', t('client.emergencyName'))}
            {text('emergencyRelation', t('client.emergencyRelation'))}
            {text('emergencyPhone', t('client.emergencyPhone'), { inputMode: 'tel' })}
          </SimpleGrid>
        </Fieldset>

        <Fieldset legend={t('client.section.preferences')}>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Select
              label={t('client.preferredMode')}
              value={draft.preferredMode}
              onChange={(v) => set('preferredMode', MODES.find((m) => m === v) ?? null)}
              data={MODES.map((m) => ({ value: m, label: t(`mode.${m}`) }))}
              placeholder={t('client.noPreference')}
              clearable
              readOnly={readOnly}
              error={fieldErr('preferredMode')}
            />
            <Select
              label={t('client.channel')}
              value={draft.channel}
              onChange={(v) => set('channel', (['email', 'sms', 'post', 'phone'] as const).find((c) => c === v) ?? null)}
              data={(['email', 'sms', 'post', 'phone'] as const).map((c) => ({ value: c, label: t(`channel.${c}`) }))}
              placeholder={t('client.noPreference')}
              clearable
              readOnly={readOnly}
              error={fieldErr('channel')}
            />
            <Select
              label={t('client.language')}
              value={draft.language}
              onChange={(v) => set('language', v === 'nl' || v === 'en' ? v : null)}
              data={[
                { value: 'nl', label: 'Nederlands' },
                { value: 'en', label: 'English' },
              ]}
              placeholder={t('client.noPreference')}
              clearable
              readOnly={readOnly}
              error={fieldErr('language')}
            />
          </SimpleGrid>
        </Fieldset>

        <Fieldset legend={t('client.section.consents')}>
          <Table verticalSpacing={6} layout="fixed">
            <Table.Tbody>
              {CONSENT_KINDS.map((k) => {
                const c = draft.consents[k];
                const setC = (patch: Partial<typeof c>) => {
                  const next = { ...c, ...patch };
                  // Answering for the first time fills in today as the date.
                  if (patch.answer && patch.answer !== 'unasked' && !c.date.trim()) {
                    next.date = formatDay(todayIso(timeZone), locale);
                  }
                  onChange({ ...draft, consents: { ...draft.consents, [k]: next } });
                };
                const asked = c.answer !== 'unasked';
                return (
                  <Table.Tr key={k}>
                    <Table.Td w="26%">
                      <Text size="sm" fw={600} id={`consent-${k}`}>
                        {t(`consent.${k}`)}
                      </Text>
                    </Table.Td>
                    <Table.Td w="34%">
                      <SegmentedControl
                        aria-labelledby={`consent-${k}`}
                        size="xs"
                        value={c.answer}
                        onChange={(v) => setC({ answer: v === 'yes' || v === 'no' ? v : 'unasked' })}
                        readOnly={readOnly}
                        data={[
                          { value: 'unasked', label: t('consent.notAsked') },
                          { value: 'yes', label: t('consent.yes') },
                          { value: 'no', label: t('consent.no') },
                        ]}
                      />
                    </Table.Td>
                    <Table.Td>
                      {asked ? (
                        <Group gap="xs" align="flex-start" wrap="nowrap">
                          <DayField
                            label={t('consent.date')}
                            ariaLabel={`${t('consent.date')} (${t(`consent.${k}`)})`}
                            value={c.date}
                            onChange={(v) => setC({ date: v })}
                            error={fieldErr(`consent.${k}.date`)}
                          />
                          <Select
                            label={t('consent.source')}
                            aria-label={`${t('consent.source')} (${t(`consent.${k}`)})`}
                            value={c.source}
                            onChange={(v) => setC({ source: SOURCES.find((s) => s === v) ?? 'other' })}
                            data={SOURCES.map((s) => ({ value: s, label: t(`consentSource.${s}`) }))}
                            allowDeselect={false}
                            readOnly={readOnly}
                            w={160}
                            error={fieldErr(`consent.${k}.source`)}
                          />
                        </Group>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Fieldset>

        {isApiError(error, 'conflict') ? null : <ErrorAlert error={error} shownFields={serverShown()} />}
        {footer}
      </Stack>
    </form>
  );
}
