import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { RecordingProvenance } from '../evidence/evidence.ts';

/**
 * Where a run's requests go, and so what its evidence may claim and where it may write (promises §10). Only a
 * documented Kling host (kling-api §0) makes a `live` recording, and only such a run writes the committed
 * recordings and ledger; any other host is recorded as what it is, under `reports/hosts/<host>/`, kept across
 * runs; a rehearsal writes its scratch folder. No environment variable can point a run at another's ledger.
 */

export const KLING_HOSTS: readonly string[] = ['api-singapore.klingai.com', 'api-beijing.klingai.com', 'api.klingai.com'];

/** The recordings (and, beside them, the ledger) a team shares through the repo. */
export const COMMITTED_RECORDINGS = 'recordings';
export const COMMITTED_LEDGER = join(COMMITTED_RECORDINGS, 'ledger.jsonl');

export interface Target {
  /** `kling`: a documented API host; `custom-host`: any other; `sandbox`: a rehearsal; `recording`: replay. */
  kind: 'kling' | 'custom-host' | 'sandbox' | 'recording';
  host: string;
}

export function targetOf(mode: 'replay' | 'live' | 'rehearse', baseUrl: string): Target {
  if (mode === 'replay') return { kind: 'recording', host: 'none' };
  const host = new URL(baseUrl).host;
  if (mode === 'rehearse') return { kind: 'sandbox', host };
  return { kind: KLING_HOSTS.includes(host) ? 'kling' : 'custom-host', host };
}

export function provenanceOf(target: Target): RecordingProvenance {
  return target.kind === 'kling' ? 'live' : target.kind === 'custom-host' ? 'custom-host' : 'sandbox';
}

/** `127.0.0.1:4010` → `127.0.0.1_4010`: a host as a folder name. */
export function hostFolder(host: string): string {
  return host.replace(/[^A-Za-z0-9.-]/g, '_');
}

/** A path as the file system will resolve it: symlinks of its nearest existing ancestor followed. */
function real(path: string): string {
  let existing = resolve(path);
  const rest: string[] = [];
  while (!existsSync(existing) && dirname(existing) !== existing) {
    rest.unshift(basename(existing));
    existing = dirname(existing);
  }
  return join(realpathSync(existing), ...rest);
}

const same = (a: string, b: string) => real(a) === real(b);
/** At or inside `dir` (at it, the relative path is '', which neither climbs out nor is absolute). */
const within = (path: string, dir: string) => {
  const inner = relative(real(dir), real(path));
  return !inner.startsWith('..') && !isAbsolute(inner);
};

/** A rehearsal's own scratch recordings and ledger, beside its reports: the one place this is said. */
export function rehearsalPaths(reportsDir: string): { recordingsDir: string; ledgerFile: string } {
  return { recordingsDir: join(reportsDir, 'rehearsal', 'recordings'), ledgerFile: join(reportsDir, 'rehearsal', 'ledger.jsonl') };
}

/** The recordings folder and ledger a run uses, and one line per setting that tries to move them elsewhere. */
export function runPaths(
  target: Target,
  env: Record<string, string | undefined>,
  reportsDir: string,
): { recordingsDir: string; ledgerFile: string | undefined; problems: string[] } {
  const asked = env.RECORDINGS_DIR === '' ? undefined : env.RECORDINGS_DIR;
  const problems: string[] = [];
  const refuse = (to: string, own: string) =>
    problems.push(`RECORDINGS_DIR=${to} would point this run at other recordings and another ledger than its own (${own}); unset it`);
  let paths: { recordingsDir: string; ledgerFile: string | undefined };
  switch (target.kind) {
    case 'recording':
      paths = { recordingsDir: asked ?? COMMITTED_RECORDINGS, ledgerFile: undefined };
      break;
    case 'kling':
      if (asked !== undefined && !same(asked, COMMITTED_RECORDINGS)) refuse(asked, COMMITTED_RECORDINGS);
      paths = { recordingsDir: COMMITTED_RECORDINGS, ledgerFile: COMMITTED_LEDGER };
      break;
    case 'custom-host': {
      const dir = join(reportsDir, 'hosts', hostFolder(target.host));
      if (asked !== undefined && !same(asked, join(dir, 'recordings'))) refuse(asked, join(dir, 'recordings'));
      paths = { recordingsDir: join(dir, 'recordings'), ledgerFile: join(dir, 'ledger.jsonl') };
      break;
    }
    case 'sandbox': {
      // Any scratch folder (the re-record tool picks its own), but never the committed one.
      const own = rehearsalPaths(reportsDir);
      if (asked !== undefined && same(asked, COMMITTED_RECORDINGS)) refuse(asked, own.recordingsDir);
      paths = { ...own, ...(asked !== undefined && !same(asked, COMMITTED_RECORDINGS) ? { recordingsDir: asked } : {}) };
      break;
    }
  }
  // Only a Kling host's run may write the committed recordings, whatever the folders were called or linked as.
  if (target.kind !== 'kling' && target.kind !== 'recording') {
    // An empty REPORTS_DIR is the working directory: checked as any other, and named '.'.
    for (const path of [paths.recordingsDir, paths.ledgerFile, reportsDir]) {
      if (path !== undefined && within(path, COMMITTED_RECORDINGS)) {
        problems.push(
          `${path || '.'} is inside the committed ${COMMITTED_RECORDINGS}/: only a run against a Kling host writes there; point REPORTS_DIR and RECORDINGS_DIR elsewhere`,
        );
        break;
      }
    }
  }
  const ledgerAsked = env.LEDGER_FILE === '' ? undefined : env.LEDGER_FILE;
  if (ledgerAsked !== undefined && paths.ledgerFile !== undefined && !same(ledgerAsked, paths.ledgerFile)) {
    problems.push(
      `LEDGER_FILE=${ledgerAsked} would point this run at another ledger than its own (${paths.ledgerFile}); unset it (it only picks the ledger pnpm ledger reads)`,
    );
  }
  return { ...paths, problems };
}
