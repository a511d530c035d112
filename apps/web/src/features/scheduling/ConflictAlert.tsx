import { Alert, Button, CloseButton, Group, List, Stack, Text, TextInput } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { isApiError } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { isOutsideHours } from './api.ts';
import { refusalText } from './refusals.ts';

interface Props {
  error: unknown;
  title: string;
  /** Shown for a refusal outside working hours: asks a reason and calls back with it. */
  onOverride?: ((reason: string) => void) | undefined;
  overrideLabel?: string;
  busy?: boolean;
  onClose?: () => void;
  children?: ReactNode;
}

/**
 * A refusal of a time (taken, or outside working hours) with the server's own words, which
 * name who or what is taken and which session. Outside working hours, the user may go ahead
 * with a reason, which the server keeps and logs. Any other error is shown the usual way.
 */
export function ConflictAlert({ error, title, onOverride, overrideLabel, busy, onClose, children }: Props) {
  const { t, locale } = useI18n();
  const [reason, setReason] = useState('');
  if (!error) return null;
  const outside = isOutsideHours(error);
  if (!outside && !isApiError(error, 'conflict')) return <ErrorAlert error={error} title={title} />;
  // The field messages are the plain sentences ("Joris Bakker already has an appointment then");
  // the top message repeats them behind an API path, so it is shown only when there are none.
  // In the user's language where the server gave the sentences, else its English words.
  const lines =
    error.fieldList.length > 0
      ? error.fieldList.flatMap((f) => {
          const said = f.sentences.map((x) => refusalText(x, locale));
          return f.sentences.length > 0 && said.every(Boolean) ? said : f.message.split('; ');
        })
      : error.message.split('; ');
  const shown = lines.slice(0, 6);
  return (
    <Alert color="red" variant="light" role="alert" data-testid="conflict-alert">
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Text fw={700} size="sm">
            {outside ? t('agenda.outsideHoursTitle') : title}
          </Text>
          {onClose ? <CloseButton size="sm" onClick={onClose} aria-label={t('common.close')} /> : null}
        </Group>
        {shown.length === 1 ? (
          <Text size="sm" data-testid="conflict-message">
            {shown[0]}
          </Text>
        ) : (
          <List size="sm" data-testid="conflict-message">
            {shown.map((d) => (
              <List.Item key={d}>{d}</List.Item>
            ))}
            {lines.length > shown.length ? <List.Item>{t('agenda.moreProblems', { n: lines.length - shown.length })}</List.Item> : null}
          </List>
        )}
        {outside && onOverride ? (
          <Group align="flex-end" wrap="wrap">
            <TextInput
              label={t('agenda.overrideReason')}
              description={t('agenda.overrideReasonHint')}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              w={{ base: '100%', sm: 320 }}
            />
            <Button loading={busy} disabled={reason.trim().length < 3} onClick={() => onOverride(reason.trim())}>
              {overrideLabel ?? t('agenda.bookAnyway')}
            </Button>
          </Group>
        ) : null}
        {children}
      </Stack>
    </Alert>
  );
}
