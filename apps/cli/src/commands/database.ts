import type { Command } from 'commander';
import { loadConfig } from '../../../server/src/config.ts';
import { acquireDatabase, prepareDatabase } from '../../../server/src/db/database.ts';
import { UsageError, withDeps } from './context.ts';

export function registerDatabaseCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (forward only)')
    .action(async () => {
      const config = loadConfig();
      const database = await acquireDatabase(config, { attach: true });
      try {
        const { applied, warnings } = await prepareDatabase(database, config);
        for (const w of warnings) console.warn(`warning: ${w}`);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      } finally {
        await database.close();
      }
    });

  program
    .command('seed')
    .description('load data into the database')
    .option('--demo', 'the fictitious demo practices, staff and settings')
    .action(async (opts: { demo?: boolean }) => {
      if (!opts.demo) throw new UsageError('say what to seed: --demo');
      await withDeps(async (deps) => {
        // Loaded only for this command: the demo pulls in every module (the CLI starts faster without it).
        const { seedDemo } = await import('../../../server/src/seed/demo.ts');
        const result = await seedDemo(deps, { onlyIfEmpty: true });
        console.log(result ?? 'the database already holds practices; demo data not loaded');
      });
    });
}
