import { Alert, Anchor, Button, CopyButton, Group, Modal, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { CalendarFeedCreated, Ok } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { useStepUp } from '../../app/step-up.tsx';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { keys, useCalendarFeed } from './api.ts';

interface Props {
  practiceId: string;
  membershipId: string;
  /** The member's name; none when it is the user's own feed. */
  name?: string;
}

/**
 * A clinician's calendar feed: whether there is one, making one (recent second factor; the
 * secret address is shown this once, with a copy button) and revoking it.
 */
export function CalendarFeedManager({ practiceId, membershipId, name }: Props) {
  const { t, dateTime } = useI18n();
  const qc = useQueryClient();
  const withStepUp = useStepUp();
  const status = useCalendarFeed(practiceId, membershipId);
  const [created, setCreated] = useState<{ url: string; webcalUrl: string } | null>(null);
  const base = `/practices/${practiceId}/staff/${membershipId}/calendar-feed`;
  const create = useMutation({
    mutationFn: () => withStepUp(() => api.post(base, CalendarFeedCreated)),
    onSuccess: (d) => {
      qc.setQueryData(keys.feed(practiceId, membershipId), { feed: d.feed });
      setCreated({ url: d.url, webcalUrl: d.webcalUrl });
    },
  });
  const revoke = useMutation({
    mutationFn: () => api.delete(base, Ok),
    onSuccess: () => {
      qc.setQueryData(keys.feed(practiceId, membershipId), { feed: null });
      setCreated(null);
      notifications.show({ color: 'teal', message: t('feed.revoked'), closeButtonProps: { 'aria-label': t('common.close') } });
    },
  });
  return (
    <Stack data-testid="calendar-feed">
      <Text size="sm">{name ? t('feed.explainFor', { name }) : t('feed.explain')}</Text>
      <Text size="sm" c="dimmed">
        {t('feed.privacy')}
      </Text>
      <QueryState query={status}>
        {({ feed }) => (
          <Stack>
            {created ? (
              <Alert color="teal" variant="light" title={t('feed.createdTitle')}>
                <Stack gap="xs">
                  <Text size="sm">{t('feed.shownOnce')}</Text>
                  <Group gap="xs" align="flex-end" wrap="nowrap">
                    <TextInput
                      label={t('feed.address')}
                      value={created.url}
                      readOnly
                      onFocus={(e) => e.currentTarget.select()}
                      style={{ flex: 1 }}
                      data-testid="feed-url"
                    />
                    <CopyButton value={created.url}>
                      {({ copied, copy }) => (
                        <Button color={copied ? 'teal' : undefined} onClick={copy} variant={copied ? 'filled' : 'light'}>
                          {copied ? t('feed.copied') : t('feed.copy')}
                        </Button>
                      )}
                    </CopyButton>
                  </Group>
                  <Anchor href={created.webcalUrl} size="sm">
                    {t('feed.openInApp')}
                  </Anchor>
                </Stack>
              </Alert>
            ) : null}
            {feed ? (
              <Text size="sm" data-testid="feed-status">
                {t('feed.active', { created: dateTime(feed.createdAt) })}{' '}
                {feed.lastReadAt ? t('feed.lastRead', { at: dateTime(feed.lastReadAt) }) : t('feed.neverRead')}
              </Text>
            ) : (
              <Text size="sm" c="dimmed" data-testid="feed-status">
                {t('feed.none')}
              </Text>
            )}
            <ErrorAlert error={create.error ?? revoke.error} />
            <Group>
              {feed ? (
                <>
                  <ConfirmButton
                    variant="light"
                    question={t('feed.replaceQuestion')}
                    confirmLabel={t('feed.replace')}
                    onConfirm={() => create.mutate()}
                    loading={create.isPending}
                  >
                    {t('feed.replace')}
                  </ConfirmButton>
                  <ConfirmButton
                    variant="light"
                    color="red"
                    question={t('feed.revokeQuestion')}
                    confirmLabel={t('feed.revoke')}
                    onConfirm={() => revoke.mutate()}
                    loading={revoke.isPending}
                  >
                    {t('feed.revoke')}
                  </ConfirmButton>
                </>
              ) : (
                <Button onClick={() => create.mutate()} loading={create.isPending}>
                  {t('feed.create')}
                </Button>
              )}
            </Group>
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}

/** The feed of one member, opened from the staff list. */
export function CalendarFeedModal({ onClose, ...props }: Props & { name: string; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Modal
      opened
      onClose={onClose}
      title={t('feed.titleFor', { name: props.name })}
      size="lg"
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <CalendarFeedManager {...props} />
    </Modal>
  );
}

/** The signed-in clinician's own feed. */
export function MyCalendarFeed({ practiceId, membershipId }: { practiceId: string; membershipId: string }) {
  const { t } = useI18n();
  return (
    <Paper withBorder p="lg" radius="md" maw={760}>
      <Title order={3} size="h4" mb="sm">
        {t('feed.myTitle')}
      </Title>
      <CalendarFeedManager practiceId={practiceId} membershipId={membershipId} />
    </Paper>
  );
}
