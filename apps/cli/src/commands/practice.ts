import type { Command } from 'commander';
import { Email, Name, isValidTimeZone } from '@calmdesk/shared';
import { createPractice } from '../../../server/src/modules/practices/profile.ts';
import { parseOption, UsageError, withDeps } from './context.ts';

export function registerPracticeCommands(program: Command): void {
  const practice = program.command('practice').description('practices');

  practice
    .command('create')
    .description('create a practice with an existing account as its owner')
    .requiredOption('--name <name>', 'display name of the practice')
    .requiredOption('--owner <email>', 'e-mail of the account that becomes owner')
    .option('--legal-name <name>', 'legal name (defaults to the name)')
    .option('--time-zone <zone>', 'IANA time zone', 'Europe/Amsterdam')
    .option('--locale <locale>', 'en or nl', 'nl')
    .action(async (opts: { name: string; owner: string; legalName?: string; timeZone: string; locale: string }) => {
      const name = parseOption(Name, opts.name, '--name');
      const owner = parseOption(Email, opts.owner, '--owner');
      if (!isValidTimeZone(opts.timeZone)) throw new UsageError(`--time-zone: unknown IANA time zone "${opts.timeZone}"`);
      if (opts.locale !== 'en' && opts.locale !== 'nl') throw new UsageError(`--locale: must be en or nl, not "${opts.locale}"`);
      const locale = opts.locale;
      const legalName = opts.legalName === undefined ? undefined : parseOption(Name, opts.legalName, '--legal-name');
      await withDeps(async (deps) => {
        const user = await deps.db.selectFrom('users').select('id').where('email', '=', owner).executeTakeFirst();
        if (!user) throw new UsageError(`--owner: no account with e-mail ${owner} (create it with: calmdesk user create)`);
        const p = await deps.db
          .transaction()
          .execute((tx) =>
            createPractice(tx, user.id, { name, legalName, timeZone: opts.timeZone, locale }, { requestId: null, ip: null }),
          );
        console.log(`created practice ${p.name} (${p.id}) with owner ${owner}`);
      });
    });

  practice
    .command('list')
    .description('list practices')
    .action(async () => {
      await withDeps(async (deps) => {
        const rows = await deps.db.selectFrom('practices').select(['id', 'name', 'time_zone']).orderBy('name').execute();
        if (rows.length === 0) console.log('no practices');
        for (const r of rows) console.log(`${r.id}  ${r.name}  (${r.time_zone})`);
      });
    });
}
