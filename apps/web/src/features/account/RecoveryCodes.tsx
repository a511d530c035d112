import { Button, Checkbox, Code, CopyButton, Group, List, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useT } from '../../app/i18n/index.tsx';

/** Saves text as a file through a temporary link (no server round trip: the codes never leave the page otherwise). */
function saveText(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

interface Props {
  codes: string[];
  email: string;
  onContinue: () => void;
  /** Continue is busy (the page moves on after it). */
  busy?: boolean;
}

/**
 * Recovery codes, shown once: copy, download as .txt, and an "I have saved them" check before
 * continuing. The codes are kept in this page's memory only.
 */
export function RecoveryCodes({ codes, email, onContinue, busy }: Props) {
  const t = useT();
  const [saved, setSaved] = useState(false);
  const text = [t('recovery.fileHeader', { email }), '', ...codes, ''].join('\n');
  return (
    <Stack data-testid="recovery-codes-panel">
      <Title order={2}>{t('recovery.title')}</Title>
      <Text size="sm">{t('recovery.explain')}</Text>
      <List
        aria-label={t('recovery.listLabel')}
        type="ordered"
        data-testid="recovery-codes"
        listStyleType="none"
        style={{ display: 'grid', gridTemplateColumns: 'repeat(2, max-content)', gap: '6px 32px', justifyContent: 'center', padding: 0 }}
      >
        {codes.map((c) => (
          <List.Item key={c}>
            <Code style={{ fontSize: 16, letterSpacing: '0.06em' }}>{c}</Code>
          </List.Item>
        ))}
      </List>
      <Group justify="center" gap="sm">
        <CopyButton value={codes.join('\n')}>
          {({ copied, copy }) => (
            <Button variant={copied ? 'filled' : 'light'} color={copied ? 'teal' : undefined} onClick={copy}>
              {copied ? t('recovery.copied') : t('recovery.copy')}
            </Button>
          )}
        </CopyButton>
        <Button variant="light" onClick={() => saveText(text, 'calmdesk-recovery-codes.txt')}>
          {t('recovery.download')}
        </Button>
      </Group>
      <Checkbox label={t('recovery.saved')} checked={saved} onChange={(e) => setSaved(e.currentTarget.checked)} />
      <Button onClick={onContinue} disabled={!saved} loading={busy}>
        {t('recovery.continue')}
      </Button>
    </Stack>
  );
}
