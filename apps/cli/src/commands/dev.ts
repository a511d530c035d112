import type { Command } from 'commander';
import { loadConfig } from '../../../server/src/config.ts';
import { devOutboxEnabled, outboxUrl } from '../../../server/src/modules/dev/outbox-key.ts';
import { UsageError } from './context.ts';

export function registerDevCommands(program: Command): void {
  const dev = program.command('dev').description('development helpers');

  dev
    .command('outbox-url')
    .description('print the link to the development mailbox (with its key, from the data folder)')
    .action(() => {
      const config = loadConfig();
      if (!devOutboxEnabled(config)) {
        throw new UsageError('there is no development mailbox: e-mail goes out through SMTP_URL, or this is production');
      }
      console.log(outboxUrl(config));
    });
}
