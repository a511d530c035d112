import { Alert, Badge, Button, Card, Group, Paper, SegmentedControl, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Note, NOTE_MAX_CHARS, NoteRelease } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { usePractice } from '../../app/layout/PracticeLayout.tsx';
import { DayField } from '../../components/DayField.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { clientKeys, clientPath, formatDay, todayIso, toIsoDay, useNotes, type NoteData } from './api.ts';

/** Changed after it was written: a new note has both times equal (one database default). */
const wasEdited = (n: NoteData) => Date.parse(n.updatedAt) > Date.parse(n.createdAt);

/** Writes a new note, or changes `note` (the author's own). */
function NoteForm({ practiceId, clientId, note, onDone }: { practiceId: string; clientId: string; note?: NoteData; onDone?: () => void }) {
  const { t, locale } = useI18n();
  const { timeZone } = usePractice();
  const qc = useQueryClient();
  const [kind, setKind] = useState<'session' | 'free'>(note?.kind ?? 'session');
  const [date, setDate] = useState(() => formatDay(note?.sessionDate ?? todayIso(timeZone), locale));
  const [body, setBody] = useState(note?.body ?? '');
  const save = useMutation({
    mutationFn: () => {
      const fields = { kind, sessionDate: kind === 'session' ? toIsoDay(date) : null, body };
      return note
        ? api.patch(`${clientPath(practiceId, clientId)}/notes/${note.id}`, Note, fields)
        : api.post(`${clientPath(practiceId, clientId)}/notes`, Note, fields);
    },
    onSuccess: async () => {
      if (!note) setBody('');
      await qc.invalidateQueries({ queryKey: clientKeys.notes(practiceId, clientId) });
      await qc.invalidateQueries({ queryKey: clientKeys.history(practiceId, clientId) });
      notifications.show({
        color: 'teal',
        message: t(note ? 'notes.updated' : 'notes.saved'),
        closeButtonProps: { 'aria-label': t('common.close') },
      });
      onDone?.();
    },
  });
  const kindId = `note-kind-${note?.id ?? 'new'}`;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Stack gap="sm">
        <Title order={3} size="h5">
          {note ? t('notes.editTitle') : t('notes.write')}
        </Title>
        <Group align="flex-end">
          <Stack gap={4}>
            <Text size="sm" fw={500} id={kindId}>
              {t('notes.kind')}
            </Text>
            <SegmentedControl
              aria-labelledby={kindId}
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
            {note ? t('common.save') : t('notes.save')}
          </Button>
          {onDone ? (
            <Button variant="default" onClick={onDone} disabled={save.isPending}>
              {t('common.cancel')}
            </Button>
          ) : null}
        </Group>
      </Stack>
    </form>
  );
}

/**
 * The author's review of an own note for the client's right-of-access request: release it, or
 * keep it out with the reason the client will read. Shows where the review stands.
 */
function AccessReview({ practiceId, clientId, note }: { practiceId: string; clientId: string; note: NoteData }) {
  const { t, dateTime } = useI18n();
  const qc = useQueryClient();
  const [withholding, setWithholding] = useState(false);
  const [reason, setReason] = useState('');
  const base = `${clientPath(practiceId, clientId)}/notes/${note.id}`;
  const done = async (message: string) => {
    setWithholding(false);
    setReason('');
    await qc.invalidateQueries({ queryKey: clientKeys.notes(practiceId, clientId) });
    notifications.show({ color: 'teal', message, closeButtonProps: { 'aria-label': t('common.close') } });
  };
  const release = useMutation({
    mutationFn: () => api.post(`${base}/release`, NoteRelease, {}),
    onSuccess: () => done(t('notes.review.releasedDone')),
  });
  const withhold = useMutation({
    mutationFn: () => api.post(`${base}/withhold`, Note, { reason }),
    onSuccess: () => done(t('notes.review.withheldDone')),
  });
  const review = note.accessReview;
  return (
    <Stack gap={6} mt="sm" data-testid="note-review">
      <Group gap="sm" wrap="wrap">
        <Text size="xs" fw={600}>
          {t('notes.review.title')}
        </Text>
        {review ? (
          <Badge color={review.state === 'released' ? 'teal.9' : 'gray.8'} variant="filled" size="sm">
            {t(review.state === 'released' ? 'notes.review.released' : 'notes.review.withheld', { date: dateTime(review.at) })}
          </Badge>
        ) : (
          <Text size="xs" c="dimmed">
            {t('notes.review.none')}
          </Text>
        )}
        {review?.state !== 'released' ? (
          <Button size="compact-xs" variant="default" onClick={() => release.mutate()} loading={release.isPending}>
            {t('notes.review.release')}
          </Button>
        ) : null}
        {!withholding ? (
          <Button size="compact-xs" variant="default" onClick={() => setWithholding(true)}>
            {t(review?.state === 'withheld' ? 'notes.review.changeReason' : 'notes.review.withhold')}
          </Button>
        ) : null}
      </Group>
      {review?.state === 'withheld' && review.reason ? (
        <Text size="xs">{t('notes.review.reasonShown', { reason: review.reason })}</Text>
      ) : null}
      {withholding ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            withhold.mutate();
          }}
        >
          <Stack gap={6}>
            <Textarea
              label={t('notes.review.reason')}
              description={t('notes.review.reasonHelp')}
              required
              autosize
              minRows={2}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={fieldError(withhold.error, 'body.reason')}
            />
            <Group gap="sm">
              <Button type="submit" size="xs" loading={withhold.isPending}>
                {t('notes.review.withholdConfirm')}
              </Button>
              <Button size="xs" variant="default" onClick={() => setWithholding(false)}>
                {t('common.cancel')}
              </Button>
            </Group>
          </Stack>
        </form>
      ) : null}
      <ErrorAlert error={release.error ?? (fieldError(withhold.error, 'body.reason') ? null : withhold.error)} />
    </Stack>
  );
}

/** The calling clinician's notes on this client (and co-clinicians' where the practice allows). */
export function NotesPanel({ practiceId, clientId, canWrite }: { practiceId: string; clientId: string; canWrite: boolean }) {
  const { t, locale, dateTime } = useI18n();
  const notes = useNotes(practiceId, clientId);
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <Stack>
      <Alert variant="light" color="blue">
        {t('notes.private')} {notes.data?.sharedWithCoClinicians ? t('notes.shared') : null}
      </Alert>
      {canWrite ? (
        <Paper withBorder p="md" radius="md">
          <NoteForm practiceId={practiceId} clientId={clientId} />
        </Paper>
      ) : null}
      <QueryState query={notes} isEmpty={(d) => d.items.length === 0} empty={t('notes.empty')}>
        {(d) => (
          <Stack gap="sm">
            {d.items.map((n) =>
              editing === n.id ? (
                <Paper key={n.id} withBorder p="md" radius="md">
                  <NoteForm practiceId={practiceId} clientId={clientId} note={n} onDone={() => setEditing(null)} />
                </Paper>
              ) : (
                <Card key={n.id} withBorder radius="md" padding="md" data-testid="note">
                  <Group justify="space-between" mb={4} wrap="wrap">
                    <Text fw={600} size="sm">
                      {n.kind === 'session' && n.sessionDate
                        ? t('notes.sessionOf', { date: formatDay(n.sessionDate, locale) })
                        : t('noteKind.free')}
                    </Text>
                    <Group gap="sm">
                      <Text size="xs" c="dimmed">
                        {t('notes.byline', { name: n.authorName, date: dateTime(n.createdAt) })}
                        {wasEdited(n) ? ` · ${t('notes.edited', { date: dateTime(n.updatedAt) })}` : null}
                      </Text>
                      {n.own && canWrite ? (
                        <Button
                          size="compact-xs"
                          variant="default"
                          onClick={() => setEditing(n.id)}
                          aria-label={t('notes.editOf', { date: dateTime(n.createdAt) })}
                        >
                          {t('common.edit')}
                        </Button>
                      ) : null}
                    </Group>
                  </Group>
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                    {n.body}
                  </Text>
                  {n.own && canWrite ? <AccessReview practiceId={practiceId} clientId={clientId} note={n} /> : null}
                </Card>
              ),
            )}
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
