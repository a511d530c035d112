import { Alert, Anchor, Button, FileInput, Group, Loader, Paper, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { ImportReport } from '@calmdesk/shared';
import { isApiError, query, sendRaw } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { usePractice } from '../../app/layout/PracticeLayout.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { clientKeys } from './api.ts';
import { ColumnMapping, mappingComplete } from './ColumnMapping.tsx';
import { guessColumns, mappingOf, readHeaderRow, type FieldColumns } from './csv-header.ts';
import { ImportReportView } from './ImportReportView.tsx';

/** Moving to Calmdesk: a CSV client list, its columns matched to the client fields, checked first (dry run), then imported in one go. */
export function ImportPage() {
  const { t } = useI18n();
  const practice = usePractice();
  const p = practice.practiceId;
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  // Each chosen file gets a fresh key, so its header row is read once and never mixed with another's.
  const [fileKey, setFileKey] = useState(0);
  const [edited, setEdited] = useState<FieldColumns | null>(null);
  const headers = useQuery({
    queryKey: ['csv-header', fileKey],
    queryFn: () => (file ? readHeaderRow(file) : Promise.resolve([])),
    enabled: file !== null,
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
  });
  const columns = edited ?? (headers.data ? guessColumns(headers.data) : null);
  const mapping = headers.data && columns ? mappingOf(headers.data, columns) : null;
  const send = (dryRun: boolean) => (f: File) =>
    sendRaw(
      `/practices/${p}/clients/import${dryRun ? '/dry-run' : ''}${query({ mapping: mapping ? JSON.stringify(mapping) : null })}`,
      ImportReport,
      f,
      'text/csv',
    );
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
    setFileKey((k) => k + 1);
    setEdited(null);
    check.reset();
    run.reset();
  };
  const remap = (c: FieldColumns) => {
    setEdited(c);
    // A report of the old mapping no longer says what an import would do.
    check.reset();
  };
  const report = run.data ?? check.data;
  const busy = check.isPending || run.isPending;
  const mapped = columns !== null && mappingComplete(columns);
  const canCheck = !!file && headers.isSuccess && headers.data.length > 0 && mapped && !busy;
  const canImport = !!check.data && !run.data && check.data.totals.invalid === 0 && check.data.totals.create > 0;
  const error = run.error ?? check.error;
  return (
    <Stack>
      <Anchor component={Link} to={`/p/${p}/clients`} size="sm">
        ← {t('client.back')}
      </Anchor>
      <PageTitle practiceName={practice.practiceName}>{t('import.title')}</PageTitle>
      <Paper withBorder p="lg" radius="md">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (file && canCheck) check.mutate(file);
          }}
        >
          <Stack>
            <Text size="sm" maw={760}>
              {t('import.explain')}
            </Text>
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
            {file && headers.isPending ? (
              <Group gap="xs" role="status" aria-live="polite">
                <Loader size="sm" />
                <Text size="sm">{t('import.mapping.reading')}</Text>
              </Group>
            ) : null}
            {file && headers.isError ? (
              <Alert color="red" variant="light" role="alert">
                {t('import.mapping.readFailed')}
              </Alert>
            ) : null}
            {file && headers.isSuccess && headers.data.length === 0 ? (
              <Alert color="red" variant="light" role="alert">
                {t('import.mapping.noHeader')}
              </Alert>
            ) : null}
            {file && headers.isSuccess && headers.data.length > 0 && columns ? (
              <ColumnMapping headers={headers.data} columns={columns} onChange={remap} disabled={busy} />
            ) : null}
            <Group>
              <Button type="submit" variant={check.data ? 'default' : 'filled'} disabled={!canCheck} loading={check.isPending}>
                {t('import.check')}
              </Button>
              {check.data && !run.data ? (
                <Button onClick={() => file && run.mutate(file)} disabled={!canImport || busy} loading={run.isPending}>
                  {t('import.run', { n: check.data.totals.create })}
                </Button>
              ) : null}
            </Group>
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
        </form>
      </Paper>
      {report ? (
        <Paper withBorder p="lg" radius="md">
          <ImportReportView key={run.data ? `run-${run.submittedAt}` : `check-${check.submittedAt}`} report={report} practiceId={p} />
        </Paper>
      ) : null}
    </Stack>
  );
}
