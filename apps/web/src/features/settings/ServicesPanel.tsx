import { Badge, Button, Group, Modal, Paper, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useT } from '../../app/i18n/index.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { useServices, useStaff, type ServiceItem } from './api.ts';
import { ServiceForm } from './ServiceForm.tsx';

/** Services offered (intake, treatment 45/60 …) with duration, modes and billing code. */
export function ServicesPanel({ practiceId, canEdit }: { practiceId: string; canEdit: boolean }) {
  const t = useT();
  const services = useServices(practiceId);
  const staff = useStaff(practiceId);
  const names = new Map((staff.data?.items ?? []).map((s) => [s.membershipId, s.name]));
  const offeredBy = (s: ServiceItem) =>
    s.clinicianIds.length === 0 ? t('services.everyClinician') : s.clinicianIds.map((id) => names.get(id) ?? '…').join(', ');
  const [editing, setEditing] = useState<ServiceItem | 'new' | null>(null);
  return (
    <Paper withBorder p="md" radius="md">
      {canEdit ? (
        <Group justify="flex-end" mb="sm">
          <Button onClick={() => setEditing('new')}>{t('services.add')}</Button>
        </Group>
      ) : null}
      <QueryState query={services} isEmpty={(d) => d.items.length === 0} empty={t('services.empty')}>
        {(d) => (
          <TableScroll label={t('settings.tab.services')} minWidth={900}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('services.name')}</Table.Th>
                  <Table.Th>{t('services.duration')}</Table.Th>
                  <Table.Th>{t('services.bufferShort')}</Table.Th>
                  <Table.Th>{t('services.modes')}</Table.Th>
                  <Table.Th>{t('services.clinicians')}</Table.Th>
                  <Table.Th>{t('services.billingCode')}</Table.Th>
                  <Table.Th>{t('common.status')}</Table.Th>
                  {canEdit ? <Table.Th>{t('common.actions')}</Table.Th> : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.items.map((s) => (
                  <Table.Tr key={s.id}>
                    <Table.Td>{s.name}</Table.Td>
                    <Table.Td>{t('services.minutes', { n: s.defaultDurationMinutes })}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {s.bufferMinutes ? t('services.minutes', { n: s.bufferMinutes }) : '—'}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {s.allowedModes.map((m) => (
                          <Badge key={m} variant="light" size="sm">
                            {t(`mode.${m}`)}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={s.clinicianIds.length === 0 ? 'dimmed' : undefined}>
                        {offeredBy(s)}
                      </Text>
                    </Table.Td>
                    <Table.Td>{s.billingCode ?? '—'}</Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={600} c={s.active ? 'teal.9' : 'gray.7'} style={{ whiteSpace: 'nowrap' }}>
                        {s.active ? t('common.active') : t('common.inactive')}
                      </Text>
                    </Table.Td>
                    {canEdit ? (
                      <Table.Td>
                        <Button size="xs" variant="light" onClick={() => setEditing(s)} aria-label={`${t('common.edit')}: ${s.name}`}>
                          {t('common.edit')}
                        </Button>
                      </Table.Td>
                    ) : null}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        )}
      </QueryState>
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t('services.add') : t('services.edit')}
        size="lg"
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        {editing !== null ? (
          <ServiceForm practiceId={practiceId} service={editing === 'new' ? undefined : editing} onDone={() => setEditing(null)} />
        ) : null}
      </Modal>
    </Paper>
  );
}
