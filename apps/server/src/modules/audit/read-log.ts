import type { z } from 'zod';
import type { AuditQuery } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { requireRole, requireStepUp, scoped } from '../../platform/tenancy.ts';
import { linkPending, sealKeyOf } from '../../platform/audit-seal.ts';
import { verifyChain } from './verify-chain.ts';

/** The practice's access log, newest first, filtered (owner with a recent second factor). */
export async function readAuditLog(ctx: PracticeCtx, q: z.infer<typeof AuditQuery>) {
  requireRole(ctx, 'owner');
  requireStepUp(ctx);
  // Entries of the last seconds get their chain position now rather than at the next linker run.
  await linkPending(ctx.tx);
  let query = ctx.tx
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.user_id')
    .leftJoin('audit_links', 'audit_links.log_id', 'audit_log.id')
    .select([
      'audit_log.id',
      'audit_links.seq',
      'audit_log.at',
      'audit_log.action',
      'audit_log.outcome',
      'audit_log.user_id',
      'users.name as user_name',
      'audit_log.on_behalf_of',
      'audit_log.entity_type',
      'audit_log.entity_id',
      'audit_log.client_id',
      'audit_log.data_category',
      'audit_log.legal_basis',
      'audit_log.break_glass',
      'audit_log.reason',
      'audit_log.request_id',
      'audit_log.ip_address',
    ])
    .where('audit_log.chain_id', '=', ctx.practiceId)
    .orderBy('audit_log.id', 'desc')
    .limit(q.limit + 1);
  if (q.userId) query = query.where('audit_log.user_id', '=', q.userId);
  if (q.clientId) query = query.where('audit_log.client_id', '=', q.clientId);
  if (q.from) query = query.where('audit_log.at', '>=', new Date(q.from));
  if (q.to) query = query.where('audit_log.at', '<', new Date(q.to));
  if (q.beforeId) query = query.where('audit_log.id', '<', String(q.beforeId));
  const rows = await query.execute();
  await scoped(ctx).audit({
    action: 'audit_log.read',
    entityType: 'audit_log',
    clientId: q.clientId ?? null,
    dataCategory: 'access_log',
    reason: JSON.stringify({ userId: q.userId, clientId: q.clientId, from: q.from, to: q.to }),
  });
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({
      id: Number(r.id),
      seq: r.seq === null ? null : Number(r.seq),
      at: r.at.toISOString(),
      action: r.action,
      outcome: r.outcome,
      userId: r.user_id,
      userName: r.user_name,
      onBehalfOf: r.on_behalf_of,
      entityType: r.entity_type,
      entityId: r.entity_id,
      clientId: r.client_id,
      dataCategory: r.data_category,
      legalBasis: r.legal_basis,
      breakGlass: r.break_glass,
      reason: r.reason,
      requestId: r.request_id,
      ipAddress: r.ip_address,
    })),
    nextBeforeId: rows.length > q.limit ? Number(page[page.length - 1]?.id) : null,
  };
}

/** Recomputes this practice's hash chain (owner with a recent second factor). */
export async function verifyPracticeLog(ctx: PracticeCtx) {
  requireRole(ctx, 'owner');
  requireStepUp(ctx);
  const report = await verifyChain(ctx.tx, ctx.practiceId, sealKeyOf(ctx.deps));
  await scoped(ctx).audit({
    action: 'audit_log.verify',
    entityType: 'audit_log',
    dataCategory: 'access_log',
    reason: report.intact ? 'intact' : `broken: ${report.problems.join('; ')}`,
  });
  return {
    intact: report.intact,
    checked: report.checked,
    firstBrokenSeq: report.firstBrokenSeq,
    sealedSeq: report.sealedSeq,
    sealedAt: report.sealedAt?.toISOString() ?? null,
    pending: report.pending,
  };
}
