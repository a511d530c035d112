import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import { writeAuditMany } from '../platform/audit.ts';
import type { AppDeps } from '../platform/context.ts';
import { importClients } from '../modules/clients/import-clients.ts';
import { addDays, localDate } from '../platform/local-date.ts';
import { fictitiousClientsCsv } from './fictitious-clients.ts';

const CLIENTS_PER_PRACTICE = 25;
/** Care-demand types and diagnosis groups in the words a Dutch practice uses. */
const CARE = [
  ['Angstklachten', 'Angststoornissen'],
  ['Somberheid', 'Depressieve stemmingsstoornissen'],
  ['Trauma', 'Trauma- en stressorgerelateerde stoornissen'],
  ['Piekeren en slaapproblemen', 'Angststoornissen'],
] as const;

/** The demo practices are in Amsterdam; dates are days on their calendar. */
const daysAgo = (n: number) => addDays(localDate('Europe/Amsterdam'), -n);

/**
 * Gives a demo practice its fictitious clients the way a real practice starts: a generated
 * client list run through the CSV import (as a system actor, "demo seed" in the access log).
 * Clients in treatment get an open care trajectory, discharged ones a closed one, led in turn
 * by the practice's clinicians, who treat them (a treatment relationship tied to the
 * trajectory, ended with it for the discharged). Returns the number of clients created.
 */
export async function seedDemoClients(deps: AppDeps, tx: Tx, practiceId: string, seed: number): Promise<number> {
  const report = await importClients(
    {
      deps,
      tx,
      practiceId,
      roles: 'system',
      actor: { userId: null },
      meta: { requestId: 'demo-seed', ip: null, userAgent: null },
      reason: 'demo seed',
    },
    { csv: Buffer.from(fictitiousClientsCsv(CLIENTS_PER_PRACTICE, seed), 'utf8'), dryRun: false },
  );
  const clinicians = await tx
    .selectFrom('memberships')
    .select('id')
    .where('practice_id', '=', practiceId)
    .where(sql<boolean>`roles @> ARRAY['clinician']`)
    .orderBy('created_at')
    .execute();
  const treated = await tx
    .selectFrom('clients')
    .select(['id', 'status'])
    .where('practice_id', '=', practiceId)
    .where('status', 'in', ['in_treatment', 'discharged'])
    .orderBy('client_number')
    .execute();
  if (clinicians.length > 0 && treated.length > 0) {
    const trajectories = await tx
      .insertInto('care_trajectories')
      .values(
        treated.map((c, i) => {
          const [careDemandType, diagnosisGroup] = CARE[i % CARE.length] ?? CARE[0];
          const start = daysAgo(30 * (1 + (i % 9)) + (i % 7));
          return {
            practice_id: practiceId,
            client_id: c.id,
            start_date: start,
            end_date: c.status === 'discharged' ? daysAgo(30 * (1 + (i % 9)) + (i % 7) - 21) : null,
            lead_membership_id: clinicians[i % clinicians.length]?.id ?? '',
            care_demand_type: careDemandType,
            diagnosis_group: diagnosisGroup,
          };
        }),
      )
      .returning(['id', 'client_id', 'lead_membership_id', 'start_date', 'end_date'])
      .execute();
    const relationships = await tx
      .insertInto('treatment_relationships')
      .values(
        trajectories.map((tr) => ({
          practice_id: practiceId,
          client_id: tr.client_id,
          membership_id: tr.lead_membership_id,
          trajectory_id: tr.id,
          started_via: 'assigned' as const,
          started_at: `${tr.start_date}T09:00:00Z`,
          ended_at: tr.end_date ? new Date(`${tr.end_date}T17:00:00Z`) : null,
          end_reason: tr.end_date ? ('trajectory_closed' as const) : null,
        })),
      )
      .returning(['id', 'client_id', 'started_at', 'ended_at'])
      .execute();
    await tx
      .insertInto('client_history')
      .values(
        relationships.flatMap((r) => [
          { practice_id: practiceId, client_id: r.client_id, at: r.started_at, user_id: null, action: 'treatment.start' },
          ...(r.ended_at
            ? [{ practice_id: practiceId, client_id: r.client_id, at: r.ended_at, user_id: null, action: 'treatment.end' }]
            : []),
        ]),
      )
      .execute();
    await writeAuditMany(
      tx,
      relationships.map((r) => ({
        action: 'client.treatment.start',
        practiceId,
        userId: null,
        entityType: 'treatment_relationship',
        entityId: r.id,
        clientId: r.client_id,
        dataCategory: 'client' as const,
        reason: 'demo seed',
        requestId: 'demo-seed',
      })),
    );
  }
  return report.totals.create;
}
