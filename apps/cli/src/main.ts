import { Command, CommanderError } from 'commander';
import { AppError } from '../../server/src/platform/errors.ts';
import { registerAuditCommands } from './commands/audit.ts';
import { registerClientCommands } from './commands/clients.ts';
import { UsageError } from './commands/context.ts';
import { registerDatabaseCommands } from './commands/database.ts';
import { registerDevCommands } from './commands/dev.ts';
import { registerPracticeCommands } from './commands/practice.ts';
import { registerUserCommands } from './commands/user.ts';

/**
 * `calmdesk` — operator commands. They run against the database directly: DATABASE_URL, or
 * the embedded PostgreSQL in CALMDESK_DATA_DIR (attached when the server is running, started
 * and stopped around the command otherwise).
 */
const program = new Command('calmdesk')
  .description('Calmdesk operator commands')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerDatabaseCommands(program);
registerUserCommands(program);
registerPracticeCommands(program);
registerAuditCommands(program);
registerClientCommands(program);
registerDevCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof UsageError) {
    console.error(`error: ${err.message}`);
    process.exitCode = 2;
  } else if (err instanceof AppError) {
    console.error(`error: ${err.message}`);
    for (const f of err.fields ?? []) console.error(`  ${f.path}: ${f.message}`);
    process.exitCode = 2;
  } else {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
