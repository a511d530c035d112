import { CloseButton, createTheme, MantineProvider, mergeThemeOverrides, type CloseButtonProps } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { RouterProvider } from 'react-router/dom';
import { I18nProvider, useI18n } from './i18n/index.tsx';
import { createQueryClient } from './query-client.ts';
import { createRouter } from './router.tsx';
import { StepUpProvider } from './step-up.tsx';
import { cssVariablesResolver, theme } from './theme.ts';

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <ThemedApp />
      </I18nProvider>
    </QueryClientProvider>
  );
}

/**
 * The theme in the user's language: every close button (dialogs, drawers, notifications)
 * has a name for screen readers unless its caller gives one.
 */
function ThemedApp() {
  const close = useI18n().t('common.close');
  const [router] = useState(createRouter);
  const localized = useMemo(
    () =>
      mergeThemeOverrides(
        theme,
        createTheme({
          components: {
            // An element attribute, passed through to the button; not in CloseButtonProps' type.
            CloseButton: CloseButton.extend({ defaultProps: { 'aria-label': close } as Partial<CloseButtonProps> }),
          },
        }),
      ),
    // A new theme only when the text changes (not with every refetch of the account).
    [close],
  );
  return (
    <MantineProvider theme={localized} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
      <Notifications position="bottom-right" />
      <StepUpProvider>
        <RouterProvider router={router} />
      </StepUpProvider>
    </MantineProvider>
  );
}
