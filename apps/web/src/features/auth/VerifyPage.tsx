import { Anchor, Button, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Ok, RecoveryCodeUsed } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useT } from '../../app/i18n/index.tsx';
import { useRefreshMe } from '../../app/session.ts';
import { CodeField } from '../../components/CodeField.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { StageGuard } from './StageGuard.tsx';

function AppCodeForm({ onRecovery }: { onRecovery: () => void }) {
  const t = useT();
  const refreshMe = useRefreshMe();
  const [code, setCode] = useState('');
  const verify = useMutation({
    mutationFn: () => api.post('/auth/totp/verify', Ok, { code }),
    // StageGuard redirects once the refreshed account is complete.
    onSuccess: () => refreshMe(),
    onError: () => setCode(''),
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        verify.mutate();
      }}
    >
      <Stack>
        <Title order={2}>{t('verify.title')}</Title>
        <Text size="sm">{t('verify.explain')}</Text>
        <CodeField label={t('auth.code')} value={code} onChange={setCode} error={fieldError(verify.error, 'code')} autoFocus />
        <ErrorAlert error={verify.error} shownFields={['code']} />
        <Button type="submit" loading={verify.isPending} disabled={code.length !== 6}>
          {t('verify.submit')}
        </Button>
        <Anchor component="button" type="button" size="sm" onClick={onRecovery}>
          {t('verify.useRecovery')}
        </Anchor>
      </Stack>
    </form>
  );
}

function RecoveryCodeForm({ onApp }: { onApp: () => void }) {
  const t = useT();
  const refreshMe = useRefreshMe();
  const [code, setCode] = useState('');
  const verify = useMutation({
    mutationFn: () => api.post('/auth/recovery-code', RecoveryCodeUsed, { code }),
    onSuccess: async (res) => {
      // Stays on screen after the redirect: the user should replace the lost app and the used codes.
      notifications.show({
        id: 'recovery-code-used',
        color: 'orange',
        title: t('verify.recoveryUsedTitle'),
        message: t('verify.recoveryUsed', { n: res.remaining }),
        autoClose: false,
        // Under a title Mantine dims the message below AA contrast.
        styles: { description: { color: 'var(--mantine-color-gray-8)' } },
        closeButtonProps: { 'aria-label': t('common.close') },
      });
      // StageGuard redirects once the refreshed account is complete.
      await refreshMe();
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        verify.mutate();
      }}
    >
      <Stack>
        <Title order={2}>{t('verify.recoveryTitle')}</Title>
        <Text size="sm">{t('verify.recoveryExplain')}</Text>
        <TextInput
          label={t('verify.recoveryLabel')}
          name="recoveryCode"
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
          error={fieldError(verify.error, 'code')}
          autoComplete="one-time-code"
          autoCapitalize="none"
          spellCheck={false}
          maxLength={32}
          placeholder="xxxx-xxxx-xxxx"
          required
          autoFocus
          styles={{ input: { letterSpacing: '0.08em', fontFamily: 'monospace', fontSize: 17 } }}
        />
        <ErrorAlert error={verify.error} shownFields={['code']} />
        <Button type="submit" loading={verify.isPending} disabled={code.trim().length < 12}>
          {t('verify.submit')}
        </Button>
        <Anchor component="button" type="button" size="sm" onClick={onApp}>
          {t('verify.useApp')}
        </Anchor>
      </Stack>
    </form>
  );
}

/** The second step of signing in: a code from the authenticator app, or one of the recovery codes. */
export function VerifyPage() {
  const [recovery, setRecovery] = useState(false);
  return (
    <StageGuard stage="totp_required">
      {recovery ? <RecoveryCodeForm onApp={() => setRecovery(false)} /> : <AppCodeForm onRecovery={() => setRecovery(true)} />}
    </StageGuard>
  );
}
