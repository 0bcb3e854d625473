import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { rehearse } from './rehearse.ts';
import { loadRegistry } from '../rows/registry.ts';
import { complain, say, sayLines } from '../sinks/terminal.ts';

/**
 * `pnpm recordings:rerecord`: re-record every sandbox cassette (each row that may create) from a fresh sandbox into
 * a scratch folder and show how it differs from the committed one (RECORDINGS_DIR, default recordings/). Nothing
 * is written unless `--write` is given; an unchanged API gives an empty diff. Exit code 1 when there is a
 * difference that was not written. A new row's first cassette is made this way.
 */

const REPORTS = process.env.REPORTS_DIR || 'reports';
const SCRATCH = join(REPORTS, 'rerecord', 'recordings');
const COMMITTED = process.env.RECORDINGS_DIR || 'recordings';
const SANDBOX_ROWS = (await loadRegistry()).liveRows;

function diff(committed: string, fresh: string): string {
  if (!existsSync(committed)) return `new: ${fresh}\n`;
  const run = spawnSync('diff', ['-ru', committed, fresh], { encoding: 'utf8' });
  if (run.error) return `${committed} and ${fresh} differ (no diff tool to show how)\n`;
  return run.stdout;
}

const write = process.argv.includes('--write');
// A recording is made with each row's sandbox stand-ins, never with inputs an operator's shell happens to hold.
for (const row of SANDBOX_ROWS) for (const input of Object.values(row.inputs ?? {})) Reflect.deleteProperty(process.env, input.env);
// Next-round rows are never approved with the default round's (run-config.ts): they record in a rehearsal of their own.
const batches = [SANDBOX_ROWS.filter((r) => r.approvedAlone === undefined), SANDBOX_ROWS.filter((r) => r.approvedAlone !== undefined)];
const scratchOf = new Map<string, string>();
for (const [i, batch] of batches.entries()) {
  if (batch.length === 0) continue;
  const recordingsDir = join(SCRATCH, `batch-${i + 1}`);
  const { exitCode: code } = await rehearse({ reportsDir: REPORTS, approveRows: batch.map((r) => r.id).join(','), recordingsDir });
  if (code !== 0) {
    complain('✗ the re-recording run failed; nothing compared or written');
    process.exit(code);
  }
  for (const row of batch) scratchOf.set(row.name, join(recordingsDir, row.name));
}
let changed = 0;
for (const row of SANDBOX_ROWS) {
  const { name } = row;
  const fresh = scratchOf.get(name) ?? join(SCRATCH, name);
  if (!existsSync(fresh) || readdirSync(fresh).length === 0) continue;
  const text = diff(join(COMMITTED, name), fresh);
  if (text === '') {
    say(`= ${name}: unchanged`);
    continue;
  }
  changed += 1;
  sayLines([`≠ ${name}:`, ...text.split('\n')]);
  if (write) {
    rmSync(join(COMMITTED, name), { recursive: true, force: true });
    cpSync(fresh, join(COMMITTED, name), { recursive: true });
    say(`  written to ${join(COMMITTED, name)}`);
  }
}
if (changed > 0 && !write) {
  sayLines(['', `${changed} cassette(s) differ. Review the diff, then run again with --write to replace them.`]);
  process.exit(1);
}
