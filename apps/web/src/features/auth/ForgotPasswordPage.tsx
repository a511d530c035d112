import { Alert, Anchor, Button, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { Ok } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useT } from '../../app/i18n/index.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';

/** Asks for a reset link; the answer is the same whether or not the account exists. */
export function ForgotPasswordPage() {
  const t = useT();
  const [email, setEmail] = useState('');
  const send = useMutation({ mutationFn: () => api.post('/auth/password-reset', Ok, { email }) });
  return (
    <Stack>
      <Title order={2}>{t('forgot.title')}</Title>
      {send.isSuccess ? (
        <Alert color="teal" variant="light" role="status">
          {t('forgot.sent')}
        </Alert>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            send.mutate();
          }}
        >
          <Stack>
            <Text size="sm">{t('forgot.explain')}</Text>
            <TextInput
              label={t('field.email')}
              type="email"
              name="email"
              autoComplete="email"
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              error={fieldError(send.error, 'email')}
              required
              autoFocus
            />
            <ErrorAlert error={send.error} shownFields={['email']} />
            <Button type="submit" loading={send.isPending}>
              {t('forgot.submit')}
            </Button>
          </Stack>
        </form>
      )}
      <Anchor component={Link} to="/login" size="sm">
        {t('common.backToLogin')}
      </Anchor>
    </Stack>
  );
}
