import { Anchor, Badge, Checkbox, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../../app/i18n/index.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import type { ImportReportData } from './api.ts';
import { IMPORT_FIELD_LABEL } from './ColumnMapping.tsx';

const OUTCOME_COLOUR = { create: 'teal', duplicate: 'orange', invalid: 'red' } as const;

/** A dry run's or an import's report: totals, the columns read, and per row what happens and why. */
export function ImportReportView({ report, practiceId }: { report: ImportReportData; practiceId: string }) {
  const { t } = useI18n();
  const [onlyProblems, setOnlyProblems] = useState(report.totals.invalid + report.totals.duplicate > 0);
  const matched = (m: 'bsn' | 'name_and_date_of_birth') => t(m === 'bsn' ? 'client.matchedOn.bsn' : 'client.matchedOn.name');
  const rows = onlyProblems ? report.rows.filter((r) => r.outcome !== 'create') : report.rows;
  const totals = [
    ['rows', report.totals.rows, 'gray'],
    ['create', report.totals.create, 'teal'],
    ['duplicate', report.totals.duplicate, 'orange'],
    ['invalid', report.totals.invalid, 'red'],
  ] as const;
  return (
    <Stack>
      <Title order={3} size="h4">
        {report.dryRun ? t('import.dryRunTitle') : t('import.doneTitle')}
      </Title>
      <SimpleGrid cols={{ base: 2, sm: 4 }} aria-label={t('import.totals')} role="group">
        {totals.map(([k, n, c]) => (
          <Paper
            key={k}
            withBorder
            p="sm"
            radius="md"
            style={{ borderTop: `4px solid var(--mantine-color-${c}-6)` }}
            data-testid={`total-${k}`}
          >
            <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
              {t(`import.total.${k}`)}
            </Text>
            <Text size="xl" fw={700}>
              {n}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
      <Text size="sm">
        <Text span fw={600}>
          {t('import.columns')}:
        </Text>{' '}
        {report.columns.map((c) => `${c.header} → ${c.field ? t(IMPORT_FIELD_LABEL[c.field]) : t('import.ignored')}`).join(' · ')}
      </Text>
      <Checkbox label={t('import.onlyProblems')} checked={onlyProblems} onChange={(e) => setOnlyProblems(e.currentTarget.checked)} />
      <TableScroll label={t('import.report')} minWidth={760}>
        <Table striped verticalSpacing={6} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('import.row')}</Table.Th>
              <Table.Th>{t('import.outcome')}</Table.Th>
              <Table.Th>{t('import.field')}</Table.Th>
              <Table.Th>{t('import.reason')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.flatMap((r) => {
              const badge = (
                <Badge color={OUTCOME_COLOUR[r.outcome]} c={`${OUTCOME_COLOUR[r.outcome]}.9`} variant="light">
                  {t(`importOutcome.${r.outcome}`)}
                </Badge>
              );
              if (r.outcome === 'invalid') {
                return r.errors.map((e, i) => (
                  <Table.Tr key={`${r.row}-${i}`}>
                    <Table.Td>{r.row}</Table.Td>
                    <Table.Td>{badge}</Table.Td>
                    <Table.Td>{e.column ?? e.field}</Table.Td>
                    <Table.Td>{e.message}</Table.Td>
                  </Table.Tr>
                ));
              }
              const dup = r.duplicateOf;
              return [
                <Table.Tr key={r.row}>
                  <Table.Td>{r.row}</Table.Td>
                  <Table.Td>{badge}</Table.Td>
                  <Table.Td>—</Table.Td>
                  <Table.Td>
                    {dup?.kind === 'existing' ? (
                      <Anchor component={Link} to={`/p/${practiceId}/clients/${dup.clientId}`}>
                        {t('import.dupOfClient', { number: dup.clientNumber, what: matched(dup.matchedOn) })}
                      </Anchor>
                    ) : dup?.kind === 'row' ? (
                      t('import.dupOfRow', { row: dup.row, what: matched(dup.matchedOn) })
                    ) : r.clientNumber && r.clientId ? (
                      <Anchor component={Link} to={`/p/${practiceId}/clients/${r.clientId}`}>
                        {t('import.createdAs', { number: r.clientNumber })}
                      </Anchor>
                    ) : (
                      t('import.willCreate')
                    )}
                  </Table.Td>
                </Table.Tr>,
              ];
            })}
          </Table.Tbody>
        </Table>
      </TableScroll>
    </Stack>
  );
}
