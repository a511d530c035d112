import { Paper, Table, Text } from '@mantine/core';
import { useI18n, type MessageKey } from '../../app/i18n/index.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { useHistory } from './api.ts';

/** Lines naming the other record of a merge; shown before the fields the merge filled in. */
const MERGE_FIELDS = ['mergedFrom', 'mergedInto'];

function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Who changed what in the record, and when (newest first as the server gives it). */
export function HistoryPanel({ practiceId, clientId }: { practiceId: string; clientId: string }) {
  const { t, dateTime } = useI18n();
  const history = useHistory(practiceId, clientId);
  const action = (a: string) => t(`histAction.${a}` as MessageKey) || a;
  return (
    <Paper withBorder p="md" radius="md">
      <QueryState query={history} isEmpty={(d) => d.items.length === 0} empty={t('hist.empty')}>
        {(d) => (
          <TableScroll label={t('hist.list')} minWidth={720}>
            <Table striped verticalSpacing={6} fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('hist.time')}</Table.Th>
                  <Table.Th>{t('hist.user')}</Table.Th>
                  <Table.Th>{t('hist.action')}</Table.Th>
                  <Table.Th>{t('hist.changes')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.items.map((e, i) => (
                  <Table.Tr key={`${e.at}-${i}`}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(e.at)}</Table.Td>
                    <Table.Td>{e.userName ?? t('hist.system')}</Table.Td>
                    <Table.Td>{action(e.action)}</Table.Td>
                    <Table.Td>
                      {Object.entries(e.changes)
                        .sort(([a], [b]) => Number(MERGE_FIELDS.includes(b)) - Number(MERGE_FIELDS.includes(a)))
                        .map(([field, c]) =>
                          field === 'mergedFrom' || field === 'mergedInto' ? (
                            <Text key={field} size="sm">
                              {t(field === 'mergedFrom' ? 'hist.mergedFrom' : 'hist.mergedInto', { number: show(c.to) })}
                            </Text>
                          ) : (
                            <Text key={field} size="sm" style={{ overflowWrap: 'anywhere' }}>
                              <Text span fw={600} size="sm">
                                {field}
                              </Text>
                              : {show(c.from)} → {show(c.to)}
                            </Text>
                          ),
                        )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        )}
      </QueryState>
    </Paper>
  );
}
