import { Alert, List } from '@mantine/core';
import { isApiError, StepUpCancelled } from '../app/api.ts';
import { useT, type MessageKey } from '../app/i18n/index.tsx';

/** The translated text for an error from the API (its code), or a generic one. */
export function useErrorText(): (e: unknown) => string {
  const t = useT();
  return (e) => {
    if (e instanceof StepUpCancelled) return t('stepUp.cancelled');
    if (!isApiError(e)) return t('error.unexpected');
    return t(`error.${e.code}` as MessageKey) || e.message;
  };
}

/** The server's message for one form field, if it named that field. */
export function fieldError(error: unknown, name: string): string | undefined {
  return isApiError(error) ? error.fields[name] : undefined;
}

interface Props {
  error: unknown;
  title?: string;
  /** Fields the form shows next to its inputs; other field errors are listed here. */
  shownFields?: string[];
}

/** A form- or page-level error; field errors appear next to their fields. */
export function ErrorAlert({ error, title, shownFields = [] }: Props) {
  const text = useErrorText();
  if (!error) return null;
  const others = isApiError(error) ? Object.entries(error.fields).filter(([k]) => !shownFields.includes(k)) : [];
  return (
    <Alert color="red" variant="light" title={title} role="alert">
      {text(error)}
      {others.length > 0 ? (
        <List size="sm" mt={4}>
          {others.map(([k, m]) => (
            <List.Item key={k}>
              {k}: {m}
            </List.Item>
          ))}
        </List>
      ) : null}
    </Alert>
  );
}
