import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { RouterProvider } from 'react-router/dom';
import { I18nProvider } from './i18n/index.tsx';
import { createQueryClient } from './query-client.ts';
import { createRouter } from './router.tsx';
import { StepUpProvider } from './step-up.tsx';
import { cssVariablesResolver, theme } from './theme.ts';

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(createRouter);
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
      <Notifications position="bottom-right" />
      <QueryClientProvider client={queryClient}>
        <I18nProvider>
          <StepUpProvider>
            <RouterProvider router={router} />
          </StepUpProvider>
        </I18nProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
