import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { writeJsonFile, writeReportPage, writeTextFile } from '../sinks/scrubbed-files.ts';
import { allureReportConfig, reportTitle } from '../vitest/allure-options.ts';
import { readRoundAnswer, type RoundAnswer } from './round-answer.ts';
import { roundAt, roundResultsDir, type Round } from './round.ts';
import { complain, say } from '../sinks/terminal.ts';

/**
 * The Allure 3 report of a run, as one HTML file that opens from disk. Allure's "awesome" template embeds a
 * third-party analytics tag with no switch to turn it off; an evidence report of a paid-API round must not
 * phone home, so the tag is cut out after generation and its absence is checked here and in a test.
 */

const ANALYTICS_BLOCK =
  /\s*<script async src="https:\/\/www\.googletagmanager\.com\/gtag\/js[^"]*"><\/script>\s*<script>[\s\S]*?gtag\('config'[\s\S]*?<\/script>/;

export function stripAnalytics(html: string): string {
  return html.replace(ANALYTICS_BLOCK, '');
}

/** Anything in a page that would load or send to a remote host when the file is opened. */
export function remoteReferences(html: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(/<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["'](https?:\/\/[^"']+)/gi))
    found.add(match[1] ?? '');
  if (/googletagmanager|gtag\(|google-analytics/.test(html)) found.add('analytics');
  return [...found];
}

export function buildReport(options: { resultsDir: string; outDir: string; name: string; config?: string }): string {
  if (!existsSync(options.resultsDir) || readdirSync(options.resultsDir).length === 0) {
    throw new Error(`no Allure results in ${options.resultsDir}: run the tests, a rehearsal or a live round first`);
  }
  // The package exports only its library entry; the CLI sits next to it, one folder up.
  const cli = join(dirname(createRequire(import.meta.url).resolve('allure')), '..', 'cli.js');
  rmSync(options.outDir, { recursive: true, force: true });
  const run = spawnSync(
    process.execPath,
    // Grouped by verdict (tightened / unchanged / reopened / not run): each row's answer is seen at a glance.
    [
      cli,
      'awesome',
      options.resultsDir,
      '-o',
      options.outDir,
      '--single-file',
      '--group-by',
      'verdict',
      '--name',
      options.name,
      ...(options.config ? ['--config', options.config] : []),
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, ALLURE_NO_ANALYTICS: 'true' },
    },
  );
  if (run.status !== 0)
    throw new Error(`allure failed (exit ${String(run.status)}): ${(run.stderr || run.stdout).trim().split('\n').at(-1) ?? ''}`);
  const index = join(options.outDir, 'index.html');
  const html = stripAnalytics(readFileSync(index, 'utf8'));
  const remote = remoteReferences(html);
  if (remote.length > 0) throw new Error(`the report still references remote hosts: ${remote.join(', ')}`);
  writeReportPage(index, html);
  // Allure writes its summaries next to the page; they are text too.
  for (const side of readdirSync(options.outDir).filter((f) => f.endsWith('.json'))) {
    const file = join(options.outDir, side);
    writeTextFile(file, readFileSync(file, 'utf8'));
  }
  return index;
}

/** Every round that finished (it has an answer), newest first. */
export function finishedRounds(reportsDir: string): { round: Round; answer: RoundAnswer }[] {
  const dir = join(reportsDir, 'rounds');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((id) => roundAt(reportsDir, id))
    .flatMap((round) => {
      const answer = readRoundAnswer(round);
      return answer ? [{ round, answer }] : [];
    })
    .sort((a, b) => b.answer.finishedAt.localeCompare(a.answer.finishedAt));
}

/**
 * The round a report is built for: the named one, or the newest round in which a row ran (a rerun that skipped
 * every row is a round too, but it has no answer to show, so it does not hide the last one that had).
 */
export function roundToReport(reportsDir: string, named?: string): { round: Round; answer: RoundAnswer; note?: string } {
  const rounds = finishedRounds(reportsDir);
  if (named !== undefined) {
    const found = rounds.find((r) => r.round.id === named);
    if (found) return found;
    throw new Error(
      `no finished round '${named}' in ${join(reportsDir, 'rounds')} (rounds: ${rounds.map((r) => r.round.id).join(', ') || 'none'})`,
    );
  }
  const ran = rounds.find((r) => r.answer.rowsRun > 0);
  if (ran === undefined)
    throw new Error(`no round in ${join(reportsDir, 'rounds')} ran a row yet: run a rehearsal, pnpm test:replay or a live round first`);
  const newest = rounds[0];
  return newest && newest.round.id !== ran.round.id
    ? { ...ran, note: `round ${newest.round.id} ran no row; this is the last round that did` }
    : ran;
}

/** Where a round's report is: one file in the round's folder. */
export function roundReportFile(round: Round): string {
  return join(round.dir, 'report', 'index.html');
}

/** Builds the report of a round (the last one that ran a row, or the named one) and says where it is, or why not. */
export function reportRound(reportsDir: string, named?: string): boolean {
  try {
    const { round, answer, note } = roundToReport(reportsDir, named);
    const config = join(round.dir, 'allurerc.json');
    writeJsonFile(config, allureReportConfig(answer));
    const index = buildReport({
      resultsDir: roundResultsDir(round),
      outDir: dirname(roundReportFile(round)),
      name: reportTitle(answer),
      config,
    });
    if (note) say(`note: ${note}`);
    say(`Report of round ${round.id}: ${index} (one file; open it in a browser)`);
    return true;
  } catch (error) {
    complain(`✗ report: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}
