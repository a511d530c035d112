import { Fieldset, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { IMPORT_FIELDS, REQUIRED_IMPORT_FIELDS, type ImportField } from '@calmdesk/shared';
import { useI18n, type MessageKey } from '../../app/i18n/index.tsx';
import type { FieldColumns } from './csv-header.ts';

/** The label each field has on the client form, so the import speaks the same words. */
export const IMPORT_FIELD_LABEL: Record<ImportField, MessageKey> = {
  firstName: 'client.firstName',
  namePrefix: 'client.namePrefix',
  lastName: 'client.lastName',
  dateOfBirth: 'client.dateOfBirth',
  gender: 'client.gender',
  bsn: 'client.bsn',
  email: 'client.email',
  phone: 'client.phone',
  street: 'client.street',
  houseNumber: 'client.houseNumber',
  postalCode: 'client.postalCode',
  city: 'client.city',
  country: 'client.country',
  insurerUzovi: 'client.uzovi',
  policyNumber: 'client.policyNumber',
  gpName: 'client.gpName',
  gpPracticeName: 'client.gpPractice',
  gpAgbCode: 'client.gpAgb',
  status: 'common.status',
};

export const isRequired = (f: ImportField) => (REQUIRED_IMPORT_FIELDS as readonly ImportField[]).includes(f);

/** True when every required field has a column. */
export const mappingComplete = (columns: FieldColumns) => REQUIRED_IMPORT_FIELDS.every((f) => columns[f] !== null);

interface Props {
  headers: string[];
  columns: FieldColumns;
  onChange: (columns: FieldColumns) => void;
  disabled?: boolean;
}

/**
 * For each Calmdesk field, the column of the file that holds it. A column feeds one field:
 * choosing it for a second field takes it from the first.
 */
export function ColumnMapping({ headers, columns, onChange, disabled = false }: Props) {
  const { t } = useI18n();
  const options = [...new Set(headers)];
  const used = new Set(Object.values(columns));
  const unused = options.filter((h) => !used.has(h));
  const choose = (field: ImportField, header: string | null) => {
    const next = { ...columns };
    if (header !== null) for (const f of IMPORT_FIELDS) if (next[f] === header) next[f] = null;
    next[field] = header;
    onChange(next);
  };
  return (
    <Fieldset legend={t('import.mapping.title')} data-testid="column-mapping">
      <Stack gap="sm">
        <Text size="sm">{t('import.mapping.explain')}</Text>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="sm" verticalSpacing="xs">
          {IMPORT_FIELDS.map((f) => (
            <Select
              key={f}
              label={t(IMPORT_FIELD_LABEL[f])}
              withAsterisk={isRequired(f)}
              data={options}
              value={columns[f]}
              onChange={(v) => choose(f, v)}
              placeholder={t('import.mapping.none')}
              clearable={!isRequired(f)}
              clearButtonProps={{ 'aria-label': t('import.mapping.clear', { field: t(IMPORT_FIELD_LABEL[f]) }) }}
              error={isRequired(f) && columns[f] === null ? t('import.mapping.required') : undefined}
              disabled={disabled}
              size="sm"
            />
          ))}
        </SimpleGrid>
        <Text size="sm" c="dimmed" data-testid="unused-columns">
          {unused.length > 0 ? t('import.mapping.unused', { list: unused.join(', ') }) : t('import.mapping.allUsed')}
        </Text>
      </Stack>
    </Fieldset>
  );
}
