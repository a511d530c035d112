import { Button, Code, Group, Image, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Ok, TotpEnrolment } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useT } from '../../app/i18n/index.tsx';
import { useRefreshMe } from '../../app/session.ts';
import { CodeField } from '../../components/CodeField.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { StageGuard } from './StageGuard.tsx';

/** `JBSWY3DPEHPK3PXP` → `JBSW Y3DP EHPK 3PXP`: easier to type from the screen. */
export function groupKey(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;
}

const ENROLMENT_KEY = ['totp-enrolment'] as const;

function EnrolForm() {
  const t = useT();
  const qc = useQueryClient();
  const refreshMe = useRefreshMe();
  const [code, setCode] = useState('');
  // Each start makes a new secret on the server; keep the one shown for this visit.
  const material = useQuery({
    queryKey: ENROLMENT_KEY,
    queryFn: () => api.post('/auth/totp/enrolment', TotpEnrolment),
    staleTime: Infinity,
    retry: false,
  });
  const confirm = useMutation({
    mutationFn: () => api.post('/auth/totp/enrolment/confirm', Ok, { code }),
    onSuccess: async () => {
      qc.removeQueries({ queryKey: ENROLMENT_KEY });
      // StageGuard redirects once the refreshed account is complete.
      await refreshMe();
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

/** Setting up the authenticator app at first sign-in: QR code or key, then a first code. */
export function EnrolPage() {
  return (
    <StageGuard stage="totp_enrolment_required">
      <EnrolForm />
    </StageGuard>
  );
}
