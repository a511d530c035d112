import { Alert, Button, Group, Modal, Radio, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { Client, ClientSearchResult } from '@calmdesk/shared';
import { api, isApiError, query } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { useStepUp } from '../../app/step-up.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { clientKeys, clientPath, formatDay, maskedBsn, type ClientData, type ClientSummaryData } from './api.ts';
import { StatusBadge } from './StatusBadge.tsx';

/** What both records show side by side. */
interface Side {
  id: string;
  displayName: string;
  dateOfBirth: string;
  bsnLast4: string | null;
  clientNumber: string;
  status: ClientData['status'];
}

const sideOf = (c: ClientData): Side => ({ ...c, bsnLast4: c.bsn ? c.bsn.slice(-4) : null });

/** Other records to merge with; a search only runs once something is typed (every hit is logged). */
function PickOther({ practiceId, self, onPick }: { practiceId: string; self: ClientData; onPick: (c: ClientSummaryData) => void }) {
  const { t, locale } = useI18n();
  const [text, setText] = useState('');
  const [q] = useDebouncedValue(text.trim(), 300);
  const found = useQuery({
    queryKey: [...clientKeys.all(practiceId), 'merge-candidates', q],
    queryFn: () => api.get(`/practices/${practiceId}/clients${query({ q, limit: 10 })}`, ClientSearchResult),
    enabled: q !== '',
    select: (d) => d.items.filter((c) => c.id !== self.id),
  });
  return (
    <Stack gap="sm">
      <TextInput
        label={t('merge.search')}
        description={t('clients.searchHint')}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        type="search"
        data-autofocus
      />
      {q === '' ? (
        <Text size="sm" c="dimmed">
          {t('merge.typeToSearch')}
        </Text>
      ) : (
        <QueryState query={found} isEmpty={(d) => d.length === 0} empty={t('merge.noResults')}>
          {(items) => (
            <TableScroll label={t('merge.candidates')} minWidth={520}>
              <Table verticalSpacing={6} fz="sm" highlightOnHover>
                <Table.Tbody>
                  {items.map((c) => (
                    <Table.Tr key={c.id}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{c.clientNumber}</Table.Td>
                      <Table.Td fw={600}>{c.displayName}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDay(c.dateOfBirth, locale)}</Table.Td>
                      <Table.Td>{maskedBsn(c.bsnLast4)}</Table.Td>
                      <Table.Td>
                        <Button
                          size="xs"
                          variant="default"
                          onClick={() => onPick(c)}
                          aria-label={t('merge.pickOf', { name: c.displayName })}
                        >
                          {t('merge.pick')}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          )}
        </QueryState>
      )}
    </Stack>
  );
}

/** Both records side by side, which one is kept, and the merge itself. */
function Compare({
  practiceId,
  self,
  other,
  onBack,
  onMerged,
}: {
  practiceId: string;
  self: Side;
  other: Side;
  onBack: () => void;
  onMerged: (kept: ClientData, merged: Side) => void;
}) {
  const { t, locale } = useI18n();
  const withStepUp = useStepUp();
  const [keepId, setKeepId] = useState(self.id);
  const [kept, merged] = keepId === self.id ? [self, other] : [other, self];
  const merge = useMutation({
    mutationFn: () => withStepUp(() => api.post(`${clientPath(practiceId, kept.id)}/merge`, Client, { duplicateId: merged.id })),
    onSuccess: (c) => onMerged(c, merged),
  });
  // Both BSNs known and different: the server refuses, so say it before anyone clicks.
  const differentBsn = !!self.bsnLast4 && !!other.bsnLast4 && self.bsnLast4 !== other.bsnLast4;
  const serverReason = isApiError(merge.error) ? merge.error.fields.duplicateId : undefined;
  const rows: [string, (s: Side) => ReactNode][] = [
    [t('clients.name'), (s) => s.displayName],
    [t('clients.dateOfBirth'), (s) => formatDay(s.dateOfBirth, locale)],
    [t('client.bsn'), (s) => maskedBsn(s.bsnLast4)],
    [t('clients.number'), (s) => s.clientNumber],
    [t('common.status'), (s) => <StatusBadge status={s.status} />],
  ];
  const role = (s: Side) => (s.id === kept.id ? t('merge.kept') : t('merge.absorbed'));
  return (
    <Stack gap="sm">
      <TableScroll label={t('merge.compare')} minWidth={520}>
        <Table withColumnBorders verticalSpacing={6} fz="sm" data-testid="merge-compare">
          <Table.Thead>
            <Table.Tr>
              <Table.Th />
              <Table.Th>{t('merge.thisRecord')}</Table.Th>
              <Table.Th>{t('merge.otherRecord')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map(([label, cell]) => (
              <Table.Tr key={label}>
                <Table.Th scope="row" fw={600}>
                  {label}
                </Table.Th>
                <Table.Td>{cell(self)}</Table.Td>
                <Table.Td>{cell(other)}</Table.Td>
              </Table.Tr>
            ))}
            <Table.Tr>
              <Table.Th scope="row" fw={600}>
                {t('merge.after')}
              </Table.Th>
              <Table.Td fw={self.id === kept.id ? 700 : undefined}>{role(self)}</Table.Td>
              <Table.Td fw={other.id === kept.id ? 700 : undefined}>{role(other)}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </TableScroll>
      <Radio.Group label={t('merge.keep')} value={keepId} onChange={setKeepId}>
        <Group mt={4}>
          {[self, other].map((s) => (
            <Radio key={s.id} value={s.id} label={t('merge.keepOne', { number: s.clientNumber, name: s.displayName })} />
          ))}
        </Group>
      </Radio.Group>
      {differentBsn ? (
        <Alert color="red" variant="light" role="alert">
          {t('merge.differentBsn')}
        </Alert>
      ) : (
        <Text size="sm">{t('merge.consequence', { merged: merged.clientNumber, kept: kept.clientNumber })}</Text>
      )}
      {serverReason ? (
        <Alert color="red" variant="light" role="alert">
          {serverReason}
        </Alert>
      ) : (
        <ErrorAlert error={merge.error} shownFields={['duplicateId']} />
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onBack} disabled={merge.isPending}>
          {t('merge.back')}
        </Button>
        <Button color="red" onClick={() => merge.mutate()} loading={merge.isPending} disabled={differentBsn}>
          {t('merge.confirm')}
        </Button>
      </Group>
    </Stack>
  );
}

/**
 * "Merge with another record…" (back office, owner): find the other record, compare both,
 * choose the one to keep, merge, and land on the kept record's history.
 */
export function MergeButton({ practiceId, client }: { practiceId: string; client: ClientData }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [other, setOther] = useState<Side | null>(null);
  const close = () => {
    setOpen(false);
    setOther(null);
  };
  const merged = async (kept: ClientData, gone: Side) => {
    close();
    qc.setQueryData(clientKeys.one(practiceId, kept.id), kept);
    await qc.invalidateQueries({ queryKey: clientKeys.all(practiceId) });
    notifications.show({
      color: 'teal',
      message: t('merge.done', { merged: gone.clientNumber, kept: kept.clientNumber }),
      closeButtonProps: { 'aria-label': t('common.close') },
    });
    void navigate(`/p/${practiceId}/clients/${kept.id}/history`);
  };
  return (
    <>
      <Button variant="default" size="sm" onClick={() => setOpen(true)}>
        {t('merge.open')}
      </Button>
      <Modal
        opened={open}
        onClose={close}
        title={t('merge.title')}
        size="xl"
        centered
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        <Stack>
          <Text size="sm">{t('merge.explain')}</Text>
          {other ? (
            <Compare
              practiceId={practiceId}
              self={sideOf(client)}
              other={other}
              onBack={() => setOther(null)}
              onMerged={(kept, gone) => void merged(kept, gone)}
            />
          ) : (
            <PickOther practiceId={practiceId} self={client} onPick={setOther} />
          )}
        </Stack>
      </Modal>
    </>
  );
}
