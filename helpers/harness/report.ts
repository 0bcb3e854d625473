import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

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

export function buildReport(options: { resultsDir: string; outDir: string; name: string }): string {
  if (!existsSync(options.resultsDir) || readdirSync(options.resultsDir).length === 0) {
    throw new Error(`no Allure results in ${options.resultsDir}: run the tests, a rehearsal or a live round first`);
  }
  // The package exports only its library entry; the CLI sits next to it, one folder up.
  const cli = join(dirname(createRequire(import.meta.url).resolve('allure')), '..', 'cli.js');
  rmSync(options.outDir, { recursive: true, force: true });
  const run = spawnSync(
    process.execPath,
    // Grouped by verdict (tightened / unchanged / reopened / not run): each row's answer is seen at a glance.
    [cli, 'awesome', options.resultsDir, '-o', options.outDir, '--single-file', '--group-by', 'verdict', '--name', options.name],
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
  writeFileSync(index, html);
  return index;
}

/** Builds the report of the run in `reportsDir` and says where it is, or why not; true when it was built. */
export function reportRun(reportsDir: string, name: string): boolean {
  try {
    const index = buildReport({ resultsDir: join(reportsDir, 'allure-results'), outDir: join(reportsDir, 'allure-report'), name });
    console.log(`Report: ${index} (one file; open it in a browser)`);
    return true;
  } catch (error) {
    console.error(`✗ report: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}
