import { ActionIcon, Button, Fieldset, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { SchedulingSettings } from '@calmdesk/shared';
import { api, isApiError } from '../../app/api.ts';
import { useT } from '../../app/i18n/index.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { keys, useSchedulingSettings, type SchedulingSettingsData } from './api.ts';

const MAX_REMINDERS = 4;
const POLICIES = ['charge', 'waive'] as const;
type Policy = (typeof POLICIES)[number];

interface Draft {
  reminderLeadHours: (number | string)[];
  videoUrlTemplate: string;
  noShowFeePolicy: Policy;
  lateCancelHours: number | string;
  lateCancelFeePolicy: Policy;
}

const toDraft = (s: SchedulingSettingsData): Draft => ({ ...s, reminderLeadHours: [...s.reminderLeadHours] });
const num = (v: number | string) => (typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v));

/** Only what changed, so an untouched field never blocks saving another. */
function changes(d: Draft, s: SchedulingSettingsData) {
  const hours = d.reminderLeadHours.map(num);
  const body: Record<string, unknown> = {};
  if (JSON.stringify(hours) !== JSON.stringify(s.reminderLeadHours)) body.reminderLeadHours = hours;
  if (d.videoUrlTemplate.trim() !== s.videoUrlTemplate) body.videoUrlTemplate = d.videoUrlTemplate.trim();
  if (d.noShowFeePolicy !== s.noShowFeePolicy) body.noShowFeePolicy = d.noShowFeePolicy;
  if (num(d.lateCancelHours) !== s.lateCancelHours) body.lateCancelHours = num(d.lateCancelHours);
  if (d.lateCancelFeePolicy !== s.lateCancelFeePolicy) body.lateCancelFeePolicy = d.lateCancelFeePolicy;
  return body;
}

function Form({ practiceId, settings, canEdit }: { practiceId: string; settings: SchedulingSettingsData; canEdit: boolean }) {
  const t = useT();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => toDraft(settings));
  const saved = (s: SchedulingSettingsData) => {
    qc.setQueryData(keys.schedulingSettings(practiceId), s);
    setDraft(toDraft(s));
    notifications.show({ color: 'teal', message: t('common.saved'), closeButtonProps: { 'aria-label': t('common.close') } });
  };
  const save = useMutation({
    mutationFn: async () => {
      const body = changes(draft, settings);
      return Object.keys(body).length ? api.patch(`/practices/${practiceId}/scheduling-settings`, SchedulingSettings, body) : settings;
    },
    onSuccess: saved,
  });
  const hoursError = (i: number) => fieldError(save.error, `reminderLeadHours.${i}`);
  const listError = fieldError(save.error, 'reminderLeadHours');
  const shown = [
    'reminderLeadHours',
    ...draft.reminderLeadHours.map((_, i) => `reminderLeadHours.${i}`),
    'videoUrlTemplate',
    'noShowFeePolicy',
    'lateCancelHours',
    'lateCancelFeePolicy',
  ];
  const policyData = POLICIES.map((p) => ({ value: p, label: t(`schedSettings.policy.${p}`) }));
  const setHours = (i: number, v: number | string) =>
    setDraft({ ...draft, reminderLeadHours: draft.reminderLeadHours.map((h, j) => (j === i ? v : h)) });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
      data-testid="scheduling-settings-form"
    >
      <Stack maw={760}>
        <Fieldset legend={t('schedSettings.reminders')}>
          <Stack gap="xs">
            <Text size="sm" c="dimmed">
              {t('schedSettings.remindersHint')}
            </Text>
            {draft.reminderLeadHours.length === 0 ? (
              <Text size="sm" data-testid="no-reminders">
                {t('schedSettings.noReminders')}
              </Text>
            ) : null}
            {draft.reminderLeadHours.map((h, i) => (
              <Group key={i} gap="xs" align="flex-start" wrap="nowrap">
                <NumberInput
                  label={t('schedSettings.reminderN', { n: i + 1 })}
                  value={h}
                  onChange={(v) => setHours(i, v)}
                  min={1}
                  max={336}
                  allowDecimal={false}
                  readOnly={!canEdit}
                  rightSection={
                    <Text size="xs" c="dimmed" pr="xs">
                      {t('schedSettings.hoursUnit')}
                    </Text>
                  }
                  rightSectionWidth={90}
                  error={hoursError(i)}
                  w={240}
                />
                {canEdit ? (
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    mt={28}
                    aria-label={t('schedSettings.removeReminder', { n: i + 1 })}
                    onClick={() => setDraft({ ...draft, reminderLeadHours: draft.reminderLeadHours.filter((_, j) => j !== i) })}
                  >
                    ×
                  </ActionIcon>
                ) : null}
              </Group>
            ))}
            {listError ? (
              <Text size="sm" c="red.8" role="alert">
                {listError}
              </Text>
            ) : null}
            {canEdit && draft.reminderLeadHours.length < MAX_REMINDERS ? (
              <Group>
                <Button
                  variant="light"
                  size="xs"
                  onClick={() => setDraft({ ...draft, reminderLeadHours: [...draft.reminderLeadHours, 24] })}
                >
                  {t('schedSettings.addReminder')}
                </Button>
              </Group>
            ) : null}
          </Stack>
        </Fieldset>
        <TextInput
          label={t('schedSettings.videoUrl')}
          description={t('schedSettings.videoUrlHint')}
          value={draft.videoUrlTemplate}
          onChange={(e) => setDraft({ ...draft, videoUrlTemplate: e.currentTarget.value })}
          readOnly={!canEdit}
          error={fieldError(save.error, 'videoUrlTemplate')}
          inputMode="url"
        />
        <Fieldset legend={t('schedSettings.fees')}>
          <SimpleGrid cols={{ base: 1, sm: 2 }} mb="sm">
            <Select
              label={t('schedSettings.noShowFee')}
              description={t('schedSettings.noShowFeeHint')}
              value={draft.noShowFeePolicy}
              onChange={(v) => setDraft({ ...draft, noShowFeePolicy: v === 'waive' ? 'waive' : 'charge' })}
              data={policyData}
              allowDeselect={false}
              readOnly={!canEdit}
              error={fieldError(save.error, 'noShowFeePolicy')}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NumberInput
              label={t('schedSettings.lateCancelHours')}
              description={t('schedSettings.lateCancelHint')}
              value={draft.lateCancelHours}
              onChange={(v) => setDraft({ ...draft, lateCancelHours: v })}
              min={0}
              max={168}
              allowDecimal={false}
              readOnly={!canEdit}
              error={fieldError(save.error, 'lateCancelHours')}
            />
            <Select
              label={t('schedSettings.lateCancelFee')}
              description={t('schedSettings.lateCancelFeeHint')}
              value={draft.lateCancelFeePolicy}
              onChange={(v) => setDraft({ ...draft, lateCancelFeePolicy: v === 'waive' ? 'waive' : 'charge' })}
              data={policyData}
              allowDeselect={false}
              readOnly={!canEdit}
              error={fieldError(save.error, 'lateCancelFeePolicy')}
            />
          </SimpleGrid>
        </Fieldset>
        <ErrorAlert
          error={save.error}
          shownFields={
            isApiError(save.error) ? [...shown, ...Object.keys(save.error.fields).filter((k) => k.startsWith('reminderLeadHours'))] : shown
          }
        />
        {canEdit ? (
          <Group>
            <Button type="submit" loading={save.isPending}>
              {t('common.save')}
            </Button>
            <Button
              variant="default"
              onClick={() => {
                save.reset();
                setDraft(toDraft(settings));
              }}
              disabled={save.isPending}
            >
              {t('common.reset')}
            </Button>
          </Group>
        ) : null}
      </Stack>
    </form>
  );
}

/** Reminder lead times, the video provider's address and the no-show / late-cancellation policy. */
export function SchedulingSettingsPanel({ practiceId, canEdit }: { practiceId: string; canEdit: boolean }) {
  const settings = useSchedulingSettings(practiceId);
  return (
    <Paper withBorder p="lg" radius="md">
      <QueryState query={settings}>{(s) => <Form practiceId={practiceId} settings={s} canEdit={canEdit} />}</QueryState>
    </Paper>
  );
}
