import { Group, Title } from '@mantine/core';
import { useEffect, type ReactNode } from 'react';

/** The page heading; also names the browser tab (with the practice, when given). */
export function PageTitle({ children, practiceName, actions }: { children: string; practiceName?: string; actions?: ReactNode }) {
  useEffect(() => {
    document.title = practiceName ? `${children} · ${practiceName} · Calmdesk` : `${children} · Calmdesk`;
  }, [children, practiceName]);
  return (
    <Group justify="space-between" mb="md">
      <Title order={2}>{children}</Title>
      {actions}
    </Group>
  );
}
