import { Badge, Button, Group, Paper, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useT } from '../../app/i18n/index.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { useStaff, type Staff } from './api.ts';
import { CalendarFeedModal } from './CalendarFeed.tsx';
import { ResetSecondFactorModal } from './ResetSecondFactor.tsx';
import { StaffEditModal } from './StaffEditModal.tsx';
import { WorkingHoursModal } from './WorkingHoursModal.tsx';

interface Props {
  practiceId: string;
  canEdit: boolean;
  /** Owner or back office: manages every clinician's calendar feed. */
  canManageFeeds: boolean;
  /** The signed-in user's membership, whose own feed they always manage. */
  ownMembershipId: string;
}

/** Staff with roles and professional data; owners edit them, set working hours and reset a lost authenticator; calendar feeds per clinician. */
export function StaffPanel({ practiceId, canEdit, canManageFeeds, ownMembershipId }: Props) {
  const t = useT();
  const staff = useStaff(practiceId);
  const [editing, setEditing] = useState<Staff | null>(null);
  const [hoursOf, setHoursOf] = useState<Staff | null>(null);
  const [feedOf, setFeedOf] = useState<Staff | null>(null);
  const [resetOf, setResetOf] = useState<Staff | null>(null);
  return (
    <Paper withBorder p="md" radius="md">
      <QueryState query={staff} isEmpty={(d) => d.items.length === 0} empty={t('staff.empty')}>
        {(d) => (
          <TableScroll label={t('settings.tab.staff')} minWidth={1100}>
            <Table striped verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('staff.name')}</Table.Th>
                  <Table.Th>{t('staff.roles')}</Table.Th>
                  <Table.Th>{t('staff.profession')}</Table.Th>
                  <Table.Th>{t('staff.agb')}</Table.Th>
                  <Table.Th>{t('staff.big')}</Table.Th>
                  <Table.Th>{t('common.status')}</Table.Th>
                  <Table.Th>{t('common.actions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.items.map((s) => (
                  <Table.Tr key={s.membershipId}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {s.name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {s.email}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {s.roles.map((r) => (
                          <Badge key={r} variant="light" size="sm">
                            {t(`role.${r}`)}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>{s.profession ? t(`profession.${s.profession}`) : '—'}</Table.Td>
                    <Table.Td>{s.agbCode ?? '—'}</Table.Td>
                    <Table.Td>{s.bigNumber ?? '—'}</Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={600} c={s.active ? 'teal.9' : 'gray.7'} style={{ whiteSpace: 'nowrap' }}>
                        {s.active ? t('common.active') : t('common.inactive')}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        {canEdit ? (
                          <Button size="xs" variant="light" onClick={() => setEditing(s)} aria-label={`${t('common.edit')}: ${s.name}`}>
                            {t('common.edit')}
                          </Button>
                        ) : null}
                        {s.roles.includes('clinician') ? (
                          <Button size="xs" variant="default" onClick={() => setHoursOf(s)} aria-label={`${t('hours.title')}: ${s.name}`}>
                            {t('hours.button')}
                          </Button>
                        ) : null}
                        {s.roles.includes('clinician') && (canManageFeeds || s.membershipId === ownMembershipId) ? (
                          <Button size="xs" variant="default" onClick={() => setFeedOf(s)} aria-label={`${t('feed.title')}: ${s.name}`}>
                            {t('feed.button')}
                          </Button>
                        ) : null}
                        {canEdit && s.active && s.membershipId !== ownMembershipId ? (
                          <Button
                            size="xs"
                            variant="light"
                            color="red"
                            onClick={() => setResetOf(s)}
                            aria-label={`${t('staff.resetSecondFactor')}: ${s.name}`}
                          >
                            {t('staff.resetSecondFactor')}
                          </Button>
                        ) : null}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        )}
      </QueryState>
      {editing ? <StaffEditModal practiceId={practiceId} member={editing} onClose={() => setEditing(null)} /> : null}
      {feedOf ? (
        <CalendarFeedModal practiceId={practiceId} membershipId={feedOf.membershipId} name={feedOf.name} onClose={() => setFeedOf(null)} />
      ) : null}
      {resetOf ? (
        <ResetSecondFactorModal
          practiceId={practiceId}
          membershipId={resetOf.membershipId}
          name={resetOf.name}
          onClose={() => setResetOf(null)}
        />
      ) : null}
      {hoursOf ? <WorkingHoursModal practiceId={practiceId} member={hoursOf} canEdit={canEdit} onClose={() => setHoursOf(null)} /> : null}
    </Paper>
  );
}
