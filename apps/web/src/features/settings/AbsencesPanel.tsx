import { Badge, Button, Group, Modal, Paper, Select, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ABSENCE_KINDS, Absence, Ok, type AbsenceKind } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useI18n, type Locale } from '../../app/i18n/index.tsx';
import { parseDay } from '../../app/time.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { DayField } from '../../components/DayField.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { keys, localDay, useAbsences, useProfile, useStaff, type AbsenceItem } from './api.ts';

/** `2026-07-13` → 13-07-2026 (nl) or 13/07/2026 (en). */
function showDay(iso: string, locale: Locale): string {
  return iso
    .slice(0, 10)
    .split('-')
    .reverse()
    .join(locale === 'nl' ? '-' : '/');
}

function dayBefore(iso: string): string {
  const d = new Date(`${iso.slice(0, 10)}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** Whole days (13-07-2026 – 17-07-2026) or times (13-07-2026 13:00–17:00), from the wall-clock bounds. */
export function absencePeriod(a: Pick<AbsenceItem, 'localStart' | 'localEnd'>, locale: Locale): string {
  const [startDay = '', startTime = '00:00'] = a.localStart.split('T');
  const [endDay = '', endTime = '00:00'] = a.localEnd.split('T');
  if (startTime === '00:00' && endTime === '00:00') {
    const last = dayBefore(endDay);
    return last <= startDay ? showDay(startDay, locale) : `${showDay(startDay, locale)} – ${showDay(last, locale)}`;
  }
  if (startDay === endDay) return `${showDay(startDay, locale)} ${startTime}–${endTime}`;
  return `${showDay(startDay, locale)} ${startTime} – ${showDay(endDay, locale)} ${endTime}`;
}

/** `9:00` → `09:00`; anything else as typed (the server names what is wrong). */
function normalTime(s: string): string {
  const m = /^(\d{1,2})[:.](\d{2})$/.exec(s.trim());
  return m ? `${(m[1] ?? '').padStart(2, '0')}:${m[2] ?? ''}` : s.trim();
}

function isoDay(text: string): string {
  const d = parseDay(text);
  return d ? `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}` : text.trim();
}

function AddForm({ practiceId, onDone }: { practiceId: string; onDone: () => void }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const staff = useStaff(practiceId);
  const [kind, setKind] = useState<AbsenceKind>('leave');
  const [member, setMember] = useState<string | null>(null);
  const [wholeDays, setWholeDays] = useState(true);
  const [startDay, setStartDay] = useState('');
  const [endDay, setEndDay] = useState('');
  const [startTime, setStartTime] = useState('09:00');
  const [endTime, setEndTime] = useState('17:00');
  const [description, setDescription] = useState('');
  const closure = kind === 'closure';
  const save = useMutation({
    mutationFn: () => {
      const start = isoDay(startDay);
      const end = isoDay(endDay || startDay);
      return api.post(`/practices/${practiceId}/absences`, Absence, {
        kind,
        membershipId: closure ? null : member,
        start: wholeDays ? start : `${start}T${normalTime(startTime)}`,
        end: wholeDays ? end : `${end}T${normalTime(endTime)}`,
        ...(description.trim() ? { description: description.trim() } : {}),
      });
    },
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: keys.absences(practiceId) });
      notifications.show({ color: 'teal', message: t('absences.added'), closeButtonProps: { 'aria-label': t('common.close') } });
      onDone();
    },
  });
  const members = (staff.data?.items ?? []).filter((s) => s.active).map((s) => ({ value: s.membershipId, label: s.name }));
  const needsMember = !closure && member === null;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
      data-testid="absence-form"
    >
      <Stack>
        <Group grow align="flex-start">
          <Select
            label={t('absences.kind')}
            value={kind}
            onChange={(v) => setKind(ABSENCE_KINDS.find((k) => k === v) ?? 'leave')}
            data={ABSENCE_KINDS.map((k) => ({ value: k, label: t(`absences.kind.${k}`) }))}
            allowDeselect={false}
            error={fieldError(save.error, 'kind')}
          />
          {closure ? (
            <TextInput label={t('absences.who')} value={t('absences.wholePractice')} readOnly />
          ) : (
            <Select
              label={t('absences.member')}
              placeholder={t('absences.memberPlaceholder')}
              value={member}
              onChange={setMember}
              data={members}
              searchable
              nothingFoundMessage={t('absences.noMembers')}
              error={fieldError(save.error, 'membershipId')}
              required
            />
          )}
        </Group>
        <Switch label={t('absences.wholeDays')} checked={wholeDays} onChange={(e) => setWholeDays(e.currentTarget.checked)} />
        <Group align="flex-start">
          <DayField
            label={wholeDays ? t('absences.firstDay') : t('absences.startDay')}
            value={startDay}
            onChange={setStartDay}
            error={fieldError(save.error, 'start')}
          />
          {wholeDays ? null : (
            <TextInput
              label={t('absences.startTime')}
              value={startTime}
              onChange={(e) => setStartTime(e.currentTarget.value)}
              placeholder="09:00"
              w={100}
            />
          )}
          <DayField
            label={wholeDays ? t('absences.lastDay') : t('absences.endDay')}
            value={endDay}
            onChange={setEndDay}
            error={fieldError(save.error, 'end')}
          />
          {wholeDays ? null : (
            <TextInput
              label={t('absences.endTime')}
              value={endTime}
              onChange={(e) => setEndTime(e.currentTarget.value)}
              placeholder="17:00"
              w={100}
            />
          )}
        </Group>
        <Text size="xs" c="dimmed">
          {wholeDays ? t('absences.wholeDaysHint') : t('absences.timesHint')}
        </Text>
        <TextInput
          label={t('absences.description')}
          description={t('absences.descriptionHint')}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          error={fieldError(save.error, 'description')}
          maxLength={200}
        />
        <Text size="sm" c="dimmed">
          {t('absences.bookedStay')}
        </Text>
        <ErrorAlert error={save.error} shownFields={['kind', 'membershipId', 'start', 'end', 'description']} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending} disabled={needsMember || startDay.trim() === ''}>
            {t('absences.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Row({ practiceId, a, canEdit }: { practiceId: string; a: AbsenceItem; canEdit: boolean }) {
  const { t, locale } = useI18n();
  const qc = useQueryClient();
  const who = a.name ?? t('absences.wholePractice');
  const remove = useMutation({
    mutationFn: () => api.delete(`/practices/${practiceId}/absences/${a.id}`, Ok),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: keys.absences(practiceId) });
      notifications.show({ color: 'teal', message: t('absences.removed'), closeButtonProps: { 'aria-label': t('common.close') } });
    },
  });
  const when = absencePeriod(a, locale);
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" fw={600}>
          {who}
        </Text>
      </Table.Td>
      <Table.Td>
        <Badge variant="light" color={a.kind === 'closure' ? 'orange' : a.kind === 'sick' ? 'grape' : 'teal'} size="sm">
          {t(`absences.kind.${a.kind}`)}
        </Badge>
        {a.description ? (
          <Text size="xs" c="dimmed" mt={2}>
            {a.description}
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{when}</Table.Td>
      {canEdit ? (
        <Table.Td>
          <ConfirmButton
            size="xs"
            variant="light"
            color="red"
            loading={remove.isPending}
            question={t('absences.removeQuestion', { who, when })}
            confirmLabel={t('absences.remove')}
            onConfirm={() => remove.mutate()}
            aria-label={`${t('absences.remove')}: ${who}, ${when}`}
          >
            {t('absences.remove')}
          </ConfirmButton>
          {remove.error ? <ErrorAlert error={remove.error} /> : null}
        </Table.Td>
      ) : null}
    </Table.Tr>
  );
}

function Upcoming({ practiceId, zone, canEdit }: { practiceId: string; zone: string; canEdit: boolean }) {
  const { t } = useI18n();
  const absences = useAbsences(practiceId, localDay(zone), localDay(zone, 365));
  return (
    <QueryState query={absences} isEmpty={(d) => d.items.length === 0} empty={t('absences.empty')}>
      {(d) => (
        <TableScroll label={t('settings.tab.absences')} minWidth={640}>
          <Table striped data-testid="absences-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('absences.who')}</Table.Th>
                <Table.Th>{t('absences.what')}</Table.Th>
                <Table.Th>{t('absences.when')}</Table.Th>
                {canEdit ? <Table.Th>{t('common.actions')}</Table.Th> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {d.items.map((a) => (
                <Row key={a.id} practiceId={practiceId} a={a} canEdit={canEdit} />
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
    </QueryState>
  );
}

/** Upcoming leave of members and closures of the practice; owner and back office add and remove them. */
export function AbsencesPanel({ practiceId, canEdit }: { practiceId: string; canEdit: boolean }) {
  const { t } = useI18n();
  const profile = useProfile(practiceId);
  const [adding, setAdding] = useState(false);
  return (
    <Paper withBorder p="md" radius="md">
      <Group justify="space-between" mb="sm" align="flex-start">
        <Text size="sm" c="dimmed" maw={620}>
          {t('absences.explain')}
        </Text>
        {canEdit ? <Button onClick={() => setAdding(true)}>{t('absences.add')}</Button> : null}
      </Group>
      <QueryState query={profile}>{(p) => <Upcoming practiceId={practiceId} zone={p.timeZone} canEdit={canEdit} />}</QueryState>
      <Modal
        opened={adding}
        onClose={() => setAdding(false)}
        title={t('absences.add')}
        size="lg"
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        {adding ? <AddForm practiceId={practiceId} onDone={() => setAdding(false)} /> : null}
      </Modal>
    </Paper>
  );
}
