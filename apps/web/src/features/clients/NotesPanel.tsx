import { Alert, Button, Card, Group, Paper, SegmentedControl, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Note, NOTE_MAX_CHARS } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { DayField } from '../../components/DayField.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { clientKeys, clientPath, formatDay, todayIso, toIsoDay, useNotes } from './api.ts';

function WriteNote({ practiceId, clientId }: { practiceId: string; clientId: string }) {
  const { t, locale } = useI18n();
  const qc = useQueryClient();
  const [kind, setKind] = useState<'session' | 'free'>('session');
  const [date, setDate] = useState(() => formatDay(todayIso(), locale));
  const [body, setBody] = useState('');
  const save = useMutation({
    mutationFn: () =>
      api.post(`${clientPath(practiceId, clientId)}/notes`, Note, {
        kind,
        sessionDate: kind === 'session' ? toIsoDay(date) : null,
        body,
      }),
    onSuccess: async () => {
      setBody('');
      await qc.invalidateQueries({ queryKey: clientKeys.notes(practiceId, clientId) });
      notifications.show({ color: 'teal', message: t('notes.saved'), closeButtonProps: { 'aria-label': t('common.close') } });
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Stack gap="sm">
        <Title order={3} size="h5">
          {t('notes.write')}
        </Title>
        <Group align="flex-end">
          <Stack gap={4}>
            <Text size="sm" fw={500} id="note-kind">
              {t('notes.kind')}
            </Text>
            <SegmentedControl
              aria-labelledby="note-kind"
              value={kind}
              onChange={(v) => setKind(v === 'free' ? 'free' : 'session')}
              data={[
                { value: 'session', label: t('noteKind.session') },
                { value: 'free', label: t('noteKind.free') },
              ]}
            />
          </Stack>
          {kind === 'session' ? (
            <DayField label={t('notes.sessionDate')} value={date} onChange={setDate} error={fieldError(save.error, 'sessionDate')} />
          ) : null}
        </Group>
        <Textarea
          label={t('notes.text')}
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          autosize
          minRows={4}
          maxRows={16}
          maxLength={NOTE_MAX_CHARS}
          error={fieldError(save.error, 'body')}
          required
        />
        <ErrorAlert error={save.error} shownFields={['kind', 'sessionDate', 'body']} />
        <Group>
          <Button type="submit" loading={save.isPending} disabled={!body.trim()}>
            {t('notes.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The calling clinician's notes on this client (and co-clinicians' where the practice allows). */
export function NotesPanel({ practiceId, clientId, canWrite }: { practiceId: string; clientId: string; canWrite: boolean }) {
  const { t, locale, dateTime } = useI18n();
  const notes = useNotes(practiceId, clientId);
  return (
    <Stack>
      <Alert variant="light" color="blue">
        {t('notes.private')} {notes.data?.sharedWithCoClinicians ? t('notes.shared') : null}
      </Alert>
      {canWrite ? (
        <Paper withBorder p="md" radius="md">
          <WriteNote practiceId={practiceId} clientId={clientId} />
        </Paper>
      ) : null}
      <QueryState query={notes} isEmpty={(d) => d.items.length === 0} empty={t('notes.empty')}>
        {(d) => (
          <Stack gap="sm">
            {d.items.map((n) => (
              <Card key={n.id} withBorder radius="md" padding="md">
                <Group justify="space-between" mb={4}>
                  <Text fw={600} size="sm">
                    {n.kind === 'session' && n.sessionDate
                      ? t('notes.sessionOf', { date: formatDay(n.sessionDate, locale) })
                      : t('noteKind.free')}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {t('notes.byline', { name: n.authorName, date: dateTime(n.createdAt) })}
                  </Text>
                </Group>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {n.body}
                </Text>
              </Card>
            ))}
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
