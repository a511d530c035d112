import { sql, type ExpressionBuilder } from 'kysely';
import type { z } from 'zod';
import {
  BREAK_GLASS_MINUTES,
  type BreakGlassBody,
  type BreakGlassQuery,
  type Role,
  type TreatmentRelationshipCreateBody,
  type TreatmentRelationshipEndBody,
} from '@calmdesk/shared';
import type { DB } from '../../db/schema.ts';
import type { PracticeCtx } from '../../platform/context.ts';
import { writeAuditMany } from '../../platform/audit.ts';
import { noteBreakGlass } from '../../platform/break-glass.ts';
import { AppError } from '../../platform/errors.ts';
import { requireRole, requireStepUp, scoped } from '../../platform/tenancy.ts';

/*
 * Who may see which client. Members whose roles give back-office, owner or billing access see
 * every client of the practice. Anyone else — a clinician — sees only the clients they treat:
 * those with an active treatment relationship (started by assignment or by booking, never by
 * writing a note), or, for BREAK_GLASS_MINUTES after stating a reason, a client they opened by
 * break-the-glass. Those accesses are logged with break_glass = true and the reason.
 */

/** Back-office, owner and billing access: every client of the practice. */
const ALL_CLIENTS: readonly Role[] = ['owner', 'back_office', 'billing'];
/** Who assigns and ends treatment relationships. */
const ASSIGNERS = ['owner', 'back_office'] as const;

/** True for a member who sees only the clients they treat. */
export function seesOnlyOwnClients(roles: readonly Role[]): boolean {
  return !roles.some((r) => ALL_CLIENTS.includes(r));
}

/**
 * A condition on a clients-table id column: the actor treats that client, or holds an unexpired
 * break-the-glass grant for it. Use only for members who {@link seesOnlyOwnClients}.
 */
export function inCareOf(ctx: PracticeCtx, clientIdColumn: 'clients.id' | 'waitlist_entries.client_id') {
  return <TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>) => {
    const ref = sql.ref(clientIdColumn);
    return eb.or([
      eb.exists(
        ctx.tx
          .selectFrom('treatment_relationships as tr')
          .select(sql`1`.as('x'))
          .where('tr.practice_id', '=', ctx.practiceId)
          .where('tr.membership_id', '=', ctx.membershipId)
          .where('tr.ended_at', 'is', null)
          .where(sql<boolean>`tr.client_id = ${ref}`),
      ),
      eb.exists(
        ctx.tx
          .selectFrom('break_glass_grants as bg')
          .select(sql`1`.as('x'))
          .where('bg.practice_id', '=', ctx.practiceId)
          .where('bg.membership_id', '=', ctx.membershipId)
          .where('bg.expires_at', '>', sql<Date>`now()`)
          .where(sql<boolean>`bg.client_id = ${ref}`),
      ),
    ]);
  };
}

/** Whether the actor has an active treatment relationship with the client (whatever their roles). */
export async function treats(ctx: PracticeCtx, clientId: string): Promise<boolean> {
  const row = await scoped(ctx)
    .selectFrom('treatment_relationships')
    .select('id')
    .where('client_id', '=', clientId)
    .where('membership_id', '=', ctx.membershipId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Throws `not_treating` (403) when a clinician reaches a client outside their care without a
 * current break-the-glass grant; with one, marks the request so its access-log entries about
 * the client carry break_glass and the reason. No query for members who see every client.
 */
export async function requireCare(ctx: PracticeCtx, clientId: string): Promise<void> {
  if (!seesOnlyOwnClients(ctx.roles)) return;
  const row = await ctx.tx
    .selectNoFrom((eb) => [
      eb
        .exists(
          scoped(ctx)
            .selectFrom('treatment_relationships')
            .select(sql`1`.as('x'))
            .where('client_id', '=', clientId)
            .where('membership_id', '=', ctx.membershipId)
            .where('ended_at', 'is', null),
        )
        .as('treats'),
      scoped(ctx)
        .selectFrom('break_glass_grants')
        .select('reason')
        .where('client_id', '=', clientId)
        .where('membership_id', '=', ctx.membershipId)
        .where('expires_at', '>', sql<Date>`now()`)
        .orderBy('granted_at', 'desc')
        .limit(1)
        .as('glass'),
    ])
    .executeTakeFirstOrThrow();
  if (row.treats) return;
  if (row.glass) {
    noteBreakGlass(ctx, clientId, row.glass);
    return;
  }
  throw new AppError(
    'not_treating',
    'this client is not in your care; open the file by break-the-glass with a reason, or ask the back office to assign you',
  );
}

// ---------------------------------------------------------------------------------------------
// Treatment relationships

function relationshipQuery(ctx: PracticeCtx) {
  return scoped(ctx)
    .selectFrom('treatment_relationships')
    .innerJoin('memberships', 'memberships.id', 'treatment_relationships.membership_id')
    .innerJoin('users as clinician', 'clinician.id', 'memberships.user_id')
    .leftJoin('users as starter', 'starter.id', 'treatment_relationships.started_by')
    .leftJoin('users as ender', 'ender.id', 'treatment_relationships.ended_by')
    .select([
      'treatment_relationships.id',
      'treatment_relationships.client_id',
      'treatment_relationships.membership_id',
      'clinician.name as clinician_name',
      'treatment_relationships.trajectory_id',
      'treatment_relationships.started_via',
      'treatment_relationships.started_at',
      'starter.name as started_by_name',
      'treatment_relationships.ended_at',
      'ender.name as ended_by_name',
      'treatment_relationships.end_reason',
      'treatment_relationships.end_note',
    ]);
}
type RelationshipRow = Awaited<ReturnType<ReturnType<typeof relationshipQuery>['executeTakeFirstOrThrow']>>;

function present(r: RelationshipRow) {
  return {
    id: r.id,
    clientId: r.client_id,
    membershipId: r.membership_id,
    clinicianName: r.clinician_name,
    trajectoryId: r.trajectory_id,
    startedVia: r.started_via,
    startedAt: r.started_at.toISOString(),
    startedByName: r.started_by_name,
    endedAt: r.ended_at ? r.ended_at.toISOString() : null,
    endedByName: r.ended_by_name,
    endReason: r.end_reason,
    endNote: r.end_note,
    active: r.ended_at === null,
  };
}

/** A client's treatment relationships, active first, then newest (anyone who may open the file; audited). */
export async function listRelationships(ctx: PracticeCtx, clientId: string) {
  const rows = await relationshipQuery(ctx)
    .where('treatment_relationships.client_id', '=', clientId)
    .orderBy(sql`treatment_relationships.ended_at IS NULL`, 'desc')
    .orderBy('treatment_relationships.started_at', 'desc')
    .execute();
  await scoped(ctx).audit({ action: 'client.treatment.read', entityType: 'client', entityId: clientId, clientId, dataCategory: 'client' });
  return { items: rows.map(present) };
}

async function clinicianName(ctx: PracticeCtx, membershipId: string, path: string): Promise<string> {
  const m = await scoped(ctx)
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select('users.name')
    .where('memberships.id', '=', membershipId)
    .where('memberships.active', '=', true)
    .where(sql<boolean>`memberships.roles @> ARRAY['clinician']`)
    .executeTakeFirst();
  if (!m) throw AppError.field(path, 'no active clinician with this id in this practice');
  return m.name;
}

async function recordStart(ctx: PracticeCtx, clientId: string, id: string, name: string, via: 'assigned' | 'booking') {
  await scoped(ctx)
    .insertInto('client_history', [
      {
        client_id: clientId,
        user_id: ctx.actor.userId,
        action: 'treatment.start',
        changes: JSON.stringify({ clinician: { from: null, to: name }, startedVia: { from: null, to: via } }),
      },
    ])
    .execute();
  await scoped(ctx).audit({
    action: 'client.treatment.start',
    entityType: 'treatment_relationship',
    entityId: id,
    clientId,
    dataCategory: 'client',
    reason: via,
  });
}

/**
 * Starts a treatment relationship (owner, back office): the client's file opens to the clinician.
 * The trajectory must be the client's and open. Idempotent: when the clinician already treats
 * the client, the active relationship is answered as it is (`created: false`).
 */
export async function assignClinician(ctx: PracticeCtx, clientId: string, input: z.infer<typeof TreatmentRelationshipCreateBody>) {
  requireRole(ctx, ...ASSIGNERS);
  const name = await clinicianName(ctx, input.clinicianId, 'body.clinicianId');
  if (input.trajectoryId) {
    const t = await scoped(ctx)
      .selectFrom('care_trajectories')
      .select(['id', 'end_date'])
      .where('id', '=', input.trajectoryId)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    if (!t) throw AppError.field('body.trajectoryId', 'no care trajectory with this id for this client');
    if (t.end_date !== null) throw AppError.field('body.trajectoryId', 'this care trajectory is closed', 'conflict');
  }
  const row = await scoped(ctx)
    .insertInto('treatment_relationships', [
      {
        client_id: clientId,
        membership_id: input.clinicianId,
        trajectory_id: input.trajectoryId ?? null,
        started_via: 'assigned',
        started_by: ctx.actor.userId,
      },
    ])
    .onConflict((oc) => oc.columns(['practice_id', 'client_id', 'membership_id']).where('ended_at', 'is', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) {
    const active = await relationshipQuery(ctx)
      .where('treatment_relationships.client_id', '=', clientId)
      .where('treatment_relationships.membership_id', '=', input.clinicianId)
      .where('treatment_relationships.ended_at', 'is', null)
      .executeTakeFirstOrThrow();
    return { created: false, relationship: present(active) };
  }
  await recordStart(ctx, clientId, row.id, name, 'assigned');
  return {
    created: true,
    relationship: present(await relationshipQuery(ctx).where('treatment_relationships.id', '=', row.id).executeTakeFirstOrThrow()),
  };
}

/** Ends a treatment relationship (owner, back office); one that already ended is answered as it is. */
export async function endRelationship(
  ctx: PracticeCtx,
  clientId: string,
  relationshipId: string,
  input: z.infer<typeof TreatmentRelationshipEndBody>,
) {
  requireRole(ctx, ...ASSIGNERS);
  const current = await relationshipQuery(ctx)
    .where('treatment_relationships.id', '=', relationshipId)
    .where('treatment_relationships.client_id', '=', clientId)
    .forUpdate(['treatment_relationships'])
    .executeTakeFirst();
  if (!current) throw AppError.notFound('treatment relationship');
  if (current.ended_at) return present(current);
  await endWhere(ctx, clientId, [current], 'ended', input.note ?? null);
  return present(await relationshipQuery(ctx).where('treatment_relationships.id', '=', relationshipId).executeTakeFirstOrThrow());
}

/** Ends the given active relationships now, with history and access-log entries. */
async function endWhere(
  ctx: PracticeCtx,
  clientId: string,
  rows: { id: string; clinician_name: string }[],
  reason: 'ended' | 'trajectory_closed' | 'client_merged',
  note: string | null,
) {
  if (rows.length === 0) return;
  await scoped(ctx)
    .updateTable('treatment_relationships')
    .set({ ended_at: sql<Date>`now()`, ended_by: ctx.actor.userId, end_reason: reason, end_note: note })
    .where(
      'id',
      'in',
      rows.map((r) => r.id),
    )
    .where('ended_at', 'is', null)
    .execute();
  await scoped(ctx)
    .insertInto(
      'client_history',
      rows.map((r) => ({
        client_id: clientId,
        user_id: ctx.actor.userId,
        action: 'treatment.end',
        changes: JSON.stringify({ clinician: { from: r.clinician_name, to: null }, endReason: { from: null, to: reason } }),
      })),
    )
    .execute();
  for (const r of rows) {
    await scoped(ctx).audit({
      action: 'client.treatment.end',
      entityType: 'treatment_relationship',
      entityId: r.id,
      clientId,
      dataCategory: 'client',
      reason,
    });
  }
}

/**
 * A care trajectory was closed (given an end date): the relationships that belong to it end
 * now. Relationships tied to no trajectory are ended by hand.
 */
export async function endForClosedTrajectory(ctx: PracticeCtx, clientId: string, trajectoryId: string) {
  const rows = await relationshipQuery(ctx)
    .where('treatment_relationships.client_id', '=', clientId)
    .where('treatment_relationships.ended_at', 'is', null)
    .where('treatment_relationships.trajectory_id', '=', trajectoryId)
    .forUpdate(['treatment_relationships'])
    .execute();
  await endWhere(ctx, clientId, rows, 'trajectory_closed', null);
}

/** The trajectory's lead treats the client (when an owner or back office names them); no-op when already treating. */
export async function assignLead(ctx: PracticeCtx, clientId: string, trajectoryId: string, membershipId: string) {
  if (!ctx.roles.some((r) => (ASSIGNERS as readonly Role[]).includes(r))) return;
  const row = await scoped(ctx)
    .insertInto('treatment_relationships', [
      {
        client_id: clientId,
        membership_id: membershipId,
        trajectory_id: trajectoryId,
        started_via: 'assigned',
        started_by: ctx.actor.userId,
      },
    ])
    .onConflict((oc) => oc.columns(['practice_id', 'client_id', 'membership_id']).where('ended_at', 'is', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (row) await recordStart(ctx, clientId, row.id, await clinicianName(ctx, membershipId, 'body.leadMembershipId'), 'assigned');
}

/**
 * Booking clinicians for clients starts a relationship for each pair that has none active, tied
 * to the client's open care trajectory (the most recent), in the booking's transaction: one
 * statement (relationships + history), and the access-log entries when any started.
 */
export async function startByBooking(ctx: PracticeCtx, clinicianIds: string[], clientIds: string[]) {
  if (clinicianIds.length === 0 || clientIds.length === 0) return;
  const started = await sql<{ id: string; client_id: string }>`
WITH ins AS (
  INSERT INTO treatment_relationships (practice_id, client_id, membership_id, trajectory_id, started_via, started_by)
  SELECT ${ctx.practiceId}::uuid, c.id, m.id,
    (SELECT t.id FROM care_trajectories t
      WHERE t.practice_id = ${ctx.practiceId}::uuid AND t.client_id = c.id AND t.end_date IS NULL
      ORDER BY t.start_date DESC LIMIT 1),
    'booking', ${ctx.actor.userId}::uuid
  FROM unnest(${clientIds}::uuid[]) AS c(id) CROSS JOIN unnest(${clinicianIds}::uuid[]) AS m(id)
  ON CONFLICT (practice_id, client_id, membership_id) WHERE ended_at IS NULL DO NOTHING
  RETURNING id, client_id, membership_id
), hist AS (
  INSERT INTO client_history (practice_id, client_id, user_id, action, changes)
  SELECT ${ctx.practiceId}::uuid, ins.client_id, ${ctx.actor.userId}::uuid, 'treatment.start',
    jsonb_build_object('clinician', jsonb_build_object('from', null, 'to', u.name), 'startedVia', jsonb_build_object('from', null, 'to', 'booking'))
  FROM ins JOIN memberships ms ON ms.id = ins.membership_id JOIN users u ON u.id = ms.user_id
)
SELECT id, client_id FROM ins`.execute(ctx.tx);
  await writeAuditMany(
    ctx.tx,
    started.rows.map((r) => ({
      action: 'client.treatment.start',
      practiceId: ctx.practiceId,
      userId: ctx.actor.userId,
      entityType: 'treatment_relationship',
      entityId: r.id,
      clientId: r.client_id,
      dataCategory: 'client' as const,
      reason: 'booking',
      requestId: ctx.meta.requestId,
      ipAddress: ctx.meta.ip,
    })),
  );
}

/**
 * A merge moves the duplicate's relationships to the surviving record; where the survivor
 * already has an active one with the same clinician, the duplicate's ends (`client_merged`).
 */
export async function mergeRelationships(ctx: PracticeCtx, primaryId: string, duplicateId: string) {
  const clashing = await relationshipQuery(ctx)
    .where('treatment_relationships.client_id', '=', duplicateId)
    .where('treatment_relationships.ended_at', 'is', null)
    .where((eb) =>
      eb.exists(
        ctx.tx
          .selectFrom('treatment_relationships as p')
          .select(sql`1`.as('x'))
          .where('p.practice_id', '=', ctx.practiceId)
          .where('p.client_id', '=', primaryId)
          .where('p.ended_at', 'is', null)
          .where(sql<boolean>`p.membership_id = treatment_relationships.membership_id`),
      ),
    )
    .execute();
  await endWhere(ctx, duplicateId, clashing, 'client_merged', null);
  await scoped(ctx).updateTable('treatment_relationships').set({ client_id: primaryId }).where('client_id', '=', duplicateId).execute();
}

// ---------------------------------------------------------------------------------------------
// Break-the-glass

/**
 * A clinician opens the file of a client outside their care, stating why: access for
 * BREAK_GLASS_MINUTES, every access-log entry meanwhile flagged with the reason. Members who
 * see every client do not need it (403); a clinician who treats the client neither (409).
 */
export async function breakGlass(ctx: PracticeCtx, clientId: string, input: z.infer<typeof BreakGlassBody>) {
  if (!seesOnlyOwnClients(ctx.roles))
    throw new AppError('forbidden', 'your roles give you access to every client; no break-the-glass needed');
  const client = await scoped(ctx).selectFrom('clients').select(['id', 'destroyed_at']).where('id', '=', clientId).executeTakeFirst();
  if (!client || client.destroyed_at) throw AppError.notFound('client');
  if (await treats(ctx, clientId)) throw new AppError('conflict', 'you treat this client already; no break-the-glass needed');
  const row = await scoped(ctx)
    .insertInto('break_glass_grants', [
      {
        client_id: clientId,
        membership_id: ctx.membershipId,
        user_id: ctx.actor.userId,
        reason: input.reason,
        granted_at: new Date(),
        expires_at: new Date(Date.now() + BREAK_GLASS_MINUTES * 60_000),
      },
    ])
    .returning(['id', 'client_id', 'reason', 'granted_at', 'expires_at'])
    .executeTakeFirstOrThrow();
  noteBreakGlass(ctx, clientId, input.reason);
  await scoped(ctx)
    .insertInto('client_history', [
      {
        client_id: clientId,
        user_id: ctx.actor.userId,
        action: 'break_glass',
        changes: JSON.stringify({ until: { from: null, to: row.expires_at.toISOString() } }),
      },
    ])
    .execute();
  await scoped(ctx).audit({
    action: 'client.break_glass',
    entityType: 'break_glass_grant',
    entityId: row.id,
    clientId,
    dataCategory: 'client',
  });
  return {
    id: row.id,
    clientId: row.client_id,
    reason: row.reason,
    grantedAt: row.granted_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
  };
}

/** Every break-the-glass of the practice, newest first, with the flagged accesses made under it (owner, recent second factor). */
export async function listBreakGlass(ctx: PracticeCtx, q: z.infer<typeof BreakGlassQuery>) {
  requireRole(ctx, 'owner');
  requireStepUp(ctx);
  let query = scoped(ctx)
    .selectFrom('break_glass_grants')
    .innerJoin('users', 'users.id', 'break_glass_grants.user_id')
    .innerJoin('clients', 'clients.id', 'break_glass_grants.client_id')
    .select((eb) => [
      'break_glass_grants.id',
      'break_glass_grants.client_id',
      'break_glass_grants.reason',
      'break_glass_grants.granted_at',
      'break_glass_grants.expires_at',
      'break_glass_grants.user_id',
      'users.name as user_name',
      'clients.client_number',
      eb
        .selectFrom('audit_log')
        .select(sql<string>`count(*)`.as('n'))
        .where('audit_log.practice_id', '=', ctx.practiceId)
        .where('audit_log.break_glass', '=', true)
        .whereRef('audit_log.user_id', '=', 'break_glass_grants.user_id')
        .whereRef('audit_log.client_id', '=', 'break_glass_grants.client_id')
        .whereRef('audit_log.at', '>=', 'break_glass_grants.granted_at')
        .whereRef('audit_log.at', '<=', 'break_glass_grants.expires_at')
        .as('accesses'),
    ])
    .orderBy('break_glass_grants.granted_at', 'desc')
    .limit(q.limit);
  if (q.from) query = query.where('break_glass_grants.granted_at', '>=', new Date(q.from));
  if (q.to) query = query.where('break_glass_grants.granted_at', '<', new Date(q.to));
  const rows = await query.execute();
  await scoped(ctx).audit({ action: 'break_glass.list', entityType: 'break_glass_grant', dataCategory: 'access_log' });
  return {
    items: rows.map((r) => ({
      id: r.id,
      clientId: r.client_id,
      reason: r.reason,
      grantedAt: r.granted_at.toISOString(),
      expiresAt: r.expires_at.toISOString(),
      userId: r.user_id,
      userName: r.user_name,
      clientNumber: r.client_number,
      accesses: Number(r.accesses ?? 0),
    })),
  };
}
