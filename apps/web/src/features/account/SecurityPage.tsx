import { Alert, Button, Code, Group, Image, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Ok, RecoveryCodes as RecoveryCodesSchema, RecoveryCodeStatus, TotpEnrolment } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useT } from '../../app/i18n/index.tsx';
import { useMe } from '../../app/session.ts';
import { useStepUp } from '../../app/step-up.tsx';
import { CodeField } from '../../components/CodeField.tsx';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { groupKey, svgDataUrl } from '../auth/EnrolPage.tsx';
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
          </Stack>
        )}
      </Paper>
      <Paper withBorder p="md" radius="md" maw={640} mt="md">
        <ReplaceAuthenticator />
      </Paper>
      <Text size="sm" c="gray.7" mt="md" maw={640}>
        {t('security.lostPhone')}
      </Text>
    </>
  );
}

/** Sets up a new authenticator app in place of the current one (recent second factor), as at enrolment. */
function ReplaceAuthenticator() {
  const t = useT();
  const withStepUp = useStepUp();
  const [code, setCode] = useState('');
  const start = useMutation({
    mutationFn: () => withStepUp(() => api.post('/me/authenticator', TotpEnrolment)),
    onSuccess: () => setCode(''),
  });
  const confirm = useMutation({
    mutationFn: () => api.post('/me/authenticator/confirm', Ok, { code }),
    onSuccess: () => {
      start.reset();
      notifications.show({ color: 'teal', message: t('security.replaced'), closeButtonProps: { 'aria-label': t('common.close') } });
    },
    onError: () => setCode(''),
  });
  const m = start.data;
  return (
    <Stack>
      <Title order={3}>{t('security.appTitle')}</Title>
      <Text size="sm">{t('security.appExplain')}</Text>
      {m ? (
        <>
          <Group justify="center">
            <Image src={svgDataUrl(m.qrSvg)} alt={t('enrol.qrAlt')} w={200} h={200} fit="contain" />
          </Group>
          <Text size="sm" fw={600} id="new-totp-key-label">
            {t('enrol.manualKey')}
          </Text>
          <Code
            block
            data-testid="totp-secret"
            data-secret={m.secret}
            aria-labelledby="new-totp-key-label"
            style={{ fontSize: 15, letterSpacing: '0.04em', textAlign: 'center', whiteSpace: 'normal', wordSpacing: '0.2em' }}
          >
            {groupKey(m.secret)}
          </Code>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              confirm.mutate();
            }}
          >
            <Stack>
              <CodeField label={t('enrol.codeLabel')} value={code} onChange={setCode} error={fieldError(confirm.error, 'code')} />
              <ErrorAlert error={confirm.error} shownFields={['code']} />
              <Group justify="flex-end">
                <Button variant="default" onClick={() => start.reset()}>
                  {t('common.cancel')}
                </Button>
                <Button type="submit" loading={confirm.isPending} disabled={code.length !== 6}>
                  {t('enrol.submit')}
                </Button>
              </Group>
            </Stack>
          </form>
        </>
      ) : (
        <>
          <ErrorAlert error={start.error} />
          <div>
            <Button variant="light" onClick={() => start.mutate()} loading={start.isPending}>
              {t('security.replace')}
            </Button>
          </div>
        </>
      )}
    </Stack>
  );
}
