import { Alert, Button, Group, Paper } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Client } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { clientKeys, clientPath, type ClientData } from './api.ts';
import { bodyOf, draftOf, type ClientDraft } from './client-draft.ts';
import { ClientForm } from './ClientForm.tsx';

/** The client's administrative data; back office and owner change it. */
export function DetailsPanel({ practiceId, client, canWrite }: { practiceId: string; client: ClientData; canWrite: boolean }) {
  const { t, locale } = useI18n();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<ClientDraft>(() => draftOf(client, locale));
  const save = useMutation({
    mutationFn: () => api.patch(clientPath(practiceId, client.id), Client, bodyOf(draft)),
    onSuccess: async (c) => {
      qc.setQueryData(clientKeys.one(practiceId, c.id), c);
      setDraft(draftOf(c, locale));
      await qc.invalidateQueries({ queryKey: clientKeys.all(practiceId) });
      notifications.show({ color: 'teal', message: t('common.saved'), closeButtonProps: { 'aria-label': t('common.close') } });
    },
  });
  return (
    <Paper withBorder p="lg" radius="md">
      {canWrite ? null : (
        <Alert variant="light" mb="md">
          {t('client.readOnly')}
        </Alert>
      )}
      <ClientForm
        draft={draft}
        onChange={setDraft}
        error={save.error}
        readOnly={!canWrite}
        onSubmit={() => save.mutate()}
        footer={
          canWrite ? (
            <Group>
              <Button type="submit" loading={save.isPending}>
                {t('common.save')}
              </Button>
              <Button variant="default" onClick={() => setDraft(draftOf(client, locale))} disabled={save.isPending}>
                {t('common.reset')}
              </Button>
            </Group>
          ) : null
        }
      />
    </Paper>
  );
}
