import { Badge, Box, Button, Checkbox, Group, Paper, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useI18n } from '../../app/i18n/index.tsx';
import { usePractice } from '../../app/layout/PracticeLayout.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { useProfile, useRooms, useStaff } from '../settings/api.ts';
import { AppointmentDrawer } from './AppointmentDrawer.tsx';
import { type AppointmentData, isOpen, moveAppointment, rolesOf, schedulingKeys, useAppointments, useAvailability } from './api.ts';
import { BookDialog } from './BookDialog.tsx';
import {
  addDays,
  dayStart,
  type DaySegment,
  formatDate,
  formatDayLong,
  formatDayShort,
  isDate,
  localDateTime,
  mondayOf,
  outsideOf,
  segmentOnDate,
  today,
} from './calendar.ts';
import { ConflictAlert } from './ConflictAlert.tsx';
import { ABSENCE_STYLE, type ColumnShading, type GridColumn, OFF_STYLE, type MoveTarget, type PendingMove, TimeGrid } from './TimeGrid.tsx';

type View = 'day' | 'week' | 'team';
const VIEWS: View[] = ['day', 'week', 'team'];

/**
 * The practice's agenda: a day or a week of one clinician or room (or everyone), or one day
 * with the clinicians side by side. Schedulers book from here and drag appointments to move
 * them; a clinician without a back-office role sees their own agenda.
 */
export function AgendaPage() {
  const { t, locale } = useI18n();
  const practice = usePractice();
  const p = practice.practiceId;
  const { scheduler, ownOnly } = rolesOf(practice.roles);
  const qc = useQueryClient();
  const profile = useProfile(p);
  const staff = useStaff(p);
  const rooms = useRooms(p);
  const zone = profile.data?.timeZone;
  const [params, setParams] = useSearchParams();

  const view: View = VIEWS.find((v) => v === params.get('view')) ?? 'week';
  const effectiveView: View = ownOnly && view === 'team' ? 'day' : view;
  const date = isDate(params.get('date')) ? (params.get('date') ?? '') : zone ? today(zone) : '';
  const clinicianId = ownOnly ? practice.membershipId : (params.get('clinician') ?? undefined);
  const roomId = params.get('room') ?? undefined;
  const includeCancelled = params.get('cancelled') === '1';
  const openId = params.get('appointment');

  const set = (changes: Record<string, string | null>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          if (v) next.set(k, v);
          else next.delete(k);
        }
        return next;
      },
      { replace: true },
    );

  const first = effectiveView === 'week' ? mondayOf(date || '1970-01-01') : date;
  const days = effectiveView === 'week' ? 7 : 1;
  const filter =
    zone && date
      ? {
          from: dayStart(first, zone),
          to: dayStart(addDays(first, days), zone),
          clinicianId: effectiveView === 'team' ? undefined : clinicianId,
          roomId,
          includeCancelled,
        }
      : null;
  const list = useAppointments(p, filter);

  const clinicians = useMemo(() => (staff.data?.items ?? []).filter((s) => s.active && s.roles.includes('clinician')), [staff.data]);
  const activeRooms = (rooms.data?.items ?? []).filter((r) => r.active);

  const columns: GridColumn[] = useMemo(() => {
    if (!date) return [];
    if (effectiveView === 'team') {
      const cols: GridColumn[] = clinicians.map((c) => ({ key: c.membershipId, date, clinicianId: c.membershipId, title: c.name }));
      // Someone who left (or lost the clinician role) still shows with their appointments.
      for (const a of list.data?.items ?? []) {
        for (const c of a.clinicians) {
          if (!cols.some((col) => col.clinicianId === c.membershipId)) {
            cols.push({ key: c.membershipId, date, clinicianId: c.membershipId, title: c.name });
          }
        }
      }
      return cols;
    }
    return Array.from({ length: days }, (_, i) => {
      const d = addDays(first, i);
      return { key: d, date: d, title: days === 1 ? formatDayLong(d, locale) : formatDayShort(d, locale) };
    });
  }, [date, effectiveView, clinicians, list.data, days, first, locale]);

  // Working hours, leave and closures of the clinicians shown: the grid shades the rest.
  const teamIds = effectiveView === 'team' ? columns.flatMap((c) => (c.clinicianId ? [c.clinicianId] : [])).sort() : [];
  const availability = useAvailability(
    p,
    zone && date
      ? {
          from: first,
          to: addDays(first, days - 1),
          clinicianIds: effectiveView === 'team' ? (teamIds.length > 0 ? teamIds : undefined) : clinicianId ? [clinicianId] : undefined,
        }
      : null,
  );
  const shading = useMemo(() => {
    const a = availability.data;
    // Until this period's answer is there (the previous one is kept meanwhile), shade nothing.
    if (!a || !zone || a.from !== first) return undefined;
    const byId = new Map(a.clinicians.map((c) => [c.clinicianId, c]));
    const out: Record<string, ColumnShading> = {};
    for (const col of columns) {
      const id = col.clinicianId ?? clinicianId;
      const one = id ? byId.get(id) : undefined;
      if (id && !one) continue;
      // One clinician: their hours and leave; everyone: the time nobody works, and closures.
      const who = one ? [one] : a.clinicians;
      const working = who.flatMap((c) => c.working.map((w) => segmentOnDate(w, col.date, zone))).filter((x) => x !== null);
      const absences = [...(one ? one.absences : []), ...a.closures].flatMap((ab) => {
        const seg: DaySegment | null = segmentOnDate({ start: ab.startsAt, end: ab.endsAt }, col.date, zone);
        return seg ? [{ ...seg, kind: ab.kind, description: ab.description }] : [];
      });
      out[col.key] = { off: outsideOf(working), absences };
    }
    return out;
  }, [availability.data, zone, first, columns, clinicianId]);

  const [pending, setPending] = useState<PendingMove | null>(null);
  const [moveError, setMoveError] = useState<{ error: unknown; a: AppointmentData; target: MoveTarget } | null>(null);
  const [booking, setBooking] = useState(false);

  const move = async (a: AppointmentData, target: MoveTarget, reason?: string) => {
    setMoveError(null);
    setPending({ id: a.id, ...target });
    const from = target.fromClinicianId;
    const to = target.toClinicianId;
    const ids = a.clinicians.map((c) => c.membershipId);
    const clinicianIds = from && to && from !== to && !ids.includes(to) ? ids.map((id) => (id === from ? to : id)) : undefined;
    try {
      await moveAppointment(p, a.id, {
        start: localDateTime(target.date, target.minutes),
        ...(clinicianIds && { clinicianIds }),
        ...(reason && { outsideHours: { reason } }),
      });
      await qc.invalidateQueries({ queryKey: schedulingKeys.all(p) });
      notifications.show({
        color: 'teal',
        message: t('agenda.moved', {
          when: `${formatDayShort(target.date, locale)} ${localDateTime(target.date, target.minutes).slice(11)}`,
        }),
        closeButtonProps: { 'aria-label': t('common.close') },
      });
    } catch (e) {
      // The block goes back to where it was; the server's reason stays on screen.
      setMoveError({ error: e, a, target });
    } finally {
      setPending(null);
    }
  };

  const step = (n: number) => set({ date: addDays(date, n * (effectiveView === 'week' ? 7 : 1)) });
  const period =
    effectiveView === 'week'
      ? `${formatDate(first, locale)} – ${formatDate(addDays(first, 6), locale)}`
      : date
        ? formatDayLong(date, locale)
        : '';

  const isEmpty = (list.data?.items.length ?? 0) === 0;

  return (
    <Stack>
      <PageTitle
        practiceName={practice.practiceName}
        actions={
          scheduler ? (
            <Button onClick={() => setBooking(true)} disabled={!zone}>
              {t('agenda.book')}
            </Button>
          ) : null
        }
      >
        {t('agenda.title')}
      </PageTitle>

      <Paper withBorder p="md" radius="md">
        <Stack gap="sm">
          <Group justify="space-between" align="flex-end" wrap="wrap">
            <Group gap="xs" align="center" wrap="wrap">
              <SegmentedControl
                aria-label={t('agenda.view')}
                value={effectiveView}
                onChange={(v) => set({ view: v })}
                data={[
                  { value: 'day', label: t('agenda.viewDay') },
                  { value: 'week', label: t('agenda.viewWeek') },
                  ...(ownOnly ? [] : [{ value: 'team', label: t('agenda.viewTeam') }]),
                ]}
              />
              <Group gap={4}>
                <Button
                  variant="default"
                  size="sm"
                  onClick={() => step(-1)}
                  aria-label={t(effectiveView === 'week' ? 'agenda.prevWeek' : 'agenda.prevDay')}
                >
                  ‹
                </Button>
                <Button variant="default" size="sm" onClick={() => set({ date: zone ? today(zone) : null })}>
                  {t('agenda.today')}
                </Button>
                <Button
                  variant="default"
                  size="sm"
                  onClick={() => step(1)}
                  aria-label={t(effectiveView === 'week' ? 'agenda.nextWeek' : 'agenda.nextDay')}
                >
                  ›
                </Button>
              </Group>
              <Text fw={700} data-testid="agenda-period">
                {period}
              </Text>
            </Group>
          </Group>
          <Group align="flex-end" wrap="wrap">
            {ownOnly ? (
              <Badge variant="light" size="lg" data-testid="own-agenda" mb={8}>
                {t('agenda.ownAgenda')}
              </Badge>
            ) : effectiveView === 'team' ? null : (
              <Select
                label={t('agenda.clinician')}
                placeholder={t('agenda.allClinicians')}
                value={clinicianId ?? null}
                onChange={(v) => set({ clinician: v })}
                data={clinicians.map((c) => ({ value: c.membershipId, label: c.name }))}
                clearable
                searchable
                w={240}
              />
            )}
            <Select
              label={t('agenda.room')}
              placeholder={t('agenda.allRooms')}
              value={roomId ?? null}
              onChange={(v) => set({ room: v })}
              data={activeRooms.map((r) => ({ value: r.id, label: r.name }))}
              clearable
              w={200}
            />
            <Checkbox
              label={t('agenda.showCancelled')}
              checked={includeCancelled}
              onChange={(e) => set({ cancelled: e.currentTarget.checked ? '1' : null })}
              mb={8}
            />
          </Group>
          {zone ? (
            <Text size="xs" c="dimmed">
              {t('agenda.zoneNote', { zone })}
              {scheduler ? ` ${t('agenda.dragHint')}` : ''}
            </Text>
          ) : null}
          {shading ? (
            <Group gap="md" data-testid="agenda-legend">
              <Group gap={6}>
                <Box w={22} h={14} aria-hidden="true" style={{ ...OFF_STYLE, border: '1px solid var(--mantine-color-gray-4)' }} />
                <Text size="xs">{t('agenda.offHoursLegend')}</Text>
              </Group>
              <Group gap={6}>
                <Box w={22} h={14} aria-hidden="true" style={{ ...ABSENCE_STYLE.leave, border: '1px solid var(--mantine-color-gray-4)' }} />
                <Text size="xs">{t('agenda.absenceLegend')}</Text>
              </Group>
            </Group>
          ) : availability.isError ? (
            <Text size="xs" c="red.9" role="status">
              {t('agenda.availabilityFailed')}
            </Text>
          ) : null}
        </Stack>
      </Paper>

      {moveError ? (
        <ConflictAlert
          error={moveError.error}
          title={t('agenda.moveFailed')}
          onClose={() => setMoveError(null)}
          onOverride={(reason) => void move(moveError.a, moveError.target, reason)}
          overrideLabel={t('agenda.moveAnyway')}
          busy={pending !== null}
        />
      ) : null}

      <Paper withBorder p="md" radius="md" aria-busy={list.isFetching || pending !== null}>
        <QueryState query={profile}>
          {() => (
            <QueryState query={list}>
              {(d) => (
                <Stack gap="xs">
                  {isEmpty ? (
                    <Text c="dimmed" data-testid="empty-state">
                      {t(effectiveView === 'week' ? 'agenda.emptyWeek' : 'agenda.emptyDay')}
                    </Text>
                  ) : null}
                  {effectiveView === 'team' && columns.length === 0 ? (
                    <Text c="dimmed">{t('agenda.noClinicians')}</Text>
                  ) : zone ? (
                    <TimeGrid
                      label={`${t('agenda.title')} ${period}`}
                      columns={columns}
                      appointments={d.items}
                      timeZone={zone}
                      showClinicians={effectiveView === 'team' ? false : !clinicianId}
                      canDrag={(a) => scheduler && isOpen(a)}
                      onOpen={(a) => set({ appointment: a.id })}
                      onMove={(a, target) => void move(a, target)}
                      pending={pending}
                      shading={shading}
                    />
                  ) : null}
                </Stack>
              )}
            </QueryState>
          )}
        </QueryState>
      </Paper>

      {zone ? (
        <>
          <AppointmentDrawer
            practiceId={p}
            appointmentId={openId}
            timeZone={zone}
            roles={practice.roles}
            membershipId={practice.membershipId}
            onClose={() => set({ appointment: null })}
          />
          <BookDialog
            opened={booking}
            onClose={() => setBooking(false)}
            practiceId={p}
            timeZone={zone}
            initialDate={date}
            initialClinicianId={effectiveView === 'team' ? undefined : clinicianId}
            onBooked={(appointments) => {
              setBooking(false);
              const firstAt = appointments[0];
              if (firstAt) set({ date: firstAt.localStart.slice(0, 10) });
            }}
          />
        </>
      ) : null}
    </Stack>
  );
}
