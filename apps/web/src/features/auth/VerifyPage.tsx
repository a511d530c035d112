import { Button, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Ok } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useT } from '../../app/i18n/index.tsx';
import { useRefreshMe } from '../../app/session.ts';
import { CodeField } from '../../components/CodeField.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { StageGuard } from './StageGuard.tsx';

function VerifyForm() {
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
      </Stack>
    </form>
  );
}

/** The second step of signing in: a code from the authenticator app. */
export function VerifyPage() {
  return (
    <StageGuard stage="totp_required">
      <VerifyForm />
    </StageGuard>
  );
}
