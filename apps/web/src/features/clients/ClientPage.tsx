import { Alert, Anchor, Group, Paper, Select, Stack, Tabs, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Client, CLIENT_STATUS_FLOW, CLIENT_STATUSES } from '@calmdesk/shared';
import { api, isApiError } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { usePractice } from '../../app/layout/PracticeLayout.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { clientKeys, clientPath, formatDay, useClient, type ClientData } from './api.ts';
import { BreakGlassCard } from './care.tsx';
import { DetailsPanel } from './DetailsPanel.tsx';
import { DocumentsPanel } from './DocumentsPanel.tsx';
import { HistoryPanel } from './HistoryPanel.tsx';
import { MergeButton } from './MergeDialog.tsx';
import { NotesPanel } from './NotesPanel.tsx';
import { RecordPanel } from './RecordPanel.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { TrajectoriesPanel } from './TrajectoriesPanel.tsx';

const TABS = ['details', 'trajectories', 'documents', 'history', 'notes', 'record'] as const;
type Tab = (typeof TABS)[number];

function StatusChange({ practiceId, client, canWrite }: { practiceId: string; client: ClientData; canWrite: boolean }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [picked, setPicked] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: (status: string) => api.patch(clientPath(practiceId, client.id), Client, { status }),
    onSuccess: async (c) => {
      qc.setQueryData(clientKeys.one(practiceId, c.id), c);
      setPicked(null);
      await qc.invalidateQueries({ queryKey: clientKeys.all(practiceId) });
      notifications.show({
        color: 'teal',
        message: t('client.statusChanged', { status: t(`clientStatus.${c.status}`) }),
        closeButtonProps: { 'aria-label': t('common.close') },
      });
    },
  });
  const next = CLIENT_STATUS_FLOW[client.status];
  if (!canWrite || client.destroyed || client.mergedInto) return null;
  return (
    <Stack gap={4}>
      <Select
        label={t('client.changeStatus')}
        value={picked}
        placeholder={next.length ? '—' : t('client.noNextStatus')}
        data={CLIENT_STATUSES.filter((s) => next.includes(s)).map((s) => ({ value: s, label: t(`clientStatus.${s}`) }))}
        onChange={(v) => {
          setPicked(v);
          if (v) change.mutate(v);
        }}
        disabled={change.isPending || next.length === 0}
        w={220}
        size="sm"
      />
      <ErrorAlert error={change.error} />
    </Stack>
  );
}

/** One client's file: status, details, trajectories, documents, history, own notes, export. */
export function ClientPage() {
  const { t, locale } = useI18n();
  const practice = usePractice();
  const p = practice.practiceId;
  const navigate = useNavigate();
  const { clientId = '', tab: param } = useParams();
  const client = useClient(p, clientId);
  const roles = practice.roles;
  const canWrite = roles.includes('owner') || roles.includes('back_office');
  const isClinician = roles.includes('clinician');
  const visible = TABS.filter((x) => {
    if (x === 'notes') return isClinician;
    if (x === 'documents') return canWrite || isClinician;
    if (x === 'record') return canWrite;
    return true;
  });
  const tab: Tab = visible.find((x) => x === param) ?? 'details';
  const base = `/p/${p}/clients/${clientId}`;
  const back = (
    <Anchor component={Link} to={`/p/${p}/clients`} size="sm">
      ← {t('client.back')}
    </Anchor>
  );
  // A clinician who does not treat the client: the file stays closed until they break the glass.
  if (isApiError(client.error, 'not_treating')) {
    return (
      <Stack>
        {back}
        <BreakGlassCard practiceId={p} clientId={clientId} />
      </Stack>
    );
  }
  return (
    <Stack>
      <Anchor component={Link} to={`/p/${p}/clients`} size="sm">
        ← {t('client.back')}
      </Anchor>
      <QueryState query={client}>
        {(c) => (
          <Stack>
            <Paper withBorder p="md" radius="md">
              <Group justify="space-between" align="flex-end">
                <Stack gap={4}>
                  <PageTitle practiceName={practice.practiceName}>{c.displayName}</PageTitle>
                  <Group gap="sm" mt={-12}>
                    <Text size="sm" ff="monospace" data-testid="client-number">
                      {c.clientNumber}
                    </Text>
                    <Text size="sm">{t('client.bornOn', { date: formatDay(c.dateOfBirth, locale) })}</Text>
                    <StatusBadge status={c.status} />
                  </Group>
                </Stack>
                <Group align="flex-end" gap="sm">
                  {canWrite && !c.destroyed && !c.mergedInto ? <MergeButton practiceId={p} client={c} /> : null}
                  <StatusChange practiceId={p} client={c} canWrite={canWrite} />
                </Group>
              </Group>
            </Paper>
            {c.destroyed ? <Alert color="gray">{t('client.destroyed')}</Alert> : null}
            {c.mergedInto ? (
              <Alert color="gray">
                {t('client.merged')}{' '}
                <Anchor component={Link} to={`/p/${p}/clients/${c.mergedInto}`}>
                  {t('client.openMergedInto')}
                </Anchor>
              </Alert>
            ) : null}
            <Tabs value={tab} onChange={(v) => void navigate(v && v !== 'details' ? `${base}/${v}` : base)} keepMounted={false}>
              <Tabs.List mb="md">
                {visible.map((x) => (
                  <Tabs.Tab key={x} value={x}>
                    {t(`client.tab.${x}`)}
                  </Tabs.Tab>
                ))}
              </Tabs.List>
              <Tabs.Panel value="details">
                <DetailsPanel practiceId={p} client={c} canWrite={canWrite && !c.destroyed} />
              </Tabs.Panel>
              <Tabs.Panel value="trajectories">
                <TrajectoriesPanel
                  practiceId={p}
                  clientId={c.id}
                  canWrite={(canWrite || isClinician) && !c.destroyed}
                  canAssign={canWrite && !c.destroyed && !c.mergedInto}
                />
              </Tabs.Panel>
              {visible.includes('documents') ? (
                <Tabs.Panel value="documents">
                  <DocumentsPanel
                    practiceId={p}
                    clientId={c.id}
                    canWrite={canWrite && !c.destroyed}
                    canUpload={(canWrite || isClinician) && !c.destroyed}
                  />
                </Tabs.Panel>
              ) : null}
              <Tabs.Panel value="history">
                <HistoryPanel practiceId={p} clientId={c.id} />
              </Tabs.Panel>
              {isClinician ? (
                <Tabs.Panel value="notes">
                  <NotesPanel practiceId={p} clientId={c.id} canWrite={!c.destroyed} />
                </Tabs.Panel>
              ) : null}
              {canWrite ? (
                <Tabs.Panel value="record">
                  <RecordPanel practiceId={p} client={c} isOwner={roles.includes('owner')} />
                </Tabs.Panel>
              ) : null}
            </Tabs>
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
