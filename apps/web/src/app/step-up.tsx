import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';
import { Ok } from '@calmdesk/shared';
import { CodeField } from '../components/CodeField.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { api, isApiError, StepUpCancelled } from './api.ts';
import { useT } from './i18n/index.tsx';

type WithStepUp = <T>(action: () => Promise<T>) => Promise<T>;

const StepUpContext = createContext<WithStepUp | null>(null);

/**
 * Sensitive actions (user management, the access log) need a recent second factor. When
 * the server answers `step_up_required`, this asks for an authenticator code and retries.
 */
export function StepUpProvider({ children }: { children: ReactNode }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const pending = useRef<{ resolve: () => void; reject: (e: unknown) => void } | null>(null);

  const ask = useCallback(
    () =>
      new Promise<void>((resolve, reject) => {
        pending.current = { resolve, reject };
        setCode('');
        setError(null);
        setOpen(true);
      }),
    [],
  );

  const withStepUp = useCallback<WithStepUp>(
    async (action) => {
      try {
        return await action();
      } catch (e) {
        if (!isApiError(e, 'step_up_required')) throw e;
        await ask();
        return action();
      }
    },
    [ask],
  );

  const cancel = () => {
    setOpen(false);
    pending.current?.reject(new StepUpCancelled());
    pending.current = null;
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await api.post('/auth/totp/verify', Ok, { code });
      setOpen(false);
      pending.current?.resolve();
      pending.current = null;
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const fieldError = isApiError(error)
    ? (error.fields.code ?? (error.code === 'invalid_totp_code' ? t('error.invalid_totp_code') : undefined))
    : undefined;
  return (
    <StepUpContext.Provider value={withStepUp}>
      {children}
      {/* Above every other dialog (Mantine's default layer is 200): it is asked for from within them. */}
      <Modal opened={open} onClose={cancel} title={t('stepUp.title')} centered zIndex={400}>
        <form onSubmit={(e) => void submit(e)} data-testid="step-up-form">
          <Stack>
            <Text size="sm">{t('stepUp.explain')}</Text>
            <CodeField label={t('auth.code')} value={code} onChange={setCode} error={fieldError} autoFocus />
            {error && !fieldError ? <ErrorAlert error={error} /> : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={cancel}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={busy} disabled={code.length !== 6}>
                {t('stepUp.confirm')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </StepUpContext.Provider>
  );
}

/** Wraps an API call so a `step_up_required` answer asks for a code and retries once. */
export function useStepUp(): WithStepUp {
  const ctx = useContext(StepUpContext);
  if (!ctx) throw new Error('useStepUp outside StepUpProvider');
  return ctx;
}
