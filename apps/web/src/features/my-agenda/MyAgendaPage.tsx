import { Badge, Button, Group, Paper, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { Agenda } from '@calmdesk/shared';
import { api, query } from '../../app/api.ts';
import { useI18n } from '../../app/i18n/index.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';

const DAY_MS = 86_400_000;

/** Midnight (browser time) of the day `offset` days from today. */
function dayStart(offset: number): Date {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() + offset);
  return d;
}

/**
 * `/agenda`: one list across every practice the user works for, each item labelled with its
 * practice (read per practice, each logged in that practice's access log).
 */
export function MyAgendaPage() {
  const { t, date, locale } = useI18n();
  const [offset, setOffset] = useState(0);
  const [span, setSpan] = useState<'1' | '7'>('7');
  const from = dayStart(offset);
  const to = new Date(from.getTime() + Number(span) * DAY_MS);
  const agenda = useQuery({
    queryKey: ['my-agenda', from.toISOString(), to.toISOString()],
    queryFn: () => api.get(`/me/agenda${query({ from: from.toISOString(), to: to.toISOString() })}`, Agenda),
  });
  const time = (iso: string, zone: string) =>
    new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: zone,
    }).format(new Date(iso));
  const step = Number(span);
  return (
    <Stack>
      <PageTitle>{t('myAgenda.title')}</PageTitle>
      <Text c="dimmed" size="sm">
        {t('myAgenda.intro')}
      </Text>
      <Group justify="space-between">
        <Group gap="xs">
          <Button variant="default" size="xs" onClick={() => setOffset((o) => o - step)}>
            {t('myAgenda.previous')}
          </Button>
          <Button variant="default" size="xs" onClick={() => setOffset(0)}>
            {t('myAgenda.today')}
          </Button>
          <Button variant="default" size="xs" onClick={() => setOffset((o) => o + step)}>
            {t('myAgenda.next')}
          </Button>
          <Text size="sm" data-testid="my-agenda-range">
            {date(from.toISOString())} – {date(new Date(to.getTime() - 1).toISOString())}
          </Text>
        </Group>
        <SegmentedControl
          size="xs"
          value={span}
          onChange={(v) => setSpan(v === '1' ? '1' : '7')}
          data={[
            { value: '1', label: t('myAgenda.day') },
            { value: '7', label: t('myAgenda.week') },
          ]}
        />
      </Group>
      <QueryState query={agenda} isEmpty={(d) => d.items.length === 0} empty={t('myAgenda.empty')}>
        {(d) => {
          const days = new Map<string, typeof d.items>();
          for (const item of d.items) {
            const key = date(item.startsAt, item.timeZone);
            days.set(key, [...(days.get(key) ?? []), item]);
          }
          return (
            <Stack>
              {[...days].map(([day, items]) => (
                <Paper key={day} withBorder p="sm" radius="md">
                  <Title order={3} size="h5" mb="xs">
                    {day}
                  </Title>
                  <TableScroll label={day} minWidth={640}>
                    <Table striped>
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th>{t('myAgenda.time')}</Table.Th>
                          <Table.Th>{t('myAgenda.practice')}</Table.Th>
                          <Table.Th>{t('myAgenda.clients')}</Table.Th>
                          <Table.Th>{t('myAgenda.clinicians')}</Table.Th>
                          <Table.Th>{t('myAgenda.where')}</Table.Th>
                          <Table.Th>{t('common.status')}</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {items.map((a) => (
                          <Table.Tr key={a.id} data-testid="my-agenda-item">
                            <Table.Td>
                              {time(a.startsAt, a.timeZone)}–{time(a.endsAt, a.timeZone)}
                            </Table.Td>
                            <Table.Td>
                              <Badge variant="light" component={Link} to={`/p/${a.practiceId}/agenda`} style={{ cursor: 'pointer' }}>
                                {a.practiceName}
                              </Badge>
                            </Table.Td>
                            <Table.Td>{a.clients.map((c) => c.displayName).join(', ')}</Table.Td>
                            <Table.Td>{a.clinicians.map((c) => c.name).join(', ')}</Table.Td>
                            <Table.Td>
                              {t(`myAgenda.mode.${a.mode}`)}
                              {a.roomName ? ` · ${a.roomName}` : ''}
                            </Table.Td>
                            <Table.Td>{t(`myAgenda.status.${a.status}`)}</Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </TableScroll>
                </Paper>
              ))}
            </Stack>
          );
        }}
      </QueryState>
    </Stack>
  );
}
