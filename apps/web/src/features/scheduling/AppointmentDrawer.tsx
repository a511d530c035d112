import { Anchor, Badge, Button, Divider, Drawer, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useI18n, type MessageKey } from '../../app/i18n/index.tsx';
import { DayField } from '../../components/DayField.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { parseDay } from '../../app/time.ts';
import {
  type AppointmentDetailData,
  changeStatus,
  isOpen,
  moveAppointment,
  rolesOf,
  schedulingKeys,
  type StatusBody,
  useAppointment,
} from './api.ts';
import { clock, formatDate, formatDayLong, localTime, parseClock } from './calendar.ts';
import { ConflictAlert } from './ConflictAlert.tsx';
import { ModeIcon } from './ModeIcon.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { type StatusKind, StatusDialog } from './StatusDialog.tsx';

interface Props {
  practiceId: string;
  appointmentId: string | null;
  timeZone: string;
  roles: readonly string[];
  membershipId: string;
  onClose: () => void;
}

/** One appointment: details, history and what may be done with it now. */
export function AppointmentDrawer({ practiceId: p, appointmentId, timeZone, roles, membershipId, onClose }: Props) {
  const { t } = useI18n();
  const detail = useAppointment(p, appointmentId);
  return (
    <Drawer
      opened={appointmentId !== null}
      onClose={onClose}
      position="right"
      size="md"
      title={
        <Title order={2} size="h4">
          {detail.data?.serviceName ?? t('appointment.title')}
        </Title>
      }
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {appointmentId ? (
        <QueryState query={detail}>
          {(a) => <Details key={a.id} a={a} p={p} timeZone={timeZone} roles={roles} membershipId={membershipId} />}
        </QueryState>
      ) : null}
    </Drawer>
  );
}

function Details({
  a,
  p,
  timeZone,
  roles,
  membershipId,
}: {
  a: AppointmentDetailData;
  p: string;
  timeZone: string;
  roles: readonly string[];
  membershipId: string;
}) {
  const { t, locale, dateTime } = useI18n();
  const qc = useQueryClient();
  const { scheduler } = rolesOf(roles);
  const own = a.clinicians.some((c) => c.membershipId === membershipId);
  const mayAttend = scheduler || own;
  const started = new Date(a.startsAt).getTime() <= Date.now();
  const start = localTime(a.startsAt, timeZone);
  const end = localTime(a.endsAt, timeZone);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [dialog, setDialog] = useState<StatusKind | null>(null);

  const refresh = () => qc.invalidateQueries({ queryKey: schedulingKeys.all(p) });

  const status = async (body: StatusBody) => {
    setError(null);
    setBusy(body.status);
    try {
      await changeStatus(p, a.id, body);
      await refresh();
      notifications.show({ color: 'teal', message: t('common.saved'), closeButtonProps: { 'aria-label': t('common.close') } });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const kinds: StatusKind[] = [
    ...(scheduler && isOpen(a) ? (['cancel'] as const) : []),
    ...(mayAttend && started && (isOpen(a) || a.status === 'attended') ? (['no_show'] as const) : []),
  ];

  const place = a.mode === 'in_person' ? [a.locationName, a.roomName].filter(Boolean).join(' · ') : null;
  return (
    <Stack gap="sm" data-testid="appointment-details">
      <Group gap="xs">
        <StatusBadge status={a.status} />
        {a.seriesId && a.seriesPosition ? (
          <Badge variant="outline" color="gray">
            {t('appointment.seriesPosition', { n: a.seriesPosition })}
          </Badge>
        ) : null}
      </Group>
      <Field label={t('appointment.when')}>
        {formatDayLong(start.date, locale)} {clock(start.minutes)}–{clock(end.minutes)}
        {start.date !== end.date ? ` (${formatDate(end.date, locale)})` : ''}
      </Field>
      <Field label={a.clients.length > 1 ? t('appointment.clients') : t('appointment.client')}>
        <Stack gap={0}>
          {a.clients.map((c) => (
            <Anchor key={c.id} component={Link} to={`/p/${p}/clients/${c.id}`}>
              {c.displayName} ({c.clientNumber})
            </Anchor>
          ))}
        </Stack>
      </Field>
      <Field label={a.clinicians.length > 1 ? t('appointment.clinicians') : t('appointment.clinician')}>
        {a.clinicians.map((c) => c.name).join(', ')}
      </Field>
      <Field label={t('appointment.mode')}>
        <Group gap={6} wrap="nowrap">
          <ModeIcon mode={a.mode} size={14} />
          <span>{t(`mode.${a.mode}`)}</span>
          {place ? <span>· {place}</span> : null}
        </Group>
      </Field>
      {a.mode === 'video' ? (
        <Field label={t('appointment.videoLink')}>
          {a.videoUrl ? (
            <Anchor href={a.videoUrl} target="_blank" rel="noopener noreferrer" data-testid="video-link" style={{ wordBreak: 'break-all' }}>
              {a.videoUrl}
            </Anchor>
          ) : (
            t('appointment.noVideoLink')
          )}
        </Field>
      ) : null}
      {a.cancelledBy ? (
        <Field label={t('appointment.cancelledBy')}>{t(a.cancelledBy === 'client' ? 'status.byClient' : 'status.byPractice')}</Field>
      ) : null}
      {a.statusReason ? <Field label={t('appointment.statusReason')}>{a.statusReason}</Field> : null}
      {a.feeDecision ? <Field label={t('appointment.fee')}>{t(`fee.${a.feeDecision}`)}</Field> : null}
      {a.outsideHoursReason ? <Field label={t('appointment.outsideHours')}>{a.outsideHoursReason}</Field> : null}

      <Divider my={4} />
      <Group gap="xs">
        {mayAttend && a.status === 'planned' ? (
          <Button size="sm" variant="light" loading={busy === 'confirmed'} onClick={() => void status({ status: 'confirmed' })}>
            {t('appointment.confirm')}
          </Button>
        ) : null}
        {scheduler && a.status === 'confirmed' ? (
          <Button size="sm" variant="default" loading={busy === 'planned'} onClick={() => void status({ status: 'planned' })}>
            {t('appointment.unconfirm')}
          </Button>
        ) : null}
        {mayAttend && started && (isOpen(a) || a.status === 'no_show') ? (
          <Button size="sm" variant="light" loading={busy === 'attended'} onClick={() => void status({ status: 'attended' })}>
            {t('appointment.attended')}
          </Button>
        ) : null}
        {kinds.includes('no_show') ? (
          <Button size="sm" variant="light" color="red" onClick={() => setDialog('no_show')}>
            {t('appointment.noShow')}
          </Button>
        ) : null}
        {kinds.includes('cancel') ? (
          <Button size="sm" variant="light" color="red" onClick={() => setDialog('cancel')}>
            {t('appointment.cancel')}
          </Button>
        ) : null}
      </Group>
      {mayAttend && isOpen(a) && !started ? (
        <Text size="xs" c="dimmed">
          {t('appointment.attendanceLater')}
        </Text>
      ) : null}
      {error ? <ErrorAlert error={error} title={t('status.failed')} /> : null}
      {scheduler && (a.status === 'cancelled' || a.status === 'late_cancelled') && new Date(a.startsAt).getTime() > Date.now() ? (
        <Anchor component={Link} to={`/p/${p}/waitlist?appointmentId=${a.id}`} size="sm" data-testid="waitlist-link">
          {t('appointment.offerToWaitlist')}
        </Anchor>
      ) : null}

      {scheduler && isOpen(a) ? <MoveForm a={a} p={p} timeZone={timeZone} onMoved={refresh} /> : null}

      <Divider my={4} />
      <Title order={3} size="h5">
        {t('appointment.history')}
      </Title>
      <Stack gap={6} component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }} data-testid="appointment-history">
        {a.events.map((e, i) => (
          <li key={i}>
            <Text size="sm">
              <Text span fw={600}>
                {eventText(e, t)}
              </Text>
              {e.reason ? ` — ${e.reason}` : ''}
            </Text>
            <Text size="xs" c="dimmed">
              {dateTime(e.at, timeZone)}
              {e.userName ? ` · ${e.userName}` : ''}
            </Text>
          </li>
        ))}
      </Stack>

      {dialog ? (
        <StatusDialog
          appointment={a}
          opened
          initial={dialog}
          kinds={kinds}
          onClose={() => setDialog(null)}
          onSubmit={async (body) => {
            await changeStatus(p, a.id, body);
            setDialog(null);
            await refresh();
            notifications.show({ color: 'teal', message: t('common.saved'), closeButtonProps: { 'aria-label': t('common.close') } });
          }}
        />
      ) : null}
    </Stack>
  );
}

function eventText(e: AppointmentDetailData['events'][number], t: (k: MessageKey, v?: Record<string, string>) => string): string {
  const st = (s: string | null) => (s ? t(`appointmentStatus.${s}` as MessageKey) || s : '');
  if (e.action === 'booked') return t('event.booked');
  if (e.action === 'changed') return t('event.changed');
  if (e.action === 'status') return t('event.status', { from: st(e.fromStatus), to: st(e.toStatus) });
  return e.action;
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={700} tt="uppercase">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

/** Move by typing a date and time (the keyboard way to what dragging does), for a series also the following or all. */
function MoveForm({ a, p, timeZone, onMoved }: { a: AppointmentDetailData; p: string; timeZone: string; onMoved: () => Promise<void> }) {
  const { t, locale } = useI18n();
  const start = localTime(a.startsAt, timeZone);
  const [day, setDay] = useState(formatDate(start.date, locale));
  const [time, setTime] = useState(clock(start.minutes));
  const [scope, setScope] = useState<'this' | 'following' | 'all'>('this');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setDay(formatDate(start.date, locale));
    setTime(clock(start.minutes));
  }, [start.date, start.minutes, locale]);

  const parsedDay = parseDay(day);
  const minutes = parseClock(time);
  const submit = async (reason?: string) => {
    if (!parsedDay || minutes === null) return;
    const iso = `${parsedDay.year}-${String(parsedDay.month).padStart(2, '0')}-${String(parsedDay.day).padStart(2, '0')}`;
    setBusy(true);
    setError(null);
    try {
      await moveAppointment(p, a.id, {
        start: `${iso}T${clock(minutes)}`,
        ...(a.seriesId && { scope }),
        ...(reason && { outsideHours: { reason } }),
      });
      await onMoved();
      notifications.show({ color: 'teal', message: t('common.saved'), closeButtonProps: { 'aria-label': t('common.close') } });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Divider my={4} />
      <Title order={3} size="h5">
        {t('appointment.move')}
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack gap="xs">
          <Group align="flex-start" wrap="wrap" gap="sm">
            <DayField label={t('book.date')} value={day} onChange={setDay} />
            <TextInput
              label={t('book.time')}
              value={time}
              onChange={(e) => setTime(e.currentTarget.value)}
              placeholder="10:00"
              error={time.trim() && minutes === null ? t('book.invalidTime') : undefined}
              w={90}
            />
            {a.seriesId ? (
              <Select
                label={t('status.scope')}
                value={scope}
                onChange={(v) => setScope(v === 'all' ? 'all' : v === 'following' ? 'following' : 'this')}
                data={(['this', 'following', 'all'] as const).map((s) => ({ value: s, label: t(`scope.${s}`) }))}
                allowDeselect={false}
                w={220}
              />
            ) : null}
          </Group>
          <Group>
            <Button type="submit" variant="default" loading={busy} disabled={!parsedDay || minutes === null}>
              {t('appointment.moveSubmit')}
            </Button>
          </Group>
          <ConflictAlert
            error={error}
            title={t('agenda.moveFailed')}
            onOverride={(reason) => void submit(reason)}
            overrideLabel={t('agenda.moveAnyway')}
            busy={busy}
          />
        </Stack>
      </form>
    </>
  );
}
