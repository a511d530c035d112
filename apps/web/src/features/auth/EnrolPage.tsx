import { Button, Code, Group, Image, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { TotpEnrolment, TotpEnrolmentConfirmed } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useT } from '../../app/i18n/index.tsx';
import { useMe, useRefreshMe } from '../../app/session.ts';
import { CodeField } from '../../components/CodeField.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { RecoveryCodes } from '../account/RecoveryCodes.tsx';
import { StageGuard } from './StageGuard.tsx';

/** `JBSWY3DPEHPK3PXP` → `JBSW Y3DP EHPK 3PXP`: easier to type from the screen. */
export function groupKey(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;
}

const ENROLMENT_KEY = ['totp-enrolment'] as const;

function EnrolForm({ onConfirmed }: { onConfirmed: (recoveryCodes: string[]) => void }) {
  const t = useT();
  const qc = useQueryClient();
  const [code, setCode] = useState('');
  // Each start makes a new secret on the server; keep the one shown for this visit.
  const material = useQuery({
    queryKey: ENROLMENT_KEY,
    queryFn: () => api.post('/auth/totp/enrolment', TotpEnrolment),
    staleTime: Infinity,
    retry: false,
  });
  const confirm = useMutation({
    mutationFn: () => api.post('/auth/totp/enrolment/confirm', TotpEnrolmentConfirmed, { code }),
    onSuccess: (res) => {
      qc.removeQueries({ queryKey: ENROLMENT_KEY });
      onConfirmed(res.recoveryCodes);
    },
  });
  return (
    <Stack>
      <Title order={2}>{t('enrol.title')}</Title>
      <Text size="sm">{t('enrol.explain')}</Text>
      <QueryState query={material}>
        {(m) => (
          <Stack>
            <Group justify="center">
              <Image src={svgDataUrl(m.qrSvg)} alt={t('enrol.qrAlt')} w={200} h={200} fit="contain" />
            </Group>
            <Stack gap={4}>
              <Text size="sm" fw={600} id="totp-key-label">
                {t('enrol.manualKey')}
              </Text>
              <Code
                block
                data-testid="totp-secret"
                data-secret={m.secret}
                aria-labelledby="totp-key-label"
                style={{ fontSize: 15, letterSpacing: '0.04em', textAlign: 'center', whiteSpace: 'normal', wordSpacing: '0.2em' }}
              >
                {groupKey(m.secret)}
              </Code>
            </Stack>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                confirm.mutate();
              }}
            >
              <Stack>
                <CodeField label={t('enrol.codeLabel')} value={code} onChange={setCode} error={fieldError(confirm.error, 'code')} />
                <ErrorAlert error={confirm.error} shownFields={['code']} />
                <Button type="submit" loading={confirm.isPending} disabled={code.length !== 6}>
                  {t('enrol.submit')}
                </Button>
              </Stack>
            </form>
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}

/**
 * Setting up the authenticator app at first sign-in: QR code or key, then a first code, then
 * the recovery codes (shown once). The account is complete on the server once the code is
 * confirmed; the page refreshes it only after "I have saved them", so StageGuard's redirect
 * cannot take the codes off the screen before then.
 */
export function EnrolPage() {
  const me = useMe();
  const refreshMe = useRefreshMe();
  const [codes, setCodes] = useState<string[] | null>(null);
  const [leaving, setLeaving] = useState(false);
  if (codes) {
    return (
      <RecoveryCodes
        codes={codes}
        email={me.data?.email ?? ''}
        busy={leaving}
        onContinue={() => {
          setLeaving(true);
          // StageGuard redirects once the refreshed account is complete.
          void refreshMe().finally(() => setCodes(null));
        }}
      />
    );
  }
  return (
    <StageGuard stage="totp_enrolment_required">
      <EnrolForm onConfirmed={setCodes} />
    </StageGuard>
  );
}
