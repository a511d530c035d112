import { Badge, Button, Checkbox, Group, Paper, Stack, Table, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Invitation, InvitationList, ROLES, type Role } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { useStepUp } from '../../app/step-up.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { keys } from './api.ts';

function InviteForm({ practiceId }: { practiceId: string }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const withStepUp = useStepUp();
  const [email, setEmail] = useState('');
  const [roles, setRoles] = useState<Role[]>(['back_office']);
  const invite = useMutation({
    mutationFn: () => withStepUp(() => api.post(`/practices/${practiceId}/invitations`, Invitation, { email, roles })),
    onSuccess: async (inv) => {
      setEmail('');
      notifications.show({
        color: 'teal',
        message: t('invitations.sent', { email: inv.email }),
        closeButtonProps: { 'aria-label': t('common.close') },
      });
      await qc.invalidateQueries({ queryKey: keys.invitations(practiceId) });
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        invite.mutate();
      }}
    >
      <Stack>
        <Title order={3} size="h5">
          {t('invitations.invite')}
        </Title>
        <TextInput
          label={t('field.email')}
          type="email"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={fieldError(invite.error, 'email')}
          required
          maw={420}
        />
        <Checkbox.Group
          label={t('staff.roles')}
          value={roles}
          onChange={(v) => setRoles(ROLES.filter((r) => v.includes(r)))}
          error={fieldError(invite.error, 'roles')}
        >
          <Group mt={6}>
            {ROLES.map((r) => (
              <Checkbox key={r} value={r} label={t(`role.${r}`)} />
            ))}
          </Group>
        </Checkbox.Group>
        <ErrorAlert error={invite.error} shownFields={['email', 'roles']} />
        <Group>
          <Button type="submit" loading={invite.isPending}>
            {t('invitations.send')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Invitations sent by e-mail, and a form to invite a colleague (owner, recent 2FA). */
export function InvitationsPanel({ practiceId }: { practiceId: string }) {
  const { t, dateTime } = useI18n();
  const list = useQuery({
    queryKey: keys.invitations(practiceId),
    queryFn: () => api.get(`/practices/${practiceId}/invitations`, InvitationList),
  });
  const status = (i: { acceptedAt: string | null; revokedAt: string | null; expiresAt: string }) =>
    i.acceptedAt
      ? ['teal', t('invitations.accepted')]
      : i.revokedAt
        ? ['gray', t('invitations.replaced')]
        : new Date(i.expiresAt) < new Date()
          ? ['gray', t('invitations.expired')]
          : ['blue', t('invitations.pending')];
  return (
    <Stack>
      <Paper withBorder p="lg" radius="md">
        <InviteForm practiceId={practiceId} />
      </Paper>
      <Paper withBorder p="md" radius="md">
        <QueryState query={list} isEmpty={(d) => d.items.length === 0} empty={t('invitations.empty')}>
          {(d) => (
            <TableScroll label={t('settings.tab.invitations')} minWidth={640}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('field.email')}</Table.Th>
                    <Table.Th>{t('staff.roles')}</Table.Th>
                    <Table.Th>{t('invitations.sentAt')}</Table.Th>
                    <Table.Th>{t('invitations.expiresAt')}</Table.Th>
                    <Table.Th>{t('common.status')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {d.items.map((i) => {
                    const [color, label] = status(i);
                    return (
                      <Table.Tr key={i.id}>
                        <Table.Td>{i.email}</Table.Td>
                        <Table.Td>{i.roles.map((r) => t(`role.${r}`)).join(', ')}</Table.Td>
                        <Table.Td>{dateTime(i.createdAt)}</Table.Td>
                        <Table.Td>{dateTime(i.expiresAt)}</Table.Td>
                        <Table.Td>
                          <Badge color={color} variant="light" size="sm">
                            {label}
                          </Badge>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </TableScroll>
          )}
        </QueryState>
      </Paper>
    </Stack>
  );
}
