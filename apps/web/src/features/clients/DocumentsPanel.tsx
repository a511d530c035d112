import { Anchor, Button, FileInput, Group, Image, Modal, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { DOCUMENT_LABELS, DOCUMENT_TYPES, DocumentMeta, Ok } from '@calmdesk/shared';
import { api, query, sendRaw } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { clientKeys, clientPath, formatSize, useDocuments, type DocumentData } from './api.ts';

type Label = (typeof DOCUMENT_LABELS)[number];

interface Props {
  practiceId: string;
  clientId: string;
  /** Relabel and delete (back office, owner). */
  canWrite: boolean;
  /** Upload (also clinicians). */
  canUpload: boolean;
}

function UploadForm({ practiceId, clientId }: { practiceId: string; clientId: string }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [label, setLabel] = useState<Label>('referral_letter');
  const [typeError, setTypeError] = useState<string | null>(null);
  const upload = useMutation({
    mutationFn: (f: File) =>
      sendRaw(
        `${clientPath(practiceId, clientId)}/documents${query({ label, fileName: f.name })}`,
        DocumentMeta,
        f,
        f.type || 'application/octet-stream',
      ),
    onSuccess: async (d) => {
      setFile(null);
      await qc.invalidateQueries({ queryKey: clientKeys.documents(practiceId, clientId) });
      await qc.invalidateQueries({ queryKey: clientKeys.history(practiceId, clientId) });
      notifications.show({
        color: 'teal',
        message: t('doc.uploaded', { name: d.fileName }),
        closeButtonProps: { 'aria-label': t('common.close') },
      });
    },
  });
  const pick = (f: File | null) => {
    upload.reset();
    setFile(f);
    setTypeError(f && !(DOCUMENT_TYPES as readonly string[]).includes(f.type) ? t('doc.wrongType') : null);
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (file && !typeError) upload.mutate(file);
      }}
    >
      <Stack gap="sm">
        <Title order={3} size="h5">
          {t('doc.upload')}
        </Title>
        <Group align="flex-start" wrap="wrap">
          <FileInput
            label={t('doc.file')}
            placeholder={t('doc.choose')}
            value={file}
            onChange={pick}
            accept={DOCUMENT_TYPES.join(',')}
            error={typeError ?? fieldError(upload.error, 'body') ?? fieldError(upload.error, 'fileName')}
            clearable
            clearButtonProps={{ 'aria-label': t('doc.clearFile') }}
            w={320}
            data-testid="document-file"
          />
          <Select
            label={t('doc.label')}
            value={label}
            onChange={(v) => setLabel(DOCUMENT_LABELS.find((l) => l === v) ?? 'other')}
            data={DOCUMENT_LABELS.map((l) => ({ value: l, label: t(`docLabel.${l}`) }))}
            allowDeselect={false}
            error={fieldError(upload.error, 'label')}
            w={220}
          />
        </Group>
        <ErrorAlert error={upload.error} shownFields={['body', 'fileName', 'label']} />
        <Group>
          <Button type="submit" loading={upload.isPending} disabled={!file || !!typeError}>
            {t('doc.uploadButton')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** A client's documents: upload with a label, list, view, download, relabel, delete (asks first). */
export function DocumentsPanel({ practiceId, clientId, canWrite, canUpload }: Props) {
  const { t, locale, dateTime } = useI18n();
  const qc = useQueryClient();
  const docs = useDocuments(practiceId, clientId);
  const [viewing, setViewing] = useState<DocumentData | null>(null);
  const url = (d: DocumentData, purpose: 'preview' | 'download') =>
    `/api/v1${clientPath(practiceId, clientId)}/documents/${d.id}/${purpose}`;
  const remove = useMutation({
    mutationFn: (d: DocumentData) => api.delete(`${clientPath(practiceId, clientId)}/documents/${d.id}`, Ok),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: clientKeys.documents(practiceId, clientId) });
      await qc.invalidateQueries({ queryKey: clientKeys.history(practiceId, clientId) });
      notifications.show({ color: 'teal', message: t('doc.deleted'), closeButtonProps: { 'aria-label': t('common.close') } });
    },
  });
  const relabel = useMutation({
    mutationFn: ({ doc, label }: { doc: DocumentData; label: Label }) =>
      api.patch(`${clientPath(practiceId, clientId)}/documents/${doc.id}`, DocumentMeta, { label }),
    onSuccess: async (d) => {
      await qc.invalidateQueries({ queryKey: clientKeys.documents(practiceId, clientId) });
      await qc.invalidateQueries({ queryKey: clientKeys.history(practiceId, clientId) });
      notifications.show({
        color: 'teal',
        message: t('doc.relabelled', { name: d.fileName, label: t(`docLabel.${d.label}`) }),
        closeButtonProps: { 'aria-label': t('common.close') },
      });
    },
  });
  return (
    <Stack>
      <Paper withBorder p="md" radius="md">
        <ErrorAlert error={remove.error} />
        <ErrorAlert error={relabel.error} />
        <QueryState query={docs} isEmpty={(d) => d.items.length === 0} empty={t('doc.empty')}>
          {(d) => (
            <TableScroll label={t('doc.list')} minWidth={860}>
              <Table striped verticalSpacing={6} data-testid="documents-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('doc.name')}</Table.Th>
                    <Table.Th>{t('doc.label')}</Table.Th>
                    <Table.Th>{t('doc.size')}</Table.Th>
                    <Table.Th>{t('doc.uploadedBy')}</Table.Th>
                    <Table.Th>{t('doc.date')}</Table.Th>
                    <Table.Th>{t('common.actions')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {d.items.map((doc) => (
                    <Table.Tr key={doc.id}>
                      <Table.Td style={{ overflowWrap: 'anywhere' }}>{doc.fileName}</Table.Td>
                      <Table.Td>
                        {canWrite ? (
                          <Select
                            aria-label={t('doc.labelOf', { name: doc.fileName })}
                            value={doc.label}
                            onChange={(v) => {
                              const label = DOCUMENT_LABELS.find((l) => l === v);
                              if (label && label !== doc.label) relabel.mutate({ doc, label });
                            }}
                            data={DOCUMENT_LABELS.map((l) => ({ value: l, label: t(`docLabel.${l}`) }))}
                            allowDeselect={false}
                            disabled={relabel.isPending && relabel.variables.doc.id === doc.id}
                            size="xs"
                            w={190}
                          />
                        ) : (
                          t(`docLabel.${doc.label}`)
                        )}
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatSize(doc.sizeBytes, locale)}</Table.Td>
                      <Table.Td>{doc.uploadedBy ?? '—'}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(doc.createdAt)}</Table.Td>
                      <Table.Td>
                        <Group gap={6} wrap="nowrap">
                          {doc.mimeType === 'application/pdf' ? (
                            <Button
                              size="xs"
                              variant="default"
                              component="a"
                              href={url(doc, 'preview')}
                              target="_blank"
                              rel="noopener"
                              aria-label={t('doc.previewNewTab', { name: doc.fileName })}
                            >
                              {t('doc.preview')} ↗
                            </Button>
                          ) : (
                            <Button
                              size="xs"
                              variant="default"
                              onClick={() => setViewing(doc)}
                              aria-label={t('doc.previewOf', { name: doc.fileName })}
                            >
                              {t('doc.preview')}
                            </Button>
                          )}
                          <Button
                            size="xs"
                            variant="default"
                            component="a"
                            href={url(doc, 'download')}
                            download={doc.fileName}
                            aria-label={t('doc.downloadOf', { name: doc.fileName })}
                          >
                            {t('doc.download')}
                          </Button>
                          {canWrite ? (
                            <ConfirmButton
                              size="xs"
                              variant="subtle"
                              color="red"
                              question={t('doc.deleteQuestion', { name: doc.fileName })}
                              confirmLabel={t('doc.delete')}
                              onConfirm={() => remove.mutate(doc)}
                              aria-label={t('doc.deleteOf', { name: doc.fileName })}
                              loading={remove.isPending && remove.variables.id === doc.id}
                            >
                              {t('doc.delete')}
                            </ConfirmButton>
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
      </Paper>
      {canUpload ? (
        <Paper withBorder p="md" radius="md">
          <UploadForm practiceId={practiceId} clientId={clientId} />
        </Paper>
      ) : null}
      <Modal
        opened={viewing !== null}
        onClose={() => setViewing(null)}
        title={viewing?.fileName}
        size="xl"
        centered
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        {viewing ? (
          <Stack>
            <Image src={url(viewing, 'preview')} alt={viewing.fileName} fit="contain" mah="70vh" />
            <Text size="sm">
              <Anchor href={url(viewing, 'download')} download={viewing.fileName}>
                {t('doc.downloadOf', { name: viewing.fileName })}
              </Anchor>
            </Text>
          </Stack>
        ) : null}
      </Modal>
    </Stack>
  );
}
