import { Anchor, Button, Group, Stack, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { LoginResponse } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useT } from '../../app/i18n/index.tsx';
import { useMe, useRefreshMe } from '../../app/session.ts';
import { PasswordField } from '../../components/PasswordField.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';

/** E-mail and password; the next step is the authenticator (enrol or verify). */
export function LoginPage() {
  const t = useT();
  const me = useMe();
  const navigate = useNavigate();
  const location = useLocation();
  const refreshMe = useRefreshMe();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const from = (location.state as { from?: string } | null)?.from;
  const login = useMutation({
    mutationFn: () => api.post('/auth/login', LoginResponse, { email, password }),
    onSuccess: async ({ stage }) => {
      await refreshMe();
      const next = stage === 'totp_required' ? '/verify' : stage === 'totp_enrolment_required' ? '/enrol' : (from ?? '/');
      void navigate(next, { replace: true, state: { from } });
    },
  });
  if (me.data?.stage === 'complete' && !login.isPending) return <Navigate to="/" replace />;

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        login.mutate();
      }}
      aria-labelledby="login-title"
    >
      <Stack>
        <Title order={2} id="login-title">
          {t('login.title')}
        </Title>
        <ErrorAlert error={login.error} shownFields={['email', 'password']} />
        <TextInput
          label={t('field.email')}
          name="email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={fieldError(login.error, 'email')}
          required
          autoFocus
        />
        <PasswordField
          label={t('field.password')}
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={fieldError(login.error, 'password')}
          required
        />
        <Button type="submit" loading={login.isPending} fullWidth>
          {t('login.submit')}
        </Button>
        <Group justify="space-between">
          <Anchor component={Link} to="/forgot-password" size="sm">
            {t('login.forgot')}
          </Anchor>
        </Group>
      </Stack>
    </form>
  );
}
