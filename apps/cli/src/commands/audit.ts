import type { Command } from 'commander';
import { Uuid } from '@calmdesk/shared';
import { sealChains, sealKeyOf } from '../../../server/src/platform/audit-seal.ts';
import { verifyAllChains, verifyChain } from '../../../server/src/modules/audit/verify-chain.ts';
import { parseOption, withDeps } from './context.ts';

const NIL = '00000000-0000-0000-0000-000000000000';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the access log');

  audit
    .command('verify')
    .description(
      'check the access log: every chain recomputed and every seal (database and seal file) checked; exits 1 when it was altered',
    )
    .option('--practice <id>', 'only this practice (default: every chain)')
    .action(async (opts: { practice?: string }) => {
      const practiceId = opts.practice === undefined ? undefined : parseOption(Uuid, opts.practice, '--practice');
      await withDeps(async (deps) => {
        const key = sealKeyOf(deps);
        const reports = practiceId ? [await verifyChain(deps.db, practiceId, key)] : await verifyAllChains(deps.db, key);
        let broken = 0;
        for (const r of reports) {
          const label = r.chainId === NIL ? 'accounts' : `practice ${r.chainId}`;
          const sealed = r.sealedSeq === null ? 'not sealed yet' : `sealed up to ${r.sealedSeq} at ${r.sealedAt?.toISOString() ?? '?'}`;
          const pending = r.pending ? `, ${r.pending} pending` : '';
          if (r.intact) console.log(`ok      ${label}: ${r.checked} entries, ${sealed}${pending}`);
          else {
            broken += 1;
            console.log(`BROKEN  ${label}: first bad entry at seq ${r.firstBrokenSeq ?? '?'} (after ${r.checked} chained entries)`);
            for (const p of r.problems) console.log(`        - ${p}`);
          }
          if (r.unverifiableSeals) console.log(`        (${r.unverifiableSeals} seals made with another key were not checked)`);
        }
        if (reports.length === 0) console.log('the access log is empty');
        console.log(`seal file: ${key.file}`);
        if (broken) {
          console.error(`${broken} chain(s) broken: the access log was altered`);
          process.exitCode = 1;
        }
      });
    });

  audit
    .command('seal')
    .description('chain pending entries and seal every chain now (the server does this every minute and when it stops)')
    .action(async () => {
      await withDeps(async (deps) => {
        const seals = await sealChains(deps.db, sealKeyOf(deps));
        console.log(seals.length ? `sealed ${seals.length} chain(s)` : 'nothing new to seal');
      });
    });
}
