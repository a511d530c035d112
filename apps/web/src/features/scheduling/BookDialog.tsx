import {
  Button,
  Group,
  Modal,
  NumberInput,
  Paper,
  SegmentedControl,
  MultiSelect,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Mode } from '@calmdesk/shared';
import { useI18n } from '../../app/i18n/index.tsx';
import { parseDay } from '../../app/time.ts';
import { DayField } from '../../components/DayField.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { useLocations, useRooms, useServices, useStaff } from '../settings/api.ts';
import {
  type AppointmentData,
  book,
  type BookingBody,
  type FreeSlotData,
  type SlotQuery,
  schedulingKeys,
  useClientPicker,
  useFreeSlots,
} from './api.ts';
import { addDays, clock, formatDate, formatDayLong, parseClock } from './calendar.ts';
import { ConflictAlert } from './ConflictAlert.tsx';
import { CandidatesPanel } from '../waitlist/CandidatesPanel.tsx';
import type { FreeSlotOffer } from '../waitlist/api.ts';

const ANY = 'any';

interface Props {
  opened: boolean;
  onClose: () => void;
  practiceId: string;
  timeZone: string;
  initialDate: string;
  initialClinicianId?: string | undefined;
  onBooked: (appointments: AppointmentData[]) => void;
}

/** Where and with whom a booking takes place: from a free slot or typed by hand. */
interface Placement {
  start: string;
  clinicianIds: string[];
  locationId?: string | undefined;
  roomId?: string | undefined;
}

function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function isoOf(text: string): string | null {
  const d = parseDay(text);
  return d ? `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}` : null;
}

/**
 * Booking: client, service, mode, clinician (or any), place; then one click on a free slot,
 * or a date and time typed by hand; optionally weekly or every other week. A refusal shows
 * the server's reason; outside working hours the user may book anyway with a reason.
 */
export function BookDialog(props: Props) {
  const { t } = useI18n();
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={t('book.title')}
      size="xl"
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {props.opened ? <BookForm {...props} /> : null}
    </Modal>
  );
}

function BookForm({ practiceId: p, timeZone, initialDate, initialClinicianId, onBooked, onClose }: Props) {
  const { t, locale } = useI18n();
  const qc = useQueryClient();
  const services = useServices(p);
  const staff = useStaff(p);
  const locations = useLocations(p);
  const rooms = useRooms(p);

  const [clientId, setClientId] = useState<string | null>(null);
  const [clientLabel, setClientLabel] = useState('');
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const searching = q.length >= 2 && q !== clientLabel;
  const clientHits = useClientPicker(p, searching ? q : '');

  // A group session: more clients; co-therapy: more clinicians (their times are checked on booking).
  const [groupClients, setGroupClients] = useState<{ value: string; label: string }[]>([]);
  const [groupSearch, setGroupSearch] = useState('');
  const [gq] = useDebouncedValue(groupSearch.trim(), 300);
  const groupHits = useClientPicker(p, gq.length >= 2 ? gq : '');
  const [coTherapists, setCoTherapists] = useState<string[]>([]);

  const [serviceId, setServiceId] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode | null>(null);
  const [clinician, setClinician] = useState<string>(initialClinicianId ?? ANY);
  const [locationId, setLocationId] = useState<string | null>(null);
  const [roomId, setRoomId] = useState<string | null>(null);
  const [duration, setDuration] = useState<number | string>('');
  const [repeat, setRepeat] = useState<'none' | '1' | '2'>('none');
  const [endKind, setEndKind] = useState<'count' | 'until'>('count');
  const [count, setCount] = useState<number | string>(6);
  const [until, setUntil] = useState('');
  const [from, setFrom] = useState(formatDate(initialDate, locale));
  const [to, setTo] = useState(formatDate(addDays(initialDate, 13), locale));
  const [slotQuery, setSlotQuery] = useState<SlotQuery | null>(null);
  const [day, setDay] = useState(formatDate(initialDate, locale));
  const [time, setTime] = useState('');
  /** After a slot search only what the search needs is marked; after a booking attempt, everything. */
  const [tried, setTried] = useState<'none' | 'slots' | 'book'>('none');
  const [error, setError] = useState<unknown>(null);
  const [last, setLast] = useState<Placement | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  /** A free slot whose waitlist candidates are shown. */
  const [offering, setOffering] = useState<FreeSlotOffer | null>(null);
  const candidatesRef = useRef<HTMLDivElement>(null);
  const key = useRef<{ body: string; key: string } | null>(null);

  const activeServices = (services.data?.items ?? []).filter((s) => s.active);
  const service = activeServices.find((s) => s.id === serviceId);
  // Only the clinicians who offer the service (none named: every clinician does).
  const clinicians = (staff.data?.items ?? []).filter(
    (s) =>
      s.active &&
      s.roles.includes('clinician') &&
      (!service || service.clinicianIds.length === 0 || service.clinicianIds.includes(s.membershipId)),
  );
  const activeLocations = (locations.data?.items ?? []).filter((l) => l.active);
  const roomsHere = (rooms.data?.items ?? []).filter((r) => r.active && r.locationId === locationId);
  const inPerson = mode === 'in_person';

  // A service decides the modes and the usual length.
  useEffect(() => {
    if (!service) return;
    setMode((m) => (m && service.allowedModes.includes(m) ? m : (service.allowedModes[0] ?? null)));
    setDuration(service.defaultDurationMinutes);
  }, [service]);
  // A clinician who does not offer the chosen service is dropped for "any".
  useEffect(() => {
    if (staff.data && clinician !== ANY && !clinicians.some((c) => c.membershipId === clinician)) setClinician(ANY);
  }, [staff.data, clinician, clinicians]);
  // One location: take it; one room there: take it.
  useEffect(() => {
    if (inPerson && !locationId && activeLocations.length === 1) setLocationId(activeLocations[0]?.id ?? null);
  }, [inPerson, locationId, activeLocations]);
  useEffect(() => {
    if (roomId && !roomsHere.some((r) => r.id === roomId)) setRoomId(null);
    if (!roomId && roomsHere.length === 1) setRoomId(roomsHere[0]?.id ?? null);
  }, [roomId, roomsHere]);

  const clientOptions = useMemo(() => {
    const hits = (searching ? (clientHits.data?.items ?? []) : []).map((c) => ({
      value: c.id,
      label: `${c.displayName} (${c.clientNumber})`,
    }));
    if (clientId && !hits.some((h) => h.value === clientId)) hits.unshift({ value: clientId, label: clientLabel });
    return hits;
  }, [searching, clientHits.data, clientId, clientLabel]);

  const groupOptions = useMemo(() => {
    const hits = (gq.length >= 2 ? (groupHits.data?.items ?? []) : [])
      .filter((c) => c.id !== clientId)
      .map((c) => ({ value: c.id, label: `${c.displayName} (${c.clientNumber})` }));
    for (const g of groupClients) if (!hits.some((h) => h.value === g.value)) hits.unshift(g);
    return hits;
  }, [gq, groupHits.data, groupClients, clientId]);

  const recurrence = (): BookingBody['recurrence'] | null | undefined => {
    if (repeat === 'none') return undefined;
    const interval = Number(repeat);
    if (endKind === 'count') {
      const n = Number(count);
      return Number.isInteger(n) && n >= 2 ? { frequency: 'weekly', interval, count: n } : null;
    }
    const u = isoOf(until);
    return u ? { frequency: 'weekly', interval, until: u } : null;
  };

  const missing = {
    client: !clientId,
    service: !serviceId,
    mode: !mode,
    location: inPerson && !locationId,
    recurrence: recurrence() === null,
  };

  const submit = async (placement: Placement, reason?: string) => {
    setTried('book');
    const rec = recurrence();
    if (!clientId || !serviceId || !mode || rec === null) return;
    const minutes = Number(duration);
    const body: BookingBody = {
      clientIds: [clientId, ...groupClients.map((g) => g.value).filter((id) => id !== clientId)],
      clinicianIds: [...placement.clinicianIds, ...coTherapists.filter((id) => !placement.clinicianIds.includes(id))],
      serviceId,
      mode,
      start: placement.start,
      ...(Number.isInteger(minutes) && minutes > 0 && { durationMinutes: minutes }),
      ...(mode === 'in_person' && { locationId: placement.locationId, roomId: placement.roomId }),
      ...(rec && { recurrence: rec }),
      ...(reason && { outsideHours: { reason } }),
    };
    // The same request keeps its key, so a second click (or a retry after a lost answer) books once.
    const json = JSON.stringify(body);
    if (key.current?.body !== json) key.current = { body: json, key: newKey() };
    setBusy(placement.start);
    setError(null);
    setLast(placement);
    try {
      const res = await book(p, body, key.current.key);
      await qc.invalidateQueries({ queryKey: schedulingKeys.all(p) });
      await qc.invalidateQueries({ queryKey: ['practice', p, 'free-slots'] });
      notifications.show({
        color: 'teal',
        message: t('book.booked', { n: res.appointments.length }),
        closeButtonProps: { 'aria-label': t('common.close') },
      });
      onBooked(res.appointments);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const findSlots = () => {
    if (tried !== 'book') setTried('slots');
    const f = isoOf(from);
    const tt = isoOf(to);
    if (!serviceId || !mode || !f || !tt || missing.location) return;
    setError(null);
    setOffering(null);
    setSlotQuery({
      serviceId,
      mode,
      from: f,
      to: tt,
      clinicianId: clinician === ANY ? undefined : clinician,
      locationId: inPerson ? (locationId ?? undefined) : undefined,
    });
  };
  const slots = useFreeSlots(p, slotQuery);

  const bookSlot = (s: FreeSlotData) =>
    void submit({
      start: s.localStart.slice(0, 16),
      clinicianIds: [s.clinicianId],
      locationId: s.locationId ?? locationId ?? undefined,
      roomId: s.roomId ?? roomId ?? undefined,
    });

  // Only a booking holds a room, so the server offers in-person time only from a cancelled appointment.
  const canOffer = slotQuery !== null && slotQuery.mode !== 'in_person';
  const offerSlot = (s: FreeSlotData) => {
    if (!slotQuery) return;
    setOffering({
      start: s.localStart.slice(0, 16),
      durationMinutes: Math.round((Date.parse(s.end) - Date.parse(s.start)) / 60_000),
      clinicianId: s.clinicianId,
      mode: slotQuery.mode,
      serviceId: slotQuery.serviceId,
    });
  };
  useEffect(() => {
    if (offering) candidatesRef.current?.scrollIntoView({ block: 'nearest' });
  }, [offering]);

  const manualDay = isoOf(day);
  const manualMinutes = parseClock(time);
  const bookManual = () => {
    setTried('book');
    if (!manualDay || manualMinutes === null || clinician === ANY || (inPerson && !roomId)) return;
    void submit({
      start: `${manualDay}T${clock(manualMinutes)}`,
      clinicianIds: [clinician],
      locationId: locationId ?? undefined,
      roomId: roomId ?? undefined,
    });
  };

  const required = (cond: boolean, forSearch = true) =>
    cond && (tried === 'book' || (forSearch && tried === 'slots')) ? t('book.required') : undefined;

  return (
    <Stack gap="md" data-testid="book-form">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <Select
          label={t('book.client')}
          placeholder={t('book.clientSearch')}
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          filter={({ options }) => options}
          data={clientOptions}
          value={clientId}
          onChange={(v, option) => {
            setClientId(v);
            setClientLabel(v ? (option?.label ?? '') : '');
          }}
          nothingFoundMessage={q.length < 2 ? t('book.typeToSearch') : clientHits.isFetching ? t('common.loading') : t('book.noClients')}
          error={required(missing.client, false)}
          withAsterisk
          clearable
        />
        <Select
          label={t('book.service')}
          data={activeServices.map((s) => ({ value: s.id, label: `${s.name} (${t('book.minutes', { n: s.defaultDurationMinutes })})` }))}
          value={serviceId}
          onChange={setServiceId}
          error={required(missing.service)}
          nothingFoundMessage={t('book.noServices')}
          withAsterisk
        />
        <div>
          <Text size="sm" fw={500} mb={4} id="book-mode-label">
            {t('book.mode')}
          </Text>
          {service ? (
            <SegmentedControl
              aria-labelledby="book-mode-label"
              value={mode ?? ''}
              onChange={(v) => setMode(service.allowedModes.find((m) => m === v) ?? null)}
              data={service.allowedModes.map((m) => ({ value: m, label: t(`mode.${m}`) }))}
            />
          ) : (
            <Text size="sm" c="dimmed">
              {t('book.chooseServiceFirst')}
            </Text>
          )}
        </div>
        <Select
          label={t('book.clinician')}
          data={[{ value: ANY, label: t('book.anyClinician') }, ...clinicians.map((c) => ({ value: c.membershipId, label: c.name }))]}
          value={clinician}
          onChange={(v) => setClinician(v ?? ANY)}
          allowDeselect={false}
        />
        <MultiSelect
          label={t('book.groupClients')}
          description={t('book.groupClientsHint')}
          searchable
          searchValue={groupSearch}
          onSearchChange={setGroupSearch}
          filter={({ options }) => options}
          data={groupOptions}
          value={groupClients.map((g) => g.value)}
          onChange={(ids) => {
            setGroupClients(ids.map((id) => groupOptions.find((o) => o.value === id) ?? { value: id, label: id }));
            setGroupSearch('');
          }}
          nothingFoundMessage={gq.length < 2 ? t('book.typeToSearch') : groupHits.isFetching ? t('common.loading') : t('book.noClients')}
          maxValues={11}
          clearable
        />
        <MultiSelect
          label={t('book.coTherapists')}
          description={t('book.coTherapistsHint')}
          data={clinicians.filter((c) => c.membershipId !== clinician).map((c) => ({ value: c.membershipId, label: c.name }))}
          value={coTherapists.filter((id) => id !== clinician)}
          onChange={setCoTherapists}
          maxValues={3}
          clearable
        />
        {inPerson ? (
          <>
            <Select
              label={t('book.location')}
              data={activeLocations.map((l) => ({ value: l.id, label: l.name }))}
              value={locationId}
              onChange={setLocationId}
              error={required(missing.location)}
              withAsterisk
            />
            <Select
              label={t('book.room')}
              description={t('book.roomHint')}
              data={roomsHere.map((r) => ({ value: r.id, label: r.name }))}
              value={roomId}
              onChange={setRoomId}
              clearable
              disabled={!locationId}
            />
          </>
        ) : null}
        <NumberInput
          label={t('book.duration')}
          value={duration}
          onChange={setDuration}
          min={5}
          max={480}
          step={5}
          suffix={` ${t('book.min')}`}
        />
        <Group align="flex-start" gap="sm" wrap="nowrap">
          <Select
            label={t('book.repeat')}
            value={repeat}
            onChange={(v) => setRepeat(v === '1' || v === '2' ? v : 'none')}
            data={[
              { value: 'none', label: t('book.repeatNone') },
              { value: '1', label: t('book.repeatWeekly') },
              { value: '2', label: t('book.repeatBiweekly') },
            ]}
            allowDeselect={false}
            w={190}
          />
          {repeat !== 'none' ? (
            <Stack gap={4}>
              <SegmentedControl
                size="xs"
                mt={26}
                aria-label={t('book.repeatEnds')}
                value={endKind}
                onChange={(v) => setEndKind(v === 'until' ? 'until' : 'count')}
                data={[
                  { value: 'count', label: t('book.repeatCount') },
                  { value: 'until', label: t('book.repeatUntil') },
                ]}
              />
              {endKind === 'count' ? (
                <NumberInput
                  aria-label={t('book.sessions')}
                  value={count}
                  onChange={setCount}
                  min={2}
                  max={104}
                  w={110}
                  suffix={` ${t('book.sessionsSuffix')}`}
                  error={required(missing.recurrence, false)}
                />
              ) : (
                <DayField
                  label=""
                  ariaLabel={t('book.untilDate')}
                  value={until}
                  onChange={setUntil}
                  error={required(missing.recurrence, false)}
                />
              )}
            </Stack>
          ) : null}
        </Group>
      </SimpleGrid>

      <Paper withBorder p="sm" radius="md">
        <Stack gap="xs">
          <Title order={3} size="h5">
            {t('book.slotsTitle')}
          </Title>
          <Group align="flex-end" wrap="wrap" gap="sm">
            <DayField label={t('book.from')} value={from} onChange={setFrom} />
            <DayField label={t('book.to')} value={to} onChange={setTo} />
            <Button variant="light" onClick={findSlots} loading={slots.isFetching}>
              {t('book.findSlots')}
            </Button>
          </Group>
          {slotQuery ? (
            <QueryState query={slots} isEmpty={(d) => d.items.length === 0} empty={t('book.noSlots')}>
              {(d) => (
                <SlotList
                  slots={d.items}
                  showClinician={clinician === ANY}
                  busy={busy}
                  onPick={bookSlot}
                  onOffer={canOffer ? offerSlot : undefined}
                />
              )}
            </QueryState>
          ) : (
            <Text size="sm" c="dimmed">
              {t('book.slotsHint')}
            </Text>
          )}
          {slotQuery && !canOffer ? (
            <Text size="xs" c="dimmed" data-testid="offer-in-person-note">
              {t('book.offerInPersonNote')}
            </Text>
          ) : null}
          {offering ? (
            <div ref={candidatesRef}>
              <CandidatesPanel
                key={JSON.stringify(offering)}
                practiceId={p}
                source={{ slot: offering }}
                canWrite
                onClose={() => setOffering(null)}
              />
            </div>
          ) : null}
        </Stack>
      </Paper>

      <Paper withBorder p="sm" radius="md">
        <Stack gap="xs">
          <Title order={3} size="h5">
            {t('book.manualTitle')}
          </Title>
          <Group align="flex-start" wrap="wrap" gap="sm">
            <DayField label={t('book.date')} value={day} onChange={setDay} />
            <TextInput
              label={t('book.time')}
              value={time}
              onChange={(e) => setTime(e.currentTarget.value)}
              placeholder="10:00"
              error={time.trim() && manualMinutes === null ? t('book.invalidTime') : required(manualMinutes === null, false)}
              w={90}
            />
            <Button
              mt={25}
              onClick={bookManual}
              loading={busy !== null && busy === (manualDay && manualMinutes !== null ? `${manualDay}T${clock(manualMinutes)}` : '')}
            >
              {t('book.submit')}
            </Button>
          </Group>
          {clinician === ANY ? (
            <Text size="xs" c={tried === 'book' ? 'red.9' : 'dimmed'}>
              {t('book.manualNeedsClinician')}
            </Text>
          ) : null}
          {inPerson && !roomId ? (
            <Text size="xs" c={tried === 'book' ? 'red.9' : 'dimmed'}>
              {t('book.manualNeedsRoom')}
            </Text>
          ) : null}
        </Stack>
      </Paper>

      <ConflictAlert
        error={error}
        title={t('book.conflictTitle')}
        onOverride={last ? (reason) => void submit(last, reason) : undefined}
        busy={busy !== null}
      />
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('common.cancel')}
        </Button>
      </Group>
      <Text size="xs" c="dimmed">
        {t('agenda.zoneNote', { zone: timeZone })}
      </Text>
    </Stack>
  );
}

function SlotList({
  slots,
  showClinician,
  busy,
  onPick,
  onOffer,
}: {
  slots: FreeSlotData[];
  showClinician: boolean;
  busy: string | null;
  onPick: (s: FreeSlotData) => void;
  /** Shows the waitlist candidates for a slot; absent when slots cannot be offered (in person). */
  onOffer?: ((s: FreeSlotData) => void) | undefined;
}) {
  const { t, locale } = useI18n();
  const days = new Map<string, FreeSlotData[]>();
  for (const s of slots) {
    const d = s.localStart.slice(0, 10);
    days.set(d, [...(days.get(d) ?? []), s]);
  }
  return (
    <Stack gap="xs" data-testid="free-slots" style={{ maxHeight: 320, overflowY: 'auto' }}>
      {[...days.entries()].map(([d, list]) => (
        <div key={d}>
          <Text size="sm" fw={700} mb={4}>
            {formatDayLong(d, locale)}
          </Text>
          <Group gap={6}>
            {list.map((s) => {
              const time = s.localStart.slice(11, 16);
              const who = [showClinician ? s.clinicianName : '', s.roomName ?? ''].filter(Boolean).join(' · ');
              const pick = (
                <Button
                  key={`${s.start}-${s.clinicianId}-${s.roomId ?? ''}`}
                  size="xs"
                  variant="default"
                  loading={busy === s.localStart.slice(0, 16)}
                  disabled={busy !== null}
                  onClick={() => onPick(s)}
                  data-testid="free-slot"
                >
                  <VisuallyHidden>{formatDayLong(d, locale)} </VisuallyHidden>
                  {time}
                  {who ? ` · ${who}` : ''}
                </Button>
              );
              if (!onOffer) return pick;
              return (
                <Button.Group key={`${s.start}-${s.clinicianId}-${s.roomId ?? ''}`}>
                  {pick}
                  <Button
                    size="xs"
                    variant="light"
                    color="teal"
                    disabled={busy !== null}
                    onClick={() => onOffer(s)}
                    title={t('book.offerToWaitlist')}
                    aria-label={t('book.offerSlotLabel', {
                      when: `${formatDayLong(d, locale)} ${time}${who ? ` · ${who}` : ''}`,
                    })}
                    data-testid="offer-slot"
                  >
                    {t('book.toWaitlist')}
                  </Button>
                </Button.Group>
              );
            })}
          </Group>
        </div>
      ))}
    </Stack>
  );
}
