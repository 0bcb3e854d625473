import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { writeTextFile } from '../sinks/scrubbed-files.ts';
import { scrubText } from '../sinks/scrubber.ts';
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

/** The single-file report embeds each data file as `d("path","<base64>")`: a plain grep of the page sees none of them. */
const EMBEDDED = /d\("([^"\\]+)","([A-Za-z0-9+/=]*)"\)/g;

/** Every embedded data file of a single-file report, decoded. */
export function embeddedFiles(html: string): { path: string; content: Buffer }[] {
  return [...html.matchAll(EMBEDDED)].map((m) => ({ path: m[1] ?? '', content: Buffer.from(m[2] ?? '', 'base64') }));
}

/**
 * The report is a sink like any other: each embedded text file (results, attachments, environment) is decoded,
 * scrubbed and encoded again. Binary files (a video, an image) hold no text to scrub: they were checked before
 * they were attached.
 */
export function scrubReport(html: string): string {
  return html.replace(EMBEDDED, (whole, path: string, data: string) => {
    const bytes = Buffer.from(data, 'base64');
    if (bytes.includes(0)) return whole;
    const text = bytes.toString('utf8');
    const scrubbed = scrubText(text);
    return scrubbed === text ? whole : `d("${path}","${Buffer.from(scrubbed, 'utf8').toString('base64')}")`;
  });
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
  const html = scrubReport(stripAnalytics(readFileSync(index, 'utf8')));
  const remote = remoteReferences(html);
  if (remote.length > 0) throw new Error(`the report still references remote hosts: ${remote.join(', ')}`);
  writeTextFile(index, html);
  // Allure writes its summaries next to the page; they are text too.
  for (const side of readdirSync(options.outDir).filter((f) => f.endsWith('.json'))) {
    const file = join(options.outDir, side);
    writeTextFile(file, readFileSync(file, 'utf8'));
  }
  return index;
}

/** Builds the report of the run in `reportsDir` and says where it is, or why not; true when it was built. */
export function reportRun(reportsDir: string, name: string): boolean {
  try {
    const index = buildReport({ resultsDir: join(reportsDir, 'allure-results'), outDir: join(reportsDir, 'allure-report'), name });
    say(`Report: ${index} (one file; open it in a browser)`);
    return true;
  } catch (error) {
    complain(`✗ report: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}
