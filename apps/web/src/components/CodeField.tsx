import { TextInput } from '@mantine/core';

interface Props {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  autoFocus?: boolean;
}

/** A 6-digit authenticator code: numeric keyboard, one-time-code autofill. */
export function CodeField({ label, value, onChange, error, autoFocus }: Props) {
  return (
    <TextInput
      label={label}
      name="code"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value.replace(/\D/g, '').slice(0, 6))}
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={6}
      error={error}
      autoFocus={autoFocus}
      required
      styles={{ input: { letterSpacing: '0.3em', fontFamily: 'monospace', fontSize: 18 } }}
    />
  );
}
