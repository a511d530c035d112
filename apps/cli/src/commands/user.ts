import type { Command } from 'commander';
import { Email, Name } from '@calmdesk/shared';
import { createAccount } from '../../../server/src/modules/identity/create-account.ts';
import { checkPasswordPolicy, hashPassword } from '../../../server/src/modules/identity/passwords.ts';
import { parseOption, UsageError, withDeps } from './context.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('staff accounts');

  user
    .command('create')
    .description('create a staff account (the second factor is set up at first sign-in)')
    .requiredOption('--email <email>', 'e-mail address (the sign-in name)')
    .requiredOption('--name <name>', 'full name')
    .option('--password <password>', 'initial password (prefer --password-stdin)')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (opts: { email: string; name: string; password?: string; passwordStdin?: boolean }) => {
      const email = parseOption(Email, opts.email, '--email');
      const name = parseOption(Name, opts.name, '--name');
      const password = opts.passwordStdin ? await readStdin() : opts.password;
      if (!password) throw new UsageError('--password or --password-stdin is required');
      try {
        checkPasswordPolicy(password, email, '--password');
      } catch (err) {
        throw new UsageError(err instanceof Error ? err.message : String(err));
      }
      await withDeps(async (deps) => {
        const exists = await deps.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
        if (exists) throw new UsageError(`--email: an account with ${email} already exists`);
        const passwordHash = await hashPassword(password);
        const id = await deps.db.transaction().execute((tx) => createAccount(tx, { email, name, passwordHash }, 'cli'));
        console.log(`created user ${email} (${id})`);
      });
    });

  user
    .command('list')
    .description('list accounts')
    .action(async () => {
      await withDeps(async (deps) => {
        const rows = await deps.db
          .selectFrom('users')
          .select(['id', 'email', 'name', 'totp_enrolled_at', 'disabled_at'])
          .orderBy('email')
          .execute();
        if (rows.length === 0) console.log('no accounts');
        for (const r of rows)
          console.log(
            `${r.id}  ${r.email.padEnd(36)} ${r.name}${r.totp_enrolled_at ? '' : '  (second factor not set up)'}${r.disabled_at ? '  (disabled)' : ''}`,
          );
      });
    });
}
