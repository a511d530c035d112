import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { Ok } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useT } from '../../app/i18n/index.tsx';
import { useStepUp } from '../../app/step-up.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';

interface Props {
  practiceId: string;
  membershipId: string;
  name: string;
  onClose: () => void;
}

/** Asks an owner to confirm resetting a member's authenticator (recent second factor), saying what happens. */
export function ResetSecondFactorModal({ practiceId, membershipId, name, onClose }: Props) {
  const t = useT();
  const withStepUp = useStepUp();
  const reset = useMutation({
    mutationFn: () => withStepUp(() => api.post(`/practices/${practiceId}/staff/${membershipId}/second-factor/reset`, Ok)),
    onSuccess: () => {
      notifications.show({
        color: 'teal',
        message: t('staff.resetDone', { name }),
        closeButtonProps: { 'aria-label': t('common.close') },
      });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={t('staff.resetTitle', { name })} centered>
      <Stack>
        <Text size="sm">{t('staff.resetExplain', { name })}</Text>
        <Text size="sm" fw={600}>
          {t('staff.resetCheck', { name })}
        </Text>
        <ErrorAlert error={reset.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="red" onClick={() => reset.mutate()} loading={reset.isPending}>
            {t('staff.resetConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
