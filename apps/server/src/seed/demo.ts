import { sql } from 'kysely';
import type { Role } from '@calmdesk/shared';
import type { Tx } from '../db/database.ts';
import type { AppDeps } from '../platform/context.ts';
import { createAccount } from '../modules/identity/create-account.ts';
import { hashPassword } from '../modules/identity/passwords.ts';
import { createPractice } from '../modules/practices/profile.ts';
import { seedDemoAppointments } from './demo-appointments.ts';
import { seedDemoClients } from './demo-clients.ts';

export const DEMO_PASSWORD = 'calmdesk-demo-2026';
export const DEMO_BACK_OFFICE = 'sanne@backoffice.example';

interface DemoPerson {
  email: string;
  name: string;
  roles: Role[];
  profession?: string;
  agb?: string;
}

const PRACTICES: {
  name: string;
  legalName: string;
  city: string;
  street: string;
  postalCode: string;
  agb: string;
  kvk: string;
  iban: string;
  people: DemoPerson[];
}[] = [
  {
    name: 'Praktijk De Linde (demo)',
    legalName: 'Praktijk De Linde B.V. (fictief)',
    city: 'Utrecht',
    street: 'Lindelaan 12',
    postalCode: '3581 AB',
    agb: '94000001',
    kvk: '90000001',
    iban: 'NL91ABNA0417164300',
    people: [
      { email: 'eva@delinde.example', name: 'Eva de Linde', roles: ['owner', 'clinician'], profession: 'gz_psychologist', agb: '94100001' },
      { email: 'joris@delinde.example', name: 'Joris Bakker', roles: ['clinician'], profession: 'psychotherapist', agb: '94100002' },
      { email: 'amira@delinde.example', name: 'Amira El Idrissi', roles: ['clinician'], profession: 'basic_psychologist', agb: '94100003' },
      { email: 'tom@delinde.example', name: 'Tom Verhoeven', roles: ['billing'] },
    ],
  },
  {
    name: 'Psychologenpraktijk Zeezicht (demo)',
    legalName: 'Zeezicht Psychologie (fictief)',
    city: 'Den Haag',
    street: 'Strandweg 3',
    postalCode: '2586 JK',
    agb: '94000002',
    kvk: '90000002',
    iban: 'NL20INGB0001234567',
    people: [
      {
        email: 'maarten@zeezicht.example',
        name: 'Maarten Zeeman',
        roles: ['owner', 'clinician'],
        profession: 'clinical_psychologist',
        agb: '94200001',
      },
      { email: 'lotte@zeezicht.example', name: 'Lotte Janssen', roles: ['clinician'], profession: 'gz_psychologist', agb: '94200002' },
    ],
  },
];

async function ensureUser(tx: Tx, email: string, name: string, passwordHash: string): Promise<string> {
  const existing = await tx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  if (existing) return existing.id;
  return createAccount(tx, { email, name, passwordHash, locale: 'nl' }, 'demo seed');
}

/**
 * Loads the obviously fictitious demo: two practices with clinicians, locations, rooms,
 * services and working hours, and one back-office worker who serves both. With
 * `onlyIfEmpty`, does nothing when any practice exists. Returns the login summary.
 */
export async function seedDemo(deps: AppDeps, opts: { onlyIfEmpty: boolean }): Promise<string | null> {
  if (opts.onlyIfEmpty) {
    const any = await deps.db.selectFrom('practices').select('id').limit(1).executeTakeFirst();
    if (any) return null;
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await deps.db.transaction().execute(async (tx) => {
    const backOfficeId = await ensureUser(tx, DEMO_BACK_OFFICE, 'Sanne Visser', passwordHash);
    for (const p of PRACTICES) {
      const [owner, ...others] = p.people;
      if (!owner) continue;
      const ownerId = await ensureUser(tx, owner.email, owner.name, passwordHash);
      const practice = await createPractice(
        tx,
        ownerId,
        { name: p.name, legalName: p.legalName, timeZone: 'Europe/Amsterdam', locale: 'nl' },
        { requestId: null, ip: null },
      );
      await tx
        .updateTable('practices')
        .set({
          agb_code: p.agb,
          kvk_number: p.kvk,
          iban: p.iban,
          address: JSON.stringify({ street: p.street, postalCode: p.postalCode, city: p.city, country: 'NL' }),
        })
        .where('id', '=', practice.id)
        .execute();
      await tx
        .updateTable('memberships')
        .set({ roles: owner.roles, profession: owner.profession ?? null, agb_code: owner.agb ?? null })
        .where('practice_id', '=', practice.id)
        .where('user_id', '=', ownerId)
        .execute();
      for (const person of others) {
        const userId = await ensureUser(tx, person.email, person.name, passwordHash);
        await tx
          .insertInto('memberships')
          .values({
            practice_id: practice.id,
            user_id: userId,
            roles: person.roles,
            profession: person.profession ?? null,
            agb_code: person.agb ?? null,
          })
          .execute();
      }
      await tx
        .insertInto('memberships')
        .values({ practice_id: practice.id, user_id: backOfficeId, roles: ['back_office'] })
        .execute();

      const location = await tx
        .insertInto('locations')
        .values({
          practice_id: practice.id,
          name: `${p.city} — ${p.street}`,
          address: JSON.stringify({ street: p.street, postalCode: p.postalCode, city: p.city, country: 'NL' }),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('rooms')
        .values(['Kamer 1', 'Kamer 2', 'Groepsruimte'].map((name) => ({ practice_id: practice.id, location_id: location.id, name })))
        .execute();
      await tx
        .insertInto('services')
        .values([
          {
            practice_id: practice.id,
            name: 'Intake',
            default_duration_minutes: 60,
            allowed_modes: ['in_person', 'video'],
            billing_code: null,
          },
          {
            practice_id: practice.id,
            name: 'Behandeling 45 min',
            default_duration_minutes: 45,
            allowed_modes: ['in_person', 'video', 'phone'],
            billing_code: null,
          },
          {
            practice_id: practice.id,
            name: 'Behandeling 60 min',
            default_duration_minutes: 60,
            allowed_modes: ['in_person', 'video'],
            billing_code: null,
          },
          {
            practice_id: practice.id,
            name: 'Groepssessie',
            default_duration_minutes: 90,
            allowed_modes: ['in_person'],
            billing_code: null,
          },
          {
            practice_id: practice.id,
            name: 'Chatconsult (asynchroon)',
            default_duration_minutes: 15,
            allowed_modes: ['async'],
            billing_code: null,
          },
        ])
        .execute();
      const clinicians = await tx
        .selectFrom('memberships')
        .select('id')
        .where('practice_id', '=', practice.id)
        .where(sql<boolean>`roles @> ARRAY['clinician']`)
        .execute();
      for (const c of clinicians) {
        await tx
          .insertInto('working_hours')
          .values(
            [1, 2, 3, 4].flatMap((weekday) => [
              {
                practice_id: practice.id,
                membership_id: c.id,
                weekday,
                start_time: '09:00',
                end_time: '12:30',
                location_id: location.id,
                modes: ['in_person', 'video', 'phone'],
              },
              {
                practice_id: practice.id,
                membership_id: c.id,
                weekday,
                start_time: '13:30',
                end_time: '17:00',
                location_id: null,
                modes: ['video', 'phone', 'async'],
              },
            ]),
          )
          .execute();
      }
      await seedDemoClients(deps, tx, practice.id, PRACTICES.indexOf(p) + 1);
      await seedDemoAppointments(deps, tx, practice.id, backOfficeId);
    }
  });
  return [
    'Demo data loaded (fictitious; each practice has 25 clients brought in by the CSV import, five weeks of agenda with leave and a closure, and a waitlist). Sign in at the address above with any of:',
    `  ${DEMO_BACK_OFFICE} (back office, both practices)`,
    ...PRACTICES.flatMap((p) => p.people.map((x) => `  ${x.email} (${x.roles.join(', ')} — ${p.name})`)),
    `  password for all: ${DEMO_PASSWORD}; you set up the authenticator app at first sign-in.`,
  ].join('\n');
}
