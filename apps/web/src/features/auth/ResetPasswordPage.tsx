import { Alert, Anchor, Button, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Ok } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useT } from '../../app/i18n/index.tsx';
import { PasswordField } from '../../components/PasswordField.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';

/** Sets a new password with the token from the e-mailed link. */
export function ResetPasswordPage() {
  const t = useT();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const mismatch = repeat.length > 0 && repeat !== password;
  const reset = useMutation({ mutationFn: () => api.post('/auth/password-reset/confirm', Ok, { token, password }) });
  if (reset.isSuccess) {
    return (
      <Stack>
        <Title order={2}>{t('reset.title')}</Title>
        <Alert color="teal" variant="light" role="status">
          {t('reset.done')}
        </Alert>
        <Anchor component={Link} to="/login">
          {t('common.backToLogin')}
        </Anchor>
      </Stack>
    );
  }
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!mismatch) reset.mutate();
      }}
    >
      <Stack>
        <Title order={2}>{t('reset.title')}</Title>
        {token ? null : (
          <Alert color="red" variant="light" role="alert">
            {t('reset.noToken')}
          </Alert>
        )}
        <Text size="sm">{t('password.rules')}</Text>
        <PasswordField
          label={t('field.newPassword')}
          name="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={fieldError(reset.error, 'password')}
          required
          autoFocus
        />
        <PasswordField
          label={t('field.repeatPassword')}
          name="repeat"
          autoComplete="new-password"
          value={repeat}
          onChange={(e) => setRepeat(e.currentTarget.value)}
          error={mismatch ? t('password.mismatch') : undefined}
          required
        />
        <ErrorAlert error={reset.error} shownFields={['password']} />
        <Button type="submit" loading={reset.isPending} disabled={!token || mismatch}>
          {t('reset.submit')}
        </Button>
        <Anchor component={Link} to="/forgot-password" size="sm">
          {t('reset.askNew')}
        </Anchor>
      </Stack>
    </form>
  );
}
