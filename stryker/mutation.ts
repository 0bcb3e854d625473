/**
 * `pnpm test:mutation [stryker options]`: runs Stryker (stryker.config.mjs; `--mutate <file>` for one module,
 * `--incremental` to rerun only what changed), then reads its JSON report and prints, per role, the score against
 * its target, and every undetected mutant that stryker/equivalent-mutants.json does not list. `--report-only`
 * skips the run and reads the last report.
 *
 * Exit 0: every mutated role meets its target and no undetected mutant is new. 1: a target is missed or a
 * survivor is new (each printed with a ready-to-fill entry for the list). 2: Stryker itself failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import modules from './modules.json' with { type: 'json' };
import { compare, parseKnown, parseReport, tally, type Tally } from './survivors.ts';

const REPORT = 'reports/mutation/mutation.json';
const KNOWN = 'stryker/equivalent-mutants.json';

const args = process.argv.slice(2);
const reportOnly = args.includes('--report-only');
if (!reportOnly) {
  // Replay, whatever the shell says: the suites assume it as `pnpm test` does (stryker/vitest.config.ts sets it too).
  const run = spawnSync(process.execPath, ['node_modules/@stryker-mutator/core/bin/stryker.js', 'run', ...args], {
    stdio: 'inherit',
    env: { ...process.env, HARNESS_MODE: 'replay' },
  });
  if (run.status !== 0) process.exit(2);
}
if (!existsSync(REPORT)) {
  console.error(`no report at ${REPORT}: run pnpm test:mutation first`);
  process.exit(2);
}

const report = parseReport(JSON.parse(readFileSync(REPORT, 'utf8')));
const known = parseKnown(JSON.parse(readFileSync(KNOWN, 'utf8')));
const { fresh, accepted, stale } = compare(report, known);

const pct = (t: Tally) => (t.score === undefined ? '   –  ' : `${t.score.toFixed(1).padStart(5)}%`);
const row = (name: string, t: Tally, target = '') =>
  `${name.padEnd(48)} ${[t.killed, t.timeout, t.survived, t.noCoverage, t.errors].map((n) => String(n).padStart(7)).join('')}  ${pct(t)}  ${target}`;

const lines = [`${'role / module'.padEnd(48)}  killed timeout survivd  no-cov  errors   score  target`];
const missed: string[] = [];
for (const { role, target, files } of modules) {
  const mutated = files.filter((f) => f in report.files);
  if (mutated.length === 0) continue;
  const total = tally(report, mutated);
  const met = total.score === undefined || total.score >= target;
  if (!met) missed.push(`${role}: ${pct(total).trim()} < ${target}%`);
  lines.push(row(role, total, `${met ? '≥' : 'BELOW'} ${target}%`));
  for (const file of mutated) lines.push(row(`  ${file.replace(/^helpers\//, '')}`, tally(report, [file])));
}
console.log(['', 'Mutation score by role (killed + timeout over all that compiled)', ...lines].join('\n'));

console.log(`\n${accepted.length} undetected mutant(s) accepted as equivalent (${KNOWN}).`);
for (const entry of stale) {
  console.log(`listed but no longer undetected (remove it from ${KNOWN}): ${entry.file} ${entry.mutator}: ${entry.original}`);
}
if (fresh.length > 0) {
  console.log(`\n${fresh.length} new undetected mutant(s): kill each with a test, or, only if it cannot change behaviour, list it:`);
  for (const m of fresh) {
    console.log(`  ${m.file}:${m.line}:${m.column} ${m.status} ${m.mutator}: ${m.original}  →  ${m.replacement}`);
    const entry = { file: m.file, mutator: m.mutator, original: m.original, replacement: m.replacement, reason: '' };
    console.log(`    ${JSON.stringify(entry)}`);
  }
}
for (const line of missed) console.log(`target missed: ${line}`);
console.log(`\nHTML report: reports/mutation/index.html`);
process.exit(fresh.length > 0 || missed.length > 0 ? 1 : 0);
