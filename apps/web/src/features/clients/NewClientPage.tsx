import { Alert, Anchor, Button, Group, List, Paper, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Client, ClientSearchResult } from '@calmdesk/shared';
import { api, isApiError, query, type ApiError } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { usePractice } from '../../app/layout/PracticeLayout.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { clientKeys, formatDay } from './api.ts';
import { bodyOf, emptyDraft, type ClientDraft } from './client-draft.ts';
import { ClientForm } from './ClientForm.tsx';
import { StatusBadge } from './StatusBadge.tsx';

interface Match {
  number: string;
  matchedOn: 'bsn' | 'name';
  message: string;
}

/** The possible duplicates a 409 answer names (`possible duplicate of Name (C-000012)`). */
function matchesOf(error: ApiError): Match[] {
  return error.fieldList.map((f) => ({
    number: /\(([^()]+)\)\s*$/.exec(f.message)?.[1] ?? '',
    matchedOn: f.path === 'body.bsn' ? 'bsn' : 'name',
    message: f.message,
  }));
}

/** The matches with a link to each record (looked up by client number). */
function DuplicateWarning({
  practiceId,
  error,
  onRegisterAnyway,
  busy,
}: {
  practiceId: string;
  error: ApiError;
  onRegisterAnyway: () => void;
  busy: boolean;
}) {
  const { t, locale } = useI18n();
  const matches = matchesOf(error);
  const sameBsn = matches.some((m) => m.matchedOn === 'bsn');
  const found = useQuery({
    queryKey: ['practice', practiceId, 'clients', 'duplicates', matches.map((m) => m.number).join(',')],
    queryFn: async () => {
      const lists = await Promise.all(
        matches
          .filter((m) => m.number)
          .map((m) => api.get(`/practices/${practiceId}/clients${query({ q: m.number, limit: 1 })}`, ClientSearchResult)),
      );
      return lists.flatMap((l) => l.items);
    },
  });
  return (
    <Alert
      color="orange"
      variant="light"
      styles={{ title: { color: 'var(--mantine-color-dark-9)' } }}
      title={t('client.duplicateTitle')}
      role="alert"
      data-testid="duplicate-warning"
    >
      <Stack gap="xs">
        <Text size="sm">{sameBsn ? t('client.duplicateSameBsn') : t('client.duplicateText')}</Text>
        <List size="sm" spacing={4}>
          {matches.map((m) => {
            const c = found.data?.find((x) => x.clientNumber === m.number);
            return (
              <List.Item key={`${m.number}-${m.matchedOn}`}>
                {c ? (
                  <Group gap={6}>
                    <Anchor component={Link} to={`/p/${practiceId}/clients/${c.id}`} target="_blank" fw={600}>
                      {c.displayName} ({c.clientNumber})
                    </Anchor>
                    <Text size="sm">
                      {t('client.bornOn', { date: formatDay(c.dateOfBirth, locale) })} ·{' '}
                      {t('client.duplicateMatch', { what: t(m.matchedOn === 'bsn' ? 'client.matchedOn.bsn' : 'client.matchedOn.name') })}
                    </Text>
                    <StatusBadge status={c.status} />
                  </Group>
                ) : (
                  m.message
                )}
              </List.Item>
            );
          })}
        </List>
        {sameBsn ? null : (
          <Group>
            <Button color="dark" onClick={onRegisterAnyway} loading={busy}>
              {t('client.registerAnyway')}
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}

/** Registers a new client (back office, owner); warns about possible duplicates first. */
export function NewClientPage() {
  const { t } = useI18n();
  const practice = usePractice();
  const p = practice.practiceId;
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<ClientDraft>(emptyDraft);
  const register = useMutation({
    mutationFn: (confirmNotDuplicate: boolean) =>
      api.post(`/practices/${p}/clients`, Client, { ...bodyOf(draft), ...(confirmNotDuplicate ? { confirmNotDuplicate } : {}) }),
    onSuccess: async (c) => {
      await qc.invalidateQueries({ queryKey: clientKeys.all(p) });
      qc.setQueryData(clientKeys.one(p, c.id), c);
      notifications.show({
        color: 'teal',
        message: t('client.registered', { name: c.displayName, number: c.clientNumber }),
        closeButtonProps: { 'aria-label': t('common.close') },
      });
      void navigate(`/p/${p}/clients/${c.id}`);
    },
  });
  const conflict = isApiError(register.error, 'conflict') ? register.error : null;
  return (
    <Stack>
      <Anchor component={Link} to={`/p/${p}/clients`} size="sm">
        ← {t('client.back')}
      </Anchor>
      <PageTitle practiceName={practice.practiceName}>{t('client.newTitle')}</PageTitle>
      <Paper withBorder p="lg" radius="md">
        <ClientForm
          draft={draft}
          onChange={setDraft}
          error={register.error}
          onSubmit={() => register.mutate(false)}
          footer={
            <>
              {conflict ? (
                <DuplicateWarning
                  practiceId={p}
                  error={conflict}
                  busy={register.isPending}
                  onRegisterAnyway={() => register.mutate(true)}
                />
              ) : null}
              <Group>
                <Button type="submit" loading={register.isPending && !conflict}>
                  {t('client.register')}
                </Button>
                <Button variant="default" component={Link} to={`/p/${p}/clients`}>
                  {t('common.cancel')}
                </Button>
              </Group>
            </>
          }
        />
      </Paper>
    </Stack>
  );
}
