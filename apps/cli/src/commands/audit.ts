import type { Command } from 'commander';
import { Uuid } from '@calmdesk/shared';
import { verifyAllChains, verifyChain } from '../../../server/src/modules/audit/verify-chain.ts';
import { parseOption, withDeps } from './context.ts';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the access log');

  audit
    .command('verify')
    .description('recompute the hash chains of the access log; exits 1 when one is broken')
    .option('--practice <id>', 'only this practice (default: every chain)')
    .action(async (opts: { practice?: string }) => {
      const practiceId = opts.practice === undefined ? undefined : parseOption(Uuid, opts.practice, '--practice');
      await withDeps(async (deps) => {
        const reports = practiceId ? [await verifyChain(deps.db, practiceId)] : await verifyAllChains(deps.db);
        let broken = 0;
        for (const r of reports) {
          const label = r.chainId === '00000000-0000-0000-0000-000000000000' ? 'accounts' : `practice ${r.chainId}`;
          if (r.intact) console.log(`ok      ${label}: ${r.checked} entries`);
          else {
            broken += 1;
            console.log(`BROKEN  ${label}: first bad entry at seq ${r.firstBrokenSeq} (after ${r.checked} good entries)`);
          }
        }
        if (reports.length === 0) console.log('the access log is empty');
        if (broken) {
          console.error(`${broken} chain(s) broken: the access log was altered`);
          process.exitCode = 1;
        }
      });
    });
}
