import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  FileInput,
  Group,
  Loader,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { ImportReport } from '@calmdesk/shared';
import { isApiError, sendRaw } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { usePractice } from '../../app/layout/PracticeLayout.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { clientKeys, type ImportReportData } from './api.ts';

const OUTCOME_COLOUR = { create: 'teal', duplicate: 'orange', invalid: 'red' } as const;

function Report({ report, practiceId }: { report: ImportReportData; practiceId: string }) {
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
        {report.columns.map((c) => `${c.header} → ${c.field ?? t('import.ignored')}`).join(' · ')}
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

/** Moving to Calmdesk: a CSV client list, checked first (dry run), then imported in one go. */
export function ImportPage() {
  const { t } = useI18n();
  const practice = usePractice();
  const p = practice.practiceId;
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const send = (dryRun: boolean) => (f: File) =>
    sendRaw(`/practices/${p}/clients/import${dryRun ? '/dry-run' : ''}`, ImportReport, f, 'text/csv');
  const check = useMutation({ mutationFn: send(true) });
  const run = useMutation({
    mutationFn: send(false),
    onSuccess: async (r) => {
      await qc.invalidateQueries({ queryKey: clientKeys.all(p) });
      notifications.show({
        color: 'teal',
        message: t('import.done', { n: r.totals.create }),
        closeButtonProps: { 'aria-label': t('common.close') },
      });
    },
  });
  const pick = (f: File | null) => {
    setFile(f);
    check.reset();
    run.reset();
  };
  const report = run.data ?? check.data;
  const busy = check.isPending || run.isPending;
  const canImport = !!check.data && !run.data && check.data.totals.invalid === 0 && check.data.totals.create > 0;
  const error = run.error ?? check.error;
  return (
    <Stack>
      <Anchor component={Link} to={`/p/${p}/clients`} size="sm">
        ← {t('client.back')}
      </Anchor>
      <PageTitle practiceName={practice.practiceName}>{t('import.title')}</PageTitle>
      <Paper withBorder p="lg" radius="md">
        <Stack>
          <Text size="sm" maw={760}>
            {t('import.explain')}
          </Text>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (file) check.mutate(file);
            }}
          >
            <Group align="flex-end">
              <FileInput
                label={t('import.file')}
                placeholder={t('import.choose')}
                value={file}
                onChange={pick}
                accept=".csv,text/csv"
                clearable
                clearButtonProps={{ 'aria-label': t('doc.clearFile') }}
                w={340}
              />
              <Button type="submit" variant={check.data ? 'default' : 'filled'} disabled={!file || busy} loading={check.isPending}>
                {t('import.check')}
              </Button>
              {check.data && !run.data ? (
                <Button onClick={() => file && run.mutate(file)} disabled={!canImport || busy} loading={run.isPending}>
                  {t('import.run', { n: check.data.totals.create })}
                </Button>
              ) : null}
            </Group>
          </form>
          {busy ? (
            <Group gap="xs" role="status" aria-live="polite">
              <Loader size="sm" />
              <Text size="sm">{run.isPending ? t('import.importing') : t('import.checking')}</Text>
            </Group>
          ) : null}
          {check.data && !run.data && check.data.totals.invalid > 0 ? (
            <Alert color="red" variant="light" role="alert">
              {t('import.blocked')}
            </Alert>
          ) : null}
          {check.data && !run.data && check.data.totals.invalid === 0 && check.data.totals.create === 0 ? (
            <Alert variant="light">{t('import.nothing')}</Alert>
          ) : null}
          {run.data ? (
            <Alert color="teal" variant="light" role="status">
              {t('import.done', { n: run.data.totals.create })}
            </Alert>
          ) : null}
          {error ? (
            <ErrorAlert error={error} shownFields={isApiError(error) && error.fieldList.length > 20 ? Object.keys(error.fields) : []} />
          ) : null}
        </Stack>
      </Paper>
      {report ? (
        <Paper withBorder p="lg" radius="md">
          <Report report={report} practiceId={p} />
        </Paper>
      ) : null}
    </Stack>
  );
}
