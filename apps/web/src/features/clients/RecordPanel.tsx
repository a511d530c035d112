import { Button, Group, Paper, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { DESTRUCTION_BASES, DestructionResult } from '@calmdesk/shared';
import { api, fetchBlob } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { usePractice } from '../../app/layout/PracticeLayout.tsx';
import { useStepUp } from '../../app/step-up.tsx';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { DayField } from '../../components/DayField.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { clientKeys, clientPath, formatDay, saveBlob, todayIso, toIsoDay, type ClientData } from './api.ts';

type Basis = (typeof DESTRUCTION_BASES)[number];

function Destruction({ practiceId, client }: { practiceId: string; client: ClientData }) {
  const { t, locale } = useI18n();
  const { timeZone } = usePractice();
  const qc = useQueryClient();
  const withStepUp = useStepUp();
  const [basis, setBasis] = useState<Basis>('client_request');
  const [received, setReceived] = useState(() => formatDay(todayIso(timeZone), locale));
  const [note, setNote] = useState('');
  const destroy = useMutation({
    mutationFn: () =>
      withStepUp(() =>
        api.post(`${clientPath(practiceId, client.id)}/destruction`, DestructionResult, {
          basis,
          ...(basis === 'client_request' ? { requestReceivedOn: toIsoDay(received) } : {}),
          ...(note.trim() ? { note: note.trim() } : {}),
        }),
      ),
    onSuccess: async (r) => {
      await qc.invalidateQueries({ queryKey: clientKeys.all(practiceId) });
      notifications.show({
        color: 'teal',
        autoClose: false,
        message: t('destroy.done', { notes: r.notesRemoved, docs: r.documentsRemoved, pseudonym: r.pseudonym }),
        closeButtonProps: { 'aria-label': t('common.close') },
      });
    },
  });
  return (
    <Stack gap="sm">
      <Title order={3} size="h4">
        {t('destroy.title')}
      </Title>
      <Text size="sm">{t('destroy.explain')}</Text>
      <Group align="flex-start">
        <Select
          label={t('destroy.basis')}
          value={basis}
          onChange={(v) => setBasis(DESTRUCTION_BASES.find((b) => b === v) ?? 'client_request')}
          data={DESTRUCTION_BASES.map((b) => ({ value: b, label: t(`destroyBasis.${b}`) }))}
          allowDeselect={false}
          error={fieldError(destroy.error, 'basis')}
          w={260}
        />
        {basis === 'client_request' ? (
          <DayField
            label={t('destroy.received')}
            value={received}
            onChange={setReceived}
            error={fieldError(destroy.error, 'requestReceivedOn')}
          />
        ) : null}
      </Group>
      <Textarea
        label={t('destroy.note')}
        value={note}
        onChange={(e) => setNote(e.currentTarget.value)}
        maxLength={2000}
        autosize
        minRows={2}
        maw={560}
      />
      <ErrorAlert error={destroy.error} shownFields={['basis', 'requestReceivedOn']} />
      <Group>
        <ConfirmButton
          color="red"
          question={t('destroy.question', { name: client.displayName })}
          confirmLabel={t('destroy.button')}
          onConfirm={() => destroy.mutate()}
          loading={destroy.isPending}
          disabled={client.destroyed}
        >
          {t('destroy.button')}
        </ConfirmButton>
      </Group>
    </Stack>
  );
}

/** Right-of-access export (JSON, PDF) and, for the owner, destruction of the clinical content. */
export function RecordPanel({ practiceId, client, isOwner }: { practiceId: string; client: ClientData; isOwner: boolean }) {
  const { t } = useI18n();
  const withStepUp = useStepUp();
  const exportFile = useMutation({
    mutationFn: async (ext: 'json' | 'pdf') => {
      const blob = await withStepUp(() => fetchBlob(`${clientPath(practiceId, client.id)}/export.${ext}`));
      saveBlob(blob, `${client.clientNumber}.${ext}`);
    },
    onSuccess: () =>
      notifications.show({ color: 'teal', message: t('export.done'), closeButtonProps: { 'aria-label': t('common.close') } }),
  });
  return (
    <Stack>
      <Paper withBorder p="md" radius="md">
        <Stack gap="sm">
          <Title order={3} size="h4">
            {t('export.title')}
          </Title>
          <Text size="sm">{t('export.explain')}</Text>
          <Group>
            <Button
              variant="default"
              onClick={() => exportFile.mutate('json')}
              loading={exportFile.isPending && exportFile.variables === 'json'}
            >
              {t('export.json')}
            </Button>
            <Button
              variant="default"
              onClick={() => exportFile.mutate('pdf')}
              loading={exportFile.isPending && exportFile.variables === 'pdf'}
            >
              {t('export.pdf')}
            </Button>
          </Group>
          <ErrorAlert error={exportFile.error} />
        </Stack>
      </Paper>
      {isOwner ? (
        <Paper withBorder p="md" radius="md" style={{ borderColor: 'var(--mantine-color-red-3)' }}>
          <Destruction practiceId={practiceId} client={client} />
        </Paper>
      ) : null}
    </Stack>
  );
}
