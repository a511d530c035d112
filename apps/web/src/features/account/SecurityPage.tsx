import { Alert, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { RecoveryCodes as RecoveryCodesSchema, RecoveryCodeStatus } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useT } from '../../app/i18n/index.tsx';
import { useMe } from '../../app/session.ts';
import { useStepUp } from '../../app/step-up.tsx';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { RecoveryCodes } from './RecoveryCodes.tsx';

const KEY = ['me', 'recovery-codes'] as const;
/** At or below this many codes left, the page suggests a new set. */
const FEW = 3;

/** The account's second factor: how many recovery codes are left, and a new set (recent second factor). */
export function SecurityPage() {
  const t = useT();
  const qc = useQueryClient();
  const me = useMe();
  const withStepUp = useStepUp();
  const [codes, setCodes] = useState<string[] | null>(null);
  const status = useQuery({ queryKey: KEY, queryFn: () => api.get('/me/recovery-codes', RecoveryCodeStatus) });
  const regenerate = useMutation({
    mutationFn: () => withStepUp(() => api.post('/me/recovery-codes', RecoveryCodesSchema)),
    onSuccess: (res) => {
      setCodes(res.codes);
      void qc.invalidateQueries({ queryKey: KEY });
    },
  });
  return (
    <>
      <PageTitle>{t('security.title')}</PageTitle>
      <Text size="sm" c="dimmed" mb="md">
        {t('security.explain')}
      </Text>
      <Paper withBorder p="md" radius="md" maw={640}>
        {codes ? (
          <RecoveryCodes
            codes={codes}
            email={me.data?.email ?? ''}
            onContinue={() => {
              setCodes(null);
              notifications.show({
                color: 'teal',
                message: t('security.regenerated'),
                closeButtonProps: { 'aria-label': t('common.close') },
              });
            }}
          />
        ) : (
          <Stack>
            <Title order={3}>{t('security.codesTitle')}</Title>
            <QueryState query={status}>
              {(s) => (
                <Stack gap="xs">
                  {s.remaining === 0 ? (
                    <Alert color="orange" variant="light" data-testid="recovery-remaining">
                      {t('security.noCodes')}
                    </Alert>
                  ) : (
                    <Text data-testid="recovery-remaining">{t('security.remaining', { n: s.remaining })}</Text>
                  )}
                  {s.remaining > 0 && s.remaining <= FEW ? (
                    <Text size="sm" c="orange.9">
                      {t('security.fewCodes')}
                    </Text>
                  ) : null}
                </Stack>
              )}
            </QueryState>
            <ErrorAlert error={regenerate.error} />
            <div>
              <ConfirmButton
                variant="light"
                question={t('security.regenerateQuestion')}
                confirmLabel={t('security.regenerate')}
                loading={regenerate.isPending}
                onConfirm={() => regenerate.mutate()}
              >
                {t('security.regenerate')}
              </ConfirmButton>
            </div>
            <Text size="sm" c="gray.7">
              {t('security.lostPhone')}
            </Text>
          </Stack>
        )}
      </Paper>
    </>
  );
}
