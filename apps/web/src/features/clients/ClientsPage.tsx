import { Anchor, Button, Group, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useSearchParams, Link } from 'react-router';
import { CLIENT_STATUSES } from '@calmdesk/shared';
import { useI18n } from '../../app/i18n/index.tsx';
import { usePractice } from '../../app/layout/PracticeLayout.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { formatDay, maskedBsn, SEARCH_LIMIT, useClientSearch } from './api.ts';
import { RestrictedHits } from './care.tsx';
import { StatusBadge } from './StatusBadge.tsx';

/** The practice's clients: search by name, BSN, date of birth or number, filter by status. */
export function ClientsPage() {
  const { t, locale } = useI18n();
  const practice = usePractice();
  const p = practice.practiceId;
  const canWrite = practice.roles.includes('owner') || practice.roles.includes('back_office');
  const ownClientsOnly = !practice.roles.some((r) => r === 'owner' || r === 'back_office' || r === 'billing');
  const [params, setParams] = useSearchParams();
  const text = params.get('q') ?? '';
  const status = CLIENT_STATUSES.find((s) => s === params.get('status')) ?? null;
  const [q] = useDebouncedValue(text.trim(), 300);
  const search = useClientSearch(p, q, status);
  const set = (key: string, value: string | null) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  const base = `/p/${p}/clients`;
  return (
    <Stack>
      <PageTitle
        practiceName={practice.practiceName}
        actions={
          canWrite ? (
            <Group gap="xs">
              <Button variant="default" component={Link} to={`${base}/import`}>
                {t('clients.import')}
              </Button>
              <Button component={Link} to={`${base}/new`}>
                {t('clients.new')}
              </Button>
            </Group>
          ) : null
        }
      >
        {t('clients.title')}
      </PageTitle>
      <Paper withBorder p="md" radius="md">
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label={t('clients.search')}
            description={ownClientsOnly ? t('glass.clinicianHint') : t('clients.searchHint')}
            value={text}
            onChange={(e) => set('q', e.currentTarget.value)}
            type="search"
            w={{ base: '100%', sm: 420 }}
            data-autofocus
          />
          <Select
            label={t('clients.statusFilter')}
            value={status}
            onChange={(v) => set('status', v)}
            data={CLIENT_STATUSES.map((s) => ({ value: s, label: t(`clientStatus.${s}`) }))}
            placeholder={t('clients.allStatuses')}
            clearable
            w={200}
          />
        </Group>
      </Paper>
      <RestrictedHits practiceId={p} hits={search.data?.restricted ?? []} />
      <Paper withBorder p="md" radius="md" aria-busy={search.isFetching}>
        <QueryState
          query={search}
          isEmpty={(d) => d.items.length === 0}
          empty={q || status ? t('clients.empty') : t('clients.emptyPractice')}
        >
          {(d) => (
            <Stack gap="xs">
              <TableScroll label={t('clients.results')} minWidth={640}>
                <Table striped highlightOnHover verticalSpacing={8}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('clients.number')}</Table.Th>
                      <Table.Th>{t('clients.name')}</Table.Th>
                      <Table.Th>{t('clients.dateOfBirth')}</Table.Th>
                      <Table.Th>{t('clients.bsnLast4')}</Table.Th>
                      <Table.Th>{t('common.status')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {d.items.map((c) => (
                      <Table.Tr key={c.id}>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>{c.clientNumber}</Table.Td>
                        <Table.Td>
                          <Anchor component={Link} to={`${base}/${c.id}`} fw={600}>
                            {c.displayName}
                          </Anchor>
                        </Table.Td>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDay(c.dateOfBirth, locale)}</Table.Td>
                        <Table.Td>{maskedBsn(c.bsnLast4)}</Table.Td>
                        <Table.Td>
                          <StatusBadge status={c.status} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </TableScroll>
              {d.items.length >= SEARCH_LIMIT ? (
                <Text size="sm" c="dimmed">
                  {t('clients.limited', { n: SEARCH_LIMIT })}
                </Text>
              ) : null}
            </Stack>
          )}
        </QueryState>
      </Paper>
    </Stack>
  );
}
