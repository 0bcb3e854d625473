import { join } from 'node:path';
import { writeJsonFile, writeTextFile } from '../sinks/scrubbed-files.ts';
import type { ProbeResult } from './probe.ts';

/** The probe's report, beside the other reports, through the scrubbed writers: JSON for tools, Markdown for people. */
export function writeProbeReport(dir: string, host: string, at: string, result: ProbeResult): { json: string; markdown: string } {
  const json = join(dir, 'probe.json');
  const markdown = join(dir, 'summary.md');
  writeJsonFile(json, { at, host, ...result });
  writeTextFile(markdown, probeLines(host, at, result).join('\n') + '\n');
  return { json, markdown };
}

/** What the probe found, as lines: the account, what it read, and each drift (or the one environment failure). */
export function probeLines(host: string, at: string, result: ProbeResult): string[] {
  const account = result.account.map((l) => `- ${l}`);
  if (result.kind === 'environment') {
    return [
      `# Probe of ${host}, ${at}`,
      '',
      `**No usable answer:** ${result.reason}`,
      ...(account.length ? ['', '## Account', '', ...account] : []),
    ];
  }
  const read = Object.entries(result.seen).map(([family, n]) => `${family} ${n}`);
  return [
    `# Probe of ${host}, ${at}`,
    '',
    result.drift.length === 0 ? '**No drift** from the committed recordings.' : `**Drift:** ${result.drift.length} difference(s).`,
    '',
    '## Account',
    '',
    ...account,
    '',
    '## Read (nothing created)',
    '',
    `- listed tasks: ${read.join(', ')}; tasks from the ledger queried: ${result.ledgerTasks}`,
    `- result URL hosts: ${result.urlHosts.join(', ') || 'none'} (the recordings replace hosts, so these are listed, not compared)`,
    ...(result.drift.length > 0 ? ['', '## Drift', '', ...result.drift.map((d) => `- ${d}`)] : []),
  ];
}
