import { Box, Text, VisuallyHidden } from '@mantine/core';
import { useEffect, useRef, useState, type CSSProperties, type DragEvent } from 'react';
import type { AbsenceKind } from '@calmdesk/shared';
import { useI18n } from '../../app/i18n/index.tsx';
import type { AppointmentData } from './api.ts';
import { clock, type DaySegment, layoutLanes, localTime, snap, today } from './calendar.ts';
import { ModeIcon } from './ModeIcon.tsx';

export interface GridColumn {
  key: string;
  date: string;
  /** Set in the side-by-side view: the column shows this clinician's appointments. */
  clinicianId?: string;
  title: string;
  subtitle?: string;
}

export interface MoveTarget {
  date: string;
  minutes: number;
  /** The clinician column the block came from and went to (side-by-side view). */
  fromClinicianId?: string | undefined;
  toClinicianId?: string | undefined;
}

/** A move in flight: the block is drawn at its new place until the server answers. */
export interface PendingMove extends MoveTarget {
  id: string;
}

/** What is drawn behind a column's appointments: time outside working hours, and leave or closures. */
export interface ColumnShading {
  /** Local minutes of the column's day outside the working hours. */
  off: DaySegment[];
  absences: (DaySegment & { kind: AbsenceKind; description: string | null })[];
}

interface Props {
  label: string;
  columns: GridColumn[];
  appointments: AppointmentData[];
  timeZone: string;
  /** Show the clinicians' initials on each block (when the grid mixes clinicians). */
  showClinicians: boolean;
  canDrag: (a: AppointmentData) => boolean;
  onOpen: (a: AppointmentData) => void;
  onMove: (a: AppointmentData, target: MoveTarget) => void;
  pending: PendingMove | null;
  /** Shading per column key; a column without an entry is not shaded. */
  shading?: Record<string, ColumnShading> | undefined;
}

const HOUR_PX = 64;
const PX_PER_MIN = HOUR_PX / 60;
const GUTTER = 56;
const DAY_START = 7 * 60;
const DAY_END = 21 * 60;

const STATUS_STYLE: Record<AppointmentData['status'], CSSProperties> = {
  planned: { background: 'var(--mantine-color-blue-0)', borderColor: 'var(--mantine-color-blue-8)' },
  confirmed: { background: 'var(--mantine-color-teal-0)', borderColor: 'var(--mantine-color-teal-9)' },
  attended: { background: 'var(--mantine-color-gray-1)', borderColor: 'var(--mantine-color-green-9)' },
  no_show: { background: 'var(--mantine-color-red-0)', borderColor: 'var(--mantine-color-red-9)' },
  cancelled: { background: 'var(--mantine-color-gray-0)', borderColor: 'var(--mantine-color-gray-6)', borderStyle: 'dashed' },
  late_cancelled: { background: 'var(--mantine-color-gray-0)', borderColor: 'var(--mantine-color-gray-6)', borderStyle: 'dashed' },
};

interface Placed {
  a: AppointmentData;
  date: string;
  start: number;
  end: number;
  clinicianIds: string[];
}

interface Drag {
  a: AppointmentData;
  fromClinicianId: string | undefined;
  /** Minutes between the block's top and where it was grabbed. */
  grab: number;
}

/**
 * A hand-built time grid: one column per day (day and week views) or per clinician (side by
 * side), hours down the left, appointments as blocks placed by their time in the practice's
 * zone. Blocks of open appointments can be dragged to another time (15-minute steps) or, side
 * by side, to another clinician.
 */
export function TimeGrid({ label, columns, appointments, timeZone, showClinicians, canDrag, onOpen, onMove, pending, shading }: Props) {
  const { t } = useI18n();
  const drag = useRef<Drag | null>(null);
  const [over, setOver] = useState<{ col: string; minutes: number; duration: number } | null>(null);
  const now = useNow();
  const todayDate = today(timeZone);

  const placed: Placed[] = appointments.map((a) => {
    const local = localTime(a.startsAt, timeZone);
    const ids = a.clinicians.map((c) => c.membershipId);
    if (pending?.id === a.id) {
      const moved =
        pending.toClinicianId && pending.fromClinicianId && !ids.includes(pending.toClinicianId)
          ? ids.map((id) => (id === pending.fromClinicianId ? (pending.toClinicianId ?? id) : id))
          : ids;
      return { a, date: pending.date, start: pending.minutes, end: pending.minutes + a.durationMinutes, clinicianIds: moved };
    }
    return { a, date: local.date, start: local.minutes, end: local.minutes + a.durationMinutes, clinicianIds: ids };
  });

  const inColumn = (c: GridColumn) =>
    placed.filter((p) => p.date === c.date && (c.clinicianId === undefined || p.clinicianIds.includes(c.clinicianId)));

  const visible = placed.filter((p) => columns.some((c) => c.date === p.date));
  const first = Math.min(DAY_START, ...visible.map((p) => Math.floor(p.start / 60) * 60));
  const last = Math.max(DAY_END, ...visible.map((p) => Math.min(24 * 60, Math.ceil(p.end / 60) * 60)));
  const height = (last - first) * PX_PER_MIN;
  const hours: number[] = [];
  for (let m = first; m < last; m += 60) hours.push(m);

  const minutesAt = (e: DragEvent<HTMLElement>, grab: number) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const raw = first + (e.clientY - rect.top) / PX_PER_MIN - grab;
    return Math.max(first, Math.min(last - 15, snap(raw)));
  };

  const onDragOver = (e: DragEvent<HTMLElement>, col: GridColumn) => {
    const d = drag.current;
    if (!d) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    const minutes = minutesAt(e, d.grab);
    if (over?.col !== col.key || over.minutes !== minutes) setOver({ col: col.key, minutes, duration: d.a.durationMinutes });
  };

  const onDrop = (e: DragEvent<HTMLElement>, col: GridColumn) => {
    const d = drag.current;
    drag.current = null;
    setOver(null);
    if (!d) return;
    e.preventDefault();
    const minutes = minutesAt(e, d.grab);
    const local = localTime(d.a.startsAt, timeZone);
    const sameClinician = col.clinicianId === undefined || col.clinicianId === d.fromClinicianId;
    if (local.date === col.date && local.minutes === minutes && sameClinician) return;
    onMove(d.a, { date: col.date, minutes, fromClinicianId: d.fromClinicianId, toClinicianId: col.clinicianId });
  };

  const nowLocal = localTime(new Date(now), timeZone);

  return (
    <div role="region" aria-label={label} tabIndex={0} style={{ overflowX: 'auto' }} data-testid="agenda-grid">
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: `${GUTTER}px repeat(${columns.length}, minmax(${columns.length > 4 ? 130 : 180}px, 1fr))`,
          minWidth: GUTTER + columns.length * (columns.length > 4 ? 130 : 180),
        }}
      >
        <div />
        {columns.map((c) => (
          <Box
            key={c.key}
            px={6}
            py={4}
            style={{
              borderBottom: '1px solid var(--mantine-color-gray-4)',
              borderLeft: '1px solid var(--mantine-color-gray-3)',
              background: c.date === todayDate && !c.clinicianId ? 'var(--mantine-color-teal-0)' : undefined,
            }}
            data-testid="agenda-column-header"
          >
            <Text fw={700} size="sm" truncate>
              {c.title}
            </Text>
            {c.subtitle ? (
              <Text size="xs" c="dimmed" truncate>
                {c.subtitle}
              </Text>
            ) : null}
          </Box>
        ))}

        <div style={{ position: 'relative', height }} aria-hidden="true">
          {hours.map((m) => (
            <Text
              key={m}
              size="xs"
              c="dimmed"
              style={{ position: 'absolute', top: Math.max(0, (m - first) * PX_PER_MIN - 7), right: 8, lineHeight: '14px' }}
            >
              {clock(m)}
            </Text>
          ))}
        </div>

        {columns.map((c) => {
          const items = layoutLanes(inColumn(c));
          const shade = shading?.[c.key];
          const showNow = c.date === nowLocal.date && nowLocal.minutes >= first && nowLocal.minutes < last;
          return (
            <div
              key={c.key}
              data-testid={`agenda-column-${c.key}`}
              onDragOver={(e) => onDragOver(e, c)}
              onDragLeave={(e) => {
                if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(null);
              }}
              onDrop={(e) => onDrop(e, c)}
              style={{
                position: 'relative',
                height,
                borderLeft: '1px solid var(--mantine-color-gray-3)',
                background: `repeating-linear-gradient(to bottom, var(--mantine-color-gray-3) 0, var(--mantine-color-gray-3) 1px, transparent 1px, transparent ${HOUR_PX / 2}px), white`,
              }}
            >
              {shade ? <Shading shading={shade} first={first} last={last} /> : null}
              {showNow ? (
                <div
                  aria-hidden="true"
                  style={{
                    position: 'absolute',
                    left: 0,
                    right: 0,
                    top: (nowLocal.minutes - first) * PX_PER_MIN,
                    borderTop: '2px solid var(--mantine-color-red-7)',
                    zIndex: 2,
                    pointerEvents: 'none',
                  }}
                />
              ) : null}
              {items.map((p) => (
                <Block
                  key={p.a.id}
                  p={p}
                  top={(p.start - first) * PX_PER_MIN}
                  height={Math.max(18, (p.end - p.start) * PX_PER_MIN - 2)}
                  left={`calc(${(p.lane / p.lanes) * 100}% + 2px)`}
                  width={`calc(${100 / p.lanes}% - 4px)`}
                  showClinicians={showClinicians}
                  draggable={canDrag(p.a) && pending === null}
                  moving={pending?.id === p.a.id}
                  onOpen={() => onOpen(p.a)}
                  onDragStart={(e) => {
                    const rect = e.currentTarget.getBoundingClientRect();
                    drag.current = { a: p.a, fromClinicianId: c.clinicianId, grab: (e.clientY - rect.top) / PX_PER_MIN };
                    e.dataTransfer.effectAllowed = 'move';
                    e.dataTransfer.setData('text/plain', p.a.id);
                  }}
                  onDragEnd={() => {
                    drag.current = null;
                    setOver(null);
                  }}
                />
              ))}
              {over?.col === c.key ? (
                <div
                  data-testid="drop-preview"
                  style={{
                    position: 'absolute',
                    left: 2,
                    right: 2,
                    top: (over.minutes - first) * PX_PER_MIN,
                    height: over.duration * PX_PER_MIN - 2,
                    border: '2px dashed var(--mantine-color-teal-9)',
                    borderRadius: 4,
                    background: 'rgba(255,255,255,0.6)',
                    pointerEvents: 'none',
                    zIndex: 3,
                  }}
                >
                  <Text size="xs" fw={700} px={4} c="teal.9">
                    {t('agenda.dropAt', { time: clock(over.minutes) })}
                  </Text>
                </div>
              ) : null}
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** Grey hatch outside working hours; leave and closures as tinted, labelled blocks. */
export const OFF_STYLE: CSSProperties = {
  background:
    'repeating-linear-gradient(135deg, rgba(73, 80, 87, 0.06) 0, rgba(73, 80, 87, 0.06) 7px, rgba(73, 80, 87, 0.2) 7px, rgba(73, 80, 87, 0.2) 9px)',
};
export const ABSENCE_STYLE: Record<AbsenceKind, CSSProperties> = {
  leave: {
    background:
      'repeating-linear-gradient(135deg, rgba(250, 176, 5, 0.1) 0, rgba(250, 176, 5, 0.1) 7px, rgba(250, 176, 5, 0.3) 7px, rgba(250, 176, 5, 0.3) 9px)',
    borderLeft: '3px solid var(--mantine-color-yellow-7)',
  },
  sick: {
    background:
      'repeating-linear-gradient(135deg, rgba(250, 176, 5, 0.1) 0, rgba(250, 176, 5, 0.1) 7px, rgba(250, 176, 5, 0.3) 7px, rgba(250, 176, 5, 0.3) 9px)',
    borderLeft: '3px solid var(--mantine-color-yellow-7)',
  },
  training: {
    background:
      'repeating-linear-gradient(135deg, rgba(121, 80, 242, 0.07) 0, rgba(121, 80, 242, 0.07) 7px, rgba(121, 80, 242, 0.22) 7px, rgba(121, 80, 242, 0.22) 9px)',
    borderLeft: '3px solid var(--mantine-color-violet-6)',
  },
  closure: {
    background:
      'repeating-linear-gradient(135deg, rgba(73, 80, 87, 0.14) 0, rgba(73, 80, 87, 0.14) 7px, rgba(73, 80, 87, 0.3) 7px, rgba(73, 80, 87, 0.3) 9px)',
    borderLeft: '3px solid var(--mantine-color-gray-7)',
  },
};

function Shading({ shading, first, last }: { shading: ColumnShading; first: number; last: number }) {
  const { t } = useI18n();
  const place = (seg: DaySegment): CSSProperties | null => {
    const start = Math.max(first, seg.start);
    const end = Math.min(last, seg.end);
    if (end <= start) return null;
    // Behind the appointments (z-index 1) and transparent to the pointer, so blocks stay clickable and drops land.
    return {
      position: 'absolute',
      left: 0,
      right: 0,
      top: (start - first) * PX_PER_MIN,
      height: (end - start) * PX_PER_MIN,
      zIndex: 0,
      pointerEvents: 'none',
    };
  };
  return (
    <>
      {shading.off.map((seg) => {
        const at = place(seg);
        return at ? <div key={`off-${seg.start}`} aria-hidden="true" data-testid="off-hours" style={{ ...at, ...OFF_STYLE }} /> : null;
      })}
      {shading.absences.map((seg) => {
        const at = place(seg);
        if (!at) return null;
        const label = t(`agenda.absence.${seg.kind}`);
        const whole = seg.start === 0 && seg.end === 24 * 60;
        return (
          <div
            key={`${seg.kind}-${seg.start}-${seg.end}`}
            data-testid="absence-block"
            data-kind={seg.kind}
            style={{ ...at, ...ABSENCE_STYLE[seg.kind], overflow: 'hidden' }}
          >
            <span
              style={{
                display: 'inline-block',
                margin: '2px 4px',
                padding: '0 4px',
                borderRadius: 3,
                background: 'rgba(255, 255, 255, 0.9)',
                color: 'var(--mantine-color-gray-9)',
                fontSize: 11,
                fontWeight: 700,
                lineHeight: '16px',
                maxWidth: 'calc(100% - 8px)',
                whiteSpace: 'nowrap',
                overflow: 'hidden',
                textOverflow: 'ellipsis',
              }}
            >
              {label}
              {seg.description ? ` · ${seg.description}` : ''}
              {whole ? null : <VisuallyHidden>{`, ${clock(seg.start)}–${clock(seg.end)}`}</VisuallyHidden>}
            </span>
          </div>
        );
      })}
    </>
  );
}

interface BlockProps {
  p: Placed;
  top: number;
  height: number;
  left: string;
  width: string;
  showClinicians: boolean;
  draggable: boolean;
  moving: boolean;
  onOpen: () => void;
  onDragStart: (e: DragEvent<HTMLDivElement>) => void;
  onDragEnd: () => void;
}

function Block({ p, top, height, left, width, showClinicians, draggable, moving, onOpen, onDragStart, onDragEnd }: BlockProps) {
  const { t } = useI18n();
  const { a } = p;
  const time = `${clock(p.start)}–${clock(p.end)}`;
  const clients = a.clients.map((c) => c.displayName).join(', ');
  const cancelled = a.status === 'cancelled' || a.status === 'late_cancelled';
  const place = a.mode === 'in_person' ? (a.roomName ?? a.locationName ?? '') : '';
  const initials = a.clinicians.map((c) => c.initials).join(', ');
  const parts = [
    time,
    clients,
    a.serviceName,
    t(`mode.${a.mode}`),
    place,
    a.clinicians.map((c) => c.name).join(', '),
    t(`appointmentStatus.${a.status}`),
  ].filter(Boolean);
  // Screen readers hear the visible text plus what only the colour or the initials show.
  const unseen = [a.serviceName, a.clinicians.map((c) => c.name).join(', '), a.status === 'planned' ? t('appointmentStatus.planned') : '']
    .filter(Boolean)
    .join(', ');
  return (
    <div
      role="button"
      tabIndex={0}
      title={parts.join('\n')}
      data-testid="appointment-block"
      data-appointment-id={a.id}
      data-status={a.status}
      draggable={draggable}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      onClick={onOpen}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onOpen();
        }
      }}
      style={{
        position: 'absolute',
        top,
        height,
        left,
        width,
        overflow: 'hidden',
        borderRadius: 4,
        borderWidth: '1px 1px 1px 4px',
        borderStyle: 'solid',
        padding: '1px 5px',
        fontSize: 12,
        lineHeight: '14px',
        color: 'var(--mantine-color-gray-9)',
        cursor: draggable ? 'grab' : 'pointer',
        opacity: moving ? 0.75 : 1,
        outlineOffset: 1,
        zIndex: 1,
        boxShadow: moving ? '0 0 0 2px var(--mantine-color-teal-9)' : undefined,
        ...STATUS_STYLE[a.status],
      }}
    >
      <div style={{ display: 'flex', gap: 4, justifyContent: 'space-between', whiteSpace: 'nowrap', overflow: 'hidden' }}>
        <span style={{ fontWeight: 700, textDecoration: cancelled ? 'line-through' : undefined }}>{time}</span>
        {showClinicians && initials ? <span style={{ fontWeight: 700 }}>{initials}</span> : null}
      </div>
      <div style={{ fontWeight: 600, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>{clients}</div>
      <div style={{ display: 'flex', alignItems: 'center', gap: 4, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
        <ModeIcon mode={a.mode} />
        <span style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>
          {a.status !== 'planned' ? <b>{t(`appointmentStatus.${a.status}`)} · </b> : null}
          {[t(`mode.${a.mode}`), place].filter(Boolean).join(' · ')}
        </span>
      </div>
      <VisuallyHidden>, {unseen}</VisuallyHidden>
    </div>
  );
}

/** The current time, refreshed every minute (for the red now-line). */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), 60_000);
    return () => window.clearInterval(id);
  }, []);
  return now;
}
