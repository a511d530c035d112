import { PasswordInput, type PasswordInputProps } from '@mantine/core';
import { useT } from '../app/i18n/index.tsx';

/** A password input whose show/hide button is labelled in the current language. */
export function PasswordField(props: PasswordInputProps) {
  const t = useT();
  return <PasswordInput {...props} visibilityToggleButtonProps={{ 'aria-label': t('password.toggle') }} />;
}
