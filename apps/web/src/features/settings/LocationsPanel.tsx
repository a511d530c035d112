import { Badge, Button, Card, Group, Paper, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Location, Room } from '@calmdesk/shared';
import { api } from '../../app/api.ts';
import { useT } from '../../app/i18n/index.tsx';
import { ErrorAlert, fieldError } from '../../components/ErrorAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { keys, useLocations, useRooms, type LocationItem } from './api.ts';

interface Props {
  practiceId: string;
  canEdit: boolean;
}

function NewLocationForm({ practiceId }: { practiceId: string }) {
  const t = useT();
  const qc = useQueryClient();
  const [d, setD] = useState({ name: '', street: '', postalCode: '', city: '' });
  const add = useMutation({
    mutationFn: () =>
      api.post(`/practices/${practiceId}/locations`, Location, {
        name: d.name,
        address: d.street || d.city ? { street: d.street, postalCode: d.postalCode, city: d.city, country: 'NL' } : null,
      }),
    onSuccess: async () => {
      setD({ name: '', street: '', postalCode: '', city: '' });
      await qc.invalidateQueries({ queryKey: keys.locations(practiceId) });
    },
  });
  const input = (k: keyof typeof d, label: string, required = false) => (
    <TextInput
      label={label}
      value={d[k]}
      onChange={(e) => setD({ ...d, [k]: e.currentTarget.value })}
      error={fieldError(add.error, k) ?? fieldError(add.error, `address.${k}`)}
      required={required}
    />
  );
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
      aria-label={t('locations.add')}
    >
      <Stack>
        <Title order={3} size="h5">
          {t('locations.add')}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 4 }}>
          {input('name', t('locations.name'), true)}
          {input('street', t('address.street'))}
          {input('postalCode', t('address.postalCode'))}
          {input('city', t('address.city'))}
        </SimpleGrid>
        <ErrorAlert error={add.error} shownFields={['name', 'address.street', 'address.postalCode', 'address.city']} />
        <Group>
          <Button type="submit" loading={add.isPending}>
            {t('locations.addButton')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function LocationCard({
  practiceId,
  location,
  rooms,
  canEdit,
}: Props & { location: LocationItem; rooms: { id: string; name: string; active: boolean }[] }) {
  const t = useT();
  const qc = useQueryClient();
  const [roomName, setRoomName] = useState('');
  const toggle = useMutation({
    mutationFn: (active: boolean) => api.patch(`/practices/${practiceId}/locations/${location.id}`, Location, { active }),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.locations(practiceId) }),
  });
  const addRoom = useMutation({
    mutationFn: () => api.post(`/practices/${practiceId}/rooms`, Room, { locationId: location.id, name: roomName }),
    onSuccess: async () => {
      setRoomName('');
      await qc.invalidateQueries({ queryKey: keys.rooms(practiceId) });
    },
  });
  const toggleRoom = useMutation({
    mutationFn: (r: { id: string; active: boolean }) => api.patch(`/practices/${practiceId}/rooms/${r.id}`, Room, { active: r.active }),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.rooms(practiceId) }),
  });
  const a = location.address;
  return (
    <Card withBorder radius="md">
      <Group justify="space-between" mb={4}>
        <Title order={3} size="h5">
          {location.name}
        </Title>
        {canEdit ? (
          <Switch label={t('common.active')} checked={location.active} onChange={(e) => toggle.mutate(e.currentTarget.checked)} />
        ) : (
          <Badge color={location.active ? 'teal' : 'gray'}>{location.active ? t('common.active') : t('common.inactive')}</Badge>
        )}
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        {a ? `${a.street}, ${a.postalCode} ${a.city} (${a.country})` : t('locations.noAddress')}
      </Text>
      <Text size="sm" fw={600}>
        {t('locations.rooms')}
      </Text>
      {rooms.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('locations.noRooms')}
        </Text>
      ) : (
        <Stack gap={4} my={4}>
          {rooms.map((r) => (
            <Group key={r.id} justify="space-between">
              <Text size="sm">{r.name}</Text>
              {canEdit ? (
                <Switch
                  size="xs"
                  aria-label={`${r.name}: ${t('common.active')}`}
                  checked={r.active}
                  onChange={(e) => toggleRoom.mutate({ id: r.id, active: e.currentTarget.checked })}
                />
              ) : r.active ? null : (
                <Badge color="gray">{t('common.inactive')}</Badge>
              )}
            </Group>
          ))}
        </Stack>
      )}
      {canEdit ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            addRoom.mutate();
          }}
        >
          <Group align="flex-end" mt="xs">
            <TextInput
              label={t('locations.newRoom')}
              size="xs"
              value={roomName}
              onChange={(e) => setRoomName(e.currentTarget.value)}
              error={fieldError(addRoom.error, 'name')}
              required
            />
            <Button type="submit" size="xs" variant="light" loading={addRoom.isPending}>
              {t('locations.addRoom')}
            </Button>
          </Group>
        </form>
      ) : null}
      <ErrorAlert error={toggle.error ?? addRoom.error ?? toggleRoom.error} shownFields={['name']} />
    </Card>
  );
}

/** Locations with their address and rooms. */
export function LocationsPanel({ practiceId, canEdit }: Props) {
  const t = useT();
  const locations = useLocations(practiceId);
  const rooms = useRooms(practiceId);
  return (
    <Stack>
      <QueryState query={locations} isEmpty={(d) => d.items.length === 0} empty={t('locations.empty')}>
        {(d) => (
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            {d.items.map((l) => (
              <LocationCard
                key={l.id}
                practiceId={practiceId}
                canEdit={canEdit}
                location={l}
                rooms={(rooms.data?.items ?? []).filter((r) => r.locationId === l.id)}
              />
            ))}
          </SimpleGrid>
        )}
      </QueryState>
      {canEdit ? (
        <Paper withBorder p="lg" radius="md">
          <NewLocationForm practiceId={practiceId} />
        </Paper>
      ) : null}
    </Stack>
  );
}
