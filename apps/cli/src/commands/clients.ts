import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Command } from 'commander';
import type { z } from 'zod';
import { ImportMapping, Uuid, type ImportField, type ImportReport } from '@calmdesk/shared';
import { importClients } from '../../../server/src/modules/clients/import-clients.ts';
import { parseOption, UsageError, withDeps } from './context.ts';

/** Files with at least this many data lines get a progress bar on stderr. */
const PROGRESS_FROM_LINES = 1000;

function readFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`FILE: no such file: ${file}`);
    if (code === 'EISDIR') throw new UsageError(`FILE: ${file} is a folder, not a CSV file`);
    throw new UsageError(`FILE: cannot read ${file} (${code ?? 'unknown error'})`);
  }
}

function parseMapping(raw: string | undefined): Record<string, ImportField | null> {
  if (raw === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new UsageError(`--mapping: not JSON; give an object like '{"Naam":"lastName","Extra":null}'`);
  }
  return parseOption(ImportMapping, json, '--mapping');
}

/** A one-line bar redrawn in place: `saving [#####.....] 5000/10000`. */
function progressBar(stream: NodeJS.WriteStream) {
  let last = -1;
  return {
    update(label: string, done: number, total: number) {
      const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
      if (pct === last) return;
      last = pct;
      const filled = Math.round(pct / 5);
      stream.write(`\r${label.padEnd(8)} [${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] ${done}/${total} ${pct}%`);
    },
    end() {
      if (last >= 0) stream.write('\n');
    },
  };
}

function printReport(report: z.infer<typeof ImportReport>): void {
  const t = report.totals;
  for (const r of report.rows) {
    if (r.outcome === 'duplicate' && r.duplicateOf) {
      const of = r.duplicateOf.kind === 'existing' ? `client ${r.duplicateOf.clientNumber}` : `row ${r.duplicateOf.row}`;
      console.log(`row ${r.row}: duplicate of ${of} (${r.duplicateOf.matchedOn.replaceAll('_', ' ')}), skipped`);
    }
    for (const e of r.errors) console.log(`row ${r.row}: invalid — ${e.column ?? e.field}: ${e.message}`);
  }
  const counts = `${t.rows} rows: ${t.create} ${report.dryRun ? 'to create' : 'created'}, ${t.duplicate} duplicate, ${t.invalid} invalid`;
  if (report.dryRun) {
    console.log(`dry run, nothing saved — ${counts}`);
    if (t.invalid > 0) console.log('the real import refuses the file while any row is invalid');
  } else {
    const numbers = report.rows.flatMap((r) => (r.clientNumber ? [r.clientNumber] : []));
    const range = numbers.length > 0 ? ` (${numbers[0]} … ${numbers[numbers.length - 1]})` : '';
    console.log(`imported — ${counts}${range}`);
  }
}

export function registerClientCommands(program: Command): void {
  const clients = program.command('clients').description('client records');

  clients
    .command('import')
    .description('import a client list from a CSV file (UTF-8; first row the headers) in one transaction')
    .argument('<file>', 'the CSV file')
    .requiredOption('--practice <id>', 'the practice to import into')
    .option('--dry-run', 'report per row what would happen; save nothing')
    .option('--mapping <json>', 'JSON object from CSV header to client field (null ignores a column), e.g. \'{"Naam":"lastName"}\'')
    .action(async (file: string, opts: { practice: string; dryRun?: boolean; mapping?: string }) => {
      const practiceId = parseOption(Uuid, opts.practice, '--practice');
      const mapping = parseMapping(opts.mapping);
      const csv = readFile(file);
      const lines = csv.reduce((n, byte) => (byte === 0x0a ? n + 1 : n), 0);
      const bar = lines >= PROGRESS_FROM_LINES ? progressBar(process.stderr) : undefined;
      await withDeps(async (deps) => {
        const practice = await deps.db.selectFrom('practices').select('id').where('id', '=', practiceId).executeTakeFirst();
        if (!practice) throw new UsageError(`--practice: no practice with id ${practiceId} (see: calmdesk practice list)`);
        try {
          const report = await deps.db.transaction().execute((tx) =>
            importClients(
              {
                deps,
                tx,
                practiceId,
                roles: 'system',
                actor: { userId: null },
                meta: { requestId: `cli-${crypto.randomUUID()}`, ip: null, userAgent: 'calmdesk-cli' },
                reason: 'cli',
              },
              {
                csv,
                mapping,
                dryRun: opts.dryRun ?? false,
                onProgress: (p) => bar?.update(p.phase === 'check' ? 'checked' : 'saving', p.done, p.total),
              },
            ),
          );
          bar?.end();
          printReport(report);
        } catch (err) {
          bar?.end();
          throw err;
        }
      });
    });
}
