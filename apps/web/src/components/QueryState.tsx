import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import type { UseInfiniteQueryResult, UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useT } from '../app/i18n/index.tsx';
import { useErrorText } from './ErrorAlert.tsx';

interface Props<T> {
  query: UseQueryResult<T> | UseInfiniteQueryResult<T>;
  /** True when the loaded data has nothing to show. */
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}

/** Loading, error (with retry), empty and loaded states of one query. */
export function QueryState<T>({ query, isEmpty, empty, children }: Props<T>) {
  const t = useT();
  const errorText = useErrorText();
  if (query.isPending) {
    return (
      <Center py="lg" role="status" aria-live="polite">
        <Loader size="sm" aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (query.isError) {
    return (
      <Alert color="red" variant="light" role="alert" title={t('common.loadFailed')}>
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{errorText(query.error)}</Text>
          <Button size="xs" variant="default" onClick={() => void query.refetch()}>
            {t('common.retry')}
          </Button>
        </Stack>
      </Alert>
    );
  }
  if (isEmpty?.(query.data)) {
    return (
      <Text c="dimmed" py="md" data-testid="empty-state">
        {empty ?? t('common.empty')}
      </Text>
    );
  }
  return <>{children(query.data)}</>;
}
