import { Button, Checkbox, Group, Modal, Select, Stack, Switch, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { PROFESSIONS, ROLES, StaffMember, type Profession, type Role } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useT } from '../../app/i18n/index.tsx';
import { ME_KEY } from '../../app/session.ts';
import { useStepUp } from '../../app/step-up.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { keys, orNull, type Staff } from './api.ts';

interface Props {
  practiceId: string;
  member: Staff;
  onClose: () => void;
}

/** Roles and professional data of one member (owner; needs a recent second factor). */
export function StaffEditModal({ practiceId, member, onClose }: Props) {
  const t = useT();
  const qc = useQueryClient();
  const withStepUp = useStepUp();
  const [roles, setRoles] = useState<Role[]>(member.roles);
  const [profession, setProfession] = useState<Profession | null>(member.profession);
  const [agbCode, setAgb] = useState(member.agbCode ?? '');
  const [bigNumber, setBig] = useState(member.bigNumber ?? '');
  const [active, setActive] = useState(member.active);
  const save = useMutation({
    mutationFn: () =>
      withStepUp(() =>
        api.patch(`/practices/${practiceId}/staff/${member.membershipId}`, StaffMember, {
          roles,
          profession,
          agbCode: orNull(agbCode),
          bigNumber: orNull(bigNumber),
          active,
        }),
      ),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: keys.staff(practiceId) });
      await qc.invalidateQueries({ queryKey: ME_KEY });
      notifications.show({ color: 'teal', message: t('common.saved'), closeButtonProps: { 'aria-label': t('common.close') } });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={t('staff.editTitle', { name: member.name })} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <Checkbox.Group
            label={t('staff.roles')}
            value={roles}
            onChange={(v) => setRoles(ROLES.filter((r) => v.includes(r)))}
            error={fieldError(save.error, 'roles')}
          >
            <Group mt={6}>
              {ROLES.map((r) => (
                <Checkbox key={r} value={r} label={t(`role.${r}`)} />
              ))}
            </Group>
          </Checkbox.Group>
          <Select
            label={t('staff.profession')}
            value={profession}
            onChange={(v) => setProfession(PROFESSIONS.find((p) => p === v) ?? null)}
            data={PROFESSIONS.map((p) => ({ value: p, label: t(`profession.${p}`) }))}
            clearable
            error={fieldError(save.error, 'profession')}
          />
          <Group grow align="flex-start">
            <TextInput
              label={t('staff.agb')}
              description={t('profile.agbHint')}
              value={agbCode}
              onChange={(e) => setAgb(e.currentTarget.value)}
              error={fieldError(save.error, 'agbCode')}
              inputMode="numeric"
            />
            <TextInput
              label={t('staff.big')}
              description={t('staff.bigHint')}
              value={bigNumber}
              onChange={(e) => setBig(e.currentTarget.value)}
              error={fieldError(save.error, 'bigNumber')}
              inputMode="numeric"
            />
          </Group>
          <Switch label={t('staff.activeLabel')} checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
          <ErrorAlert error={save.error} shownFields={['roles', 'profession', 'agbCode', 'bigNumber']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
