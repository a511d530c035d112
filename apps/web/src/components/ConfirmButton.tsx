import { Button, Group, Modal, Stack, Text, type ButtonProps } from '@mantine/core';
import { useState } from 'react';
import { useT } from '../app/i18n/index.tsx';

interface Props extends ButtonProps {
  /** The question asked before the action runs. */
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
  children: React.ReactNode;
}

/** A button for a destructive action that asks first. */
export function ConfirmButton({ question, confirmLabel, onConfirm, children, ...button }: Props) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button {...button} onClick={() => setOpen(true)}>
        {children}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t('common.areYouSure')} centered>
        <Stack>
          <Text>{question}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </Button>
            <Button
              color="red"
              data-autofocus
              onClick={() => {
                setOpen(false);
                onConfirm();
              }}
            >
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
