import { Alert, Anchor, Badge, Button, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { InvitationPreview, Ok } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useT } from '../../app/i18n/index.tsx';
import { useMe, useRefreshMe } from '../../app/session.ts';
import { PasswordField } from '../../components/PasswordField.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';

/** Opens an invitation link: new people choose a name and password, existing ones accept. */
export function InvitationPage() {
  const t = useT();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const me = useMe();
  const navigate = useNavigate();
  const refreshMe = useRefreshMe();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const preview = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => api.get(`/invitations/${encodeURIComponent(token)}`, InvitationPreview),
    enabled: token.length > 0,
  });
  const accept = useMutation({
    mutationFn: (body: { name?: string; password?: string }) => api.post(`/invitations/${encodeURIComponent(token)}/accept`, Ok, body),
    onSuccess: async () => {
      if (me.data?.stage === 'complete') {
        await refreshMe();
        void navigate('/', { replace: true });
      }
    },
  });

  if (!token) {
    return (
      <Alert color="red" variant="light" role="alert">
        {t('invitation.noToken')}
      </Alert>
    );
  }
  return (
    <Stack>
      <Title order={2}>{t('invitation.title')}</Title>
      <QueryState query={preview}>
        {(inv) => {
          const signedInAs = me.data?.stage === 'complete' ? me.data.email : null;
          if (accept.isSuccess) {
            return (
              <Stack>
                <Alert color="teal" variant="light" role="status">
                  {t('invitation.accepted', { practice: inv.practiceName })}
                </Alert>
                <Anchor component={Link} to="/login">
                  {t('common.toLogin')}
                </Anchor>
              </Stack>
            );
          }
          return (
            <Stack>
              <Text>{t('invitation.intro', { practice: inv.practiceName, email: inv.email })}</Text>
              <Group gap={6}>
                {inv.roles.map((r) => (
                  <Badge key={r} variant="light">
                    {t(`role.${r}`)}
                  </Badge>
                ))}
              </Group>
              {inv.accountExists ? (
                signedInAs === inv.email ? (
                  <Button loading={accept.isPending} onClick={() => accept.mutate({})}>
                    {t('invitation.accept')}
                  </Button>
                ) : (
                  <Alert variant="light" role="status">
                    {t('invitation.signInFirst', { email: inv.email })}{' '}
                    <Anchor component={Link} to="/login" state={{ from: `/invitation?token=${token}` }}>
                      {t('common.toLogin')}
                    </Anchor>
                  </Alert>
                )
              ) : (
                <form
                  onSubmit={(e) => {
                    e.preventDefault();
                    accept.mutate({ name, password });
                  }}
                >
                  <Stack>
                    <TextInput
                      label={t('field.name')}
                      name="name"
                      autoComplete="name"
                      value={name}
                      onChange={(e) => setName(e.currentTarget.value)}
                      error={fieldError(accept.error, 'name')}
                      required
                    />
                    <PasswordField
                      label={t('field.newPassword')}
                      description={t('password.rules')}
                      name="password"
                      autoComplete="new-password"
                      value={password}
                      onChange={(e) => setPassword(e.currentTarget.value)}
                      error={fieldError(accept.error, 'password')}
                      required
                    />
                    <Button type="submit" loading={accept.isPending}>
                      {t('invitation.createAndAccept')}
                    </Button>
                  </Stack>
                </form>
              )}
              <ErrorAlert error={accept.error} shownFields={['name', 'password']} />
            </Stack>
          );
        }}
      </QueryState>
    </Stack>
  );
}
