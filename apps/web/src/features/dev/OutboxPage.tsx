import { Alert, Anchor, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Fragment, useEffect } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { z } from 'zod';
import { api, isApiError } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { QueryState } from '../../components/QueryState.tsx';

const Outbox = z.object({
  items: z.array(
    z.object({ id: z.string(), to: z.string(), subject: z.string(), text: z.string(), status: z.string(), createdAt: z.string() }),
  ),
});

const LINK = /(https?:\/\/[^\s]+)/g;

/** Links to this app become in-app links, so a reset or invitation can be followed here. */
function MailText({ text }: { text: string }) {
  const parts = text.split(LINK);
  return (
    <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
      {parts.map((p, i) => {
        if (i % 2 === 0) return <Fragment key={i}>{p}</Fragment>;
        const url = new URL(p);
        const local = url.origin === window.location.origin || url.hostname === 'localhost' || url.hostname === '127.0.0.1';
        return local ? (
          <Anchor key={i} component={Link} to={url.pathname + url.search}>
            {p}
          </Anchor>
        ) : (
          <Anchor key={i} href={p} rel="noreferrer">
            {p}
          </Anchor>
        );
      })}
    </Text>
  );
}

const KEY_STORAGE = 'calmdesk.devOutboxKey';

/**
 * The mailbox's key: from the link printed at start (`/dev/outbox#key=…`; a fragment never
 * reaches a server, a log or a Referer), then kept for this tab so links followed from a mail
 * can come back. The fragment is removed from the address bar and history.
 */
function useOutboxKey(): string | null {
  const location = useLocation();
  const navigate = useNavigate();
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('key');
  useEffect(() => {
    if (!fromLink) return;
    sessionStorage.setItem(KEY_STORAGE, fromLink);
    void navigate(location.pathname, { replace: true });
  }, [fromLink, location.pathname, navigate]);
  return fromLink ?? sessionStorage.getItem(KEY_STORAGE);
}

/** Development only: e-mails the server would have sent (no SMTP configured), for whoever started it. */
export function OutboxPage() {
  const { t, dateTime } = useI18n();
  const key = useOutboxKey();
  const outbox = useQuery({
    queryKey: ['dev', 'outbox', key],
    queryFn: () => api.get('/dev/outbox', Outbox, { 'X-Calmdesk-Outbox-Key': key ?? '' }),
    enabled: key !== null,
    retry: false,
  });
  // Without the right key the mailbox answers like a page that does not exist.
  if (key === null || isApiError(outbox.error, 'not_found')) {
    return (
      <Stack>
        <Title order={2}>{t('outbox.title')}</Title>
        <Alert color="gray" variant="light" role="status">
          {t('outbox.needKey')}
        </Alert>
        <Anchor component={Link} to="/login" size="sm">
          {t('common.backToLogin')}
        </Anchor>
      </Stack>
    );
  }
  return (
    <Stack>
      <Title order={2}>{t('outbox.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('outbox.explain')}
      </Text>
      <Group>
        <Button size="xs" variant="default" onClick={() => void outbox.refetch()} disabled={outbox.isFetching}>
          {t('common.refresh')}
        </Button>
      </Group>
      <QueryState query={outbox} isEmpty={(d) => d.items.length === 0} empty={t('outbox.empty')}>
        {(d) => (
          <Stack>
            {d.items.map((m) => (
              <Paper key={m.id} withBorder p="sm" radius="sm" component="article">
                <Group justify="space-between" mb={4}>
                  <Text fw={600} size="sm">
                    {m.subject}
                  </Text>
                  <Badge variant="light" size="sm">
                    {m.status}
                  </Badge>
                </Group>
                <Text size="xs" c="dimmed" mb={6}>
                  {t('outbox.to', { to: m.to })} · {dateTime(m.createdAt)}
                </Text>
                <MailText text={m.text} />
              </Paper>
            ))}
          </Stack>
        )}
      </QueryState>
      <Anchor component={Link} to="/login" size="sm">
        {t('common.backToLogin')}
      </Anchor>
    </Stack>
  );
}
