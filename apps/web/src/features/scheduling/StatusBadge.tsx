import { Badge } from '@mantine/core';
import type { AppointmentStatus } from '@calmdesk/shared';
import { useT } from '../../app/i18n/index.tsx';

const COLOR: Record<AppointmentStatus, string> = {
  planned: 'blue',
  confirmed: 'teal',
  attended: 'green',
  no_show: 'red',
  cancelled: 'gray',
  late_cancelled: 'gray',
};

export function StatusBadge({ status }: { status: AppointmentStatus }) {
  const t = useT();
  return (
    <Badge variant="light" color={COLOR[status]} data-testid="appointment-status">
      {t(`appointmentStatus.${status}`)}
    </Badge>
  );
}
