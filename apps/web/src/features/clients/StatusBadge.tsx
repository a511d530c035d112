import { Badge } from '@mantine/core';
import type { ClientStatus } from '@calmdesk/shared';
import { useT } from '../../app/i18n/index.tsx';

const COLOURS: Record<ClientStatus, string> = { registered: 'gray', intake: 'blue', in_treatment: 'teal', discharged: 'dark' };

/** A client's status as a coloured label (text, so colour is never the only signal). */
export function StatusBadge({ status }: { status: ClientStatus }) {
  const t = useT();
  return (
    <Badge color={COLOURS[status]} variant="light" data-testid="client-status">
      {t(`clientStatus.${status}`)}
    </Badge>
  );
}
