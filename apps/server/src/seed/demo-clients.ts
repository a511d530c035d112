import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
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
 * by the practice's clinicians. Returns the number of clients created.
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
    await tx
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
      .execute();
  }
  return report.totals.create;
}
