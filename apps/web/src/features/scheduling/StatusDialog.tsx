import { Alert, Button, Checkbox, Group, Modal, Radio, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useT } from '../../app/i18n/index.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { type AppointmentData, DEFAULT_FEE, NOTICE_HOURS, type StatusBody, useSchedulingSettings } from './api.ts';

export type StatusKind = 'cancel' | 'no_show';
type Scope = 'this' | 'following' | 'all';

interface Props {
  appointment: AppointmentData;
  opened: boolean;
  initial: StatusKind;
  /** What this user may record now (a no-show only once the appointment has started). */
  kinds: StatusKind[];
  onClose: () => void;
  onSubmit: (body: StatusBody) => Promise<void>;
}

/**
 * Cancellation and no-show in one dialog: who cancelled, why, the fee (the policy, charge,
 * unless waived), a follow-up for a no-show, and for a series how many sessions it applies to.
 */
export function StatusDialog({ appointment: a, opened, initial, kinds, onClose, onSubmit }: Props) {
  const t = useT();
  const settings = useSchedulingSettings(a.practiceId).data;
  const noticeHours = settings?.lateCancelHours ?? NOTICE_HOURS;
  const policyFor = (k: StatusKind) => (k === 'no_show' ? settings?.noShowFeePolicy : settings?.lateCancelFeePolicy) ?? DEFAULT_FEE;
  const [kind, setKind] = useState<StatusKind>(initial);
  const [cancelledBy, setCancelledBy] = useState<'client' | 'practice' | null>(null);
  const [reason, setReason] = useState('');
  const [fee, setFee] = useState<'charge' | 'waive'>(DEFAULT_FEE);
  const [followUp, setFollowUp] = useState(true);
  const [scope, setScope] = useState<Scope>('this');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false);

  useEffect(() => {
    if (!opened) return;
    setKind(initial);
    setCancelledBy(null);
    setReason('');
    setFee(policyFor(initial));
    setFollowUp(true);
    setScope('this');
    setError(null);
    setTried(false);
  }, [opened, initial]);

  // Inside the notice period a client's cancellation is late, and a fee may apply.
  const late = new Date(a.startsAt).getTime() - Date.now() < noticeHours * 3_600_000;
  const feeApplies = kind === 'no_show' || (cancelledBy === 'client' && late && scope === 'this');
  const missingCanceller = kind === 'cancel' && cancelledBy === null;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (missingCanceller) return;
    const trimmed = reason.trim();
    const body: StatusBody =
      kind === 'no_show'
        ? { status: 'no_show', feeDecision: fee, followUp, ...(trimmed && { reason: trimmed }) }
        : {
            status: 'cancelled',
            cancelledBy: cancelledBy ?? 'practice',
            ...(feeApplies && { feeDecision: fee }),
            ...(a.seriesId && { scope }),
            ...(trimmed && { reason: trimmed }),
          };
    setBusy(true);
    setError(null);
    try {
      await onSubmit(body);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t('status.dialogTitle')}
      centered
      size="lg"
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <form onSubmit={(e) => void submit(e)} data-testid="status-form">
        <Stack>
          {kinds.length > 1 ? (
            <SegmentedControl
              aria-label={t('status.what')}
              value={kind}
              onChange={(v) => {
                const next = v === 'no_show' ? 'no_show' : 'cancel';
                setKind(next);
                setFee(policyFor(next));
              }}
              data={kinds.map((k) => ({ value: k, label: t(k === 'cancel' ? 'status.kindCancel' : 'status.kindNoShow') }))}
            />
          ) : (
            <Text fw={700}>{t(kind === 'cancel' ? 'status.kindCancel' : 'status.kindNoShow')}</Text>
          )}

          {kind === 'cancel' ? (
            <Radio.Group
              label={t('status.cancelledBy')}
              value={cancelledBy}
              onChange={(v) => setCancelledBy(v === 'client' ? 'client' : 'practice')}
              error={tried && missingCanceller ? t('status.cancelledByRequired') : undefined}
              withAsterisk
            >
              <Group mt={4}>
                <Radio value="client" label={t('status.byClient')} />
                <Radio value="practice" label={t('status.byPractice')} />
              </Group>
            </Radio.Group>
          ) : null}

          {kind === 'cancel' && a.seriesId ? (
            <Radio.Group
              label={t('status.scope')}
              value={scope}
              onChange={(v) => setScope(v === 'all' ? 'all' : v === 'following' ? 'following' : 'this')}
            >
              <Stack gap={4} mt={4}>
                <Radio value="this" label={t('scope.this')} />
                <Radio value="following" label={t('scope.following')} />
                <Radio value="all" label={t('scope.all')} />
              </Stack>
            </Radio.Group>
          ) : null}

          <Textarea
            label={t('status.reason')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            maxLength={500}
            autosize
            minRows={2}
          />

          {feeApplies ? (
            <Radio.Group
              label={t('status.fee')}
              description={kind === 'no_show' ? t('status.feeNoShowHint') : t('status.feeLateHint', { hours: NOTICE_HOURS })}
              value={fee}
              onChange={(v) => setFee(v === 'waive' ? 'waive' : 'charge')}
            >
              <Group mt={4}>
                <Radio value="charge" label={t('fee.charge')} />
                <Radio value="waive" label={t('fee.waive')} />
              </Group>
            </Radio.Group>
          ) : kind === 'cancel' && cancelledBy ? (
            <Text size="sm" c="dimmed">
              {cancelledBy === 'practice'
                ? t('status.noFeePractice')
                : scope === 'this'
                  ? t('status.noFeeInTime')
                  : t('status.noFeeSeries')}
            </Text>
          ) : null}

          {kind === 'no_show' ? (
            <Checkbox label={t('status.followUp')} checked={followUp} onChange={(e) => setFollowUp(e.currentTarget.checked)} />
          ) : null}

          {error ? <ErrorAlert error={error} title={t('status.failed')} /> : null}
          {kind === 'cancel' && scope !== 'this' ? (
            <Alert color="red" variant="light">
              {t(scope === 'all' ? 'status.scopeAllWarning' : 'status.scopeFollowingWarning')}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color="red" loading={busy}>
              {t(kind === 'cancel' ? 'status.submitCancel' : 'status.submitNoShow')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
