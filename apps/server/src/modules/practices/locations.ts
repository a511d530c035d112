import type { z } from 'zod';
import type { LocationBody, LocationPatch, RoomBody, RoomPatch } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { requireRole, scoped } from '../../platform/tenancy.ts';
import { presentLocation, presentRoom } from './presenter.ts';

export async function listLocations(ctx: PracticeCtx) {
  const rows = await scoped(ctx).selectFrom('locations').select(['id', 'name', 'address', 'active']).orderBy('name').execute();
  return { items: rows.map(presentLocation) };
}

export async function createLocation(ctx: PracticeCtx, input: z.infer<typeof LocationBody>) {
  requireRole(ctx, 'owner');
  const row = await scoped(ctx)
    .insertInto('locations', [{ name: input.name, address: JSON.stringify(input.address ?? null), active: input.active ?? true }])
    .returning(['id', 'name', 'address', 'active'])
    .executeTakeFirstOrThrow();
  await scoped(ctx).audit({ action: 'location.create', entityType: 'location', entityId: row.id, dataCategory: 'practice' });
  return presentLocation(row);
}

/** Throws `not_found` for a location of another practice. */
export async function updateLocation(ctx: PracticeCtx, locationId: string, input: z.infer<typeof LocationPatch>) {
  requireRole(ctx, 'owner');
  const row = await scoped(ctx)
    .updateTable('locations')
    .set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.address !== undefined && { address: JSON.stringify(input.address) }),
      ...(input.active !== undefined && { active: input.active }),
    })
    .where('id', '=', locationId)
    .returning(['id', 'name', 'address', 'active'])
    .executeTakeFirst();
  if (!row) throw AppError.notFound('location');
  await scoped(ctx).audit({ action: 'location.update', entityType: 'location', entityId: row.id, dataCategory: 'practice' });
  return presentLocation(row);
}

export async function listRooms(ctx: PracticeCtx) {
  const rows = await scoped(ctx).selectFrom('rooms').select(['id', 'location_id', 'name', 'active']).orderBy('name').execute();
  return { items: rows.map(presentRoom) };
}

/** Throws `validation_failed` on `body.locationId` when the location is not this practice's. */
export async function createRoom(ctx: PracticeCtx, input: z.infer<typeof RoomBody>) {
  requireRole(ctx, 'owner');
  const location = await scoped(ctx).selectFrom('locations').select('id').where('id', '=', input.locationId).executeTakeFirst();
  if (!location) throw AppError.field('body.locationId', 'no such location in this practice');
  const row = await scoped(ctx)
    .insertInto('rooms', [{ location_id: input.locationId, name: input.name, active: input.active ?? true }])
    .returning(['id', 'location_id', 'name', 'active'])
    .executeTakeFirstOrThrow();
  await scoped(ctx).audit({ action: 'room.create', entityType: 'room', entityId: row.id, dataCategory: 'practice' });
  return presentRoom(row);
}

export async function updateRoom(ctx: PracticeCtx, roomId: string, input: z.infer<typeof RoomPatch>) {
  requireRole(ctx, 'owner');
  const row = await scoped(ctx)
    .updateTable('rooms')
    .set({ ...(input.name !== undefined && { name: input.name }), ...(input.active !== undefined && { active: input.active }) })
    .where('id', '=', roomId)
    .returning(['id', 'location_id', 'name', 'active'])
    .executeTakeFirst();
  if (!row) throw AppError.notFound('room');
  await scoped(ctx).audit({ action: 'room.update', entityType: 'room', entityId: row.id, dataCategory: 'practice' });
  return presentRoom(row);
}
