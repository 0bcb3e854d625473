import { approvedLive } from '../support/approved-plan.ts';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedCalls, embeddedFiles } from '../../helpers/harness/sinks/single-file-report.ts';
import { workspace } from '../support/harness-env.ts';
import { FAMILIES } from '../../helpers/kling/families.ts';
import { matrix } from '../support/matrix.ts';
import { notCi } from '../support/not-ci.ts';

const defaultRound = matrix.rows.filter((r) => r.defaultRound);
const firstLiveRow = matrix.liveRows[0]?.id ?? 'none';

/** A digest of every committed recording, to prove a run did not write over them. */
function recordingsDigest(): string {
  const hash = createHash('sha256');
  for (const entry of readdirSync('recordings', { recursive: true, withFileTypes: true }).filter((d) => d.isFile())) {
    const file = join(entry.parentPath, entry.name);
    hash.update(file).update(readFileSync(file));
  }
  return hash.digest('hex');
}

function run(args: string[], env: Record<string, string>) {
  // A live or rehearsal run picks its own recordings folder: a RECORDINGS_DIR this suite runs under is not theirs.
  return spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...notCi(), RECORDINGS_DIR: '', ...env }, timeout: 120_000 });
}

describe('Harness | the commands a person runs', () => {
  it('pnpm rehearse runs the default round against the sandbox, one create each, writes scratch recordings only, and builds the report', () => {
    const ws = workspace();
    const before = recordingsDigest();
    const result = run(['--import', 'tsx', 'helpers/harness/cli/rehearse.ts'], {
      REPORTS_DIR: ws.reportsDir,
      SANDBOX_TIME_SCALE: '0.1',
      APPROVE_ROWS: '',
    });
    const out = `${result.stdout}\n${result.stderr}`;
    expect(result.status, out).toBe(0);
    const creates = JSON.parse(/Sandbox creates: (\{.*\})/.exec(out)?.[1] ?? '{}') as Record<string, number>;
    expect(creates).toEqual(Object.fromEntries(FAMILIES.map((f) => [f, defaultRound.filter((r) => r.family === f).length])));
    expect(out).toContain('**End state:** Non-Omni minimal no-model requests are viable');
    // The console: progress lines as they are (no vitest "stdout | file > test" header), each row not run says
    // why, and the round's summary is said once.
    expect(out).not.toMatch(/^stdout \|/m);
    for (const row of matrix.rows.filter((r) => !r.defaultRound)) expect(out).toContain(`[${row.id}] not run: row ${row.id} is `);
    expect(out.match(/summary at /g)).toHaveLength(1);
    const roundId = /Report of round (rehearse-\S+): /.exec(out)?.[1] ?? 'none';
    const report = join(ws.reportsDir, 'rounds', roundId, 'report', 'index.html');
    expect(out).toContain(`Report of round ${roundId}: ${report} (one file; open it in a browser)`);
    expect(existsSync(report)).toBe(true);
    // The account before and after, on the console, in the summary and in the report (promises §12).
    expect(out).toMatch(/Account before the round:\n {2}Sandbox video pack: online, 1000 of 1000 left/);
    expect(out).toContain('Account after the round (remaining quantities lag by up to 12 hours):');
    expect(out).toMatch(/## Account\n\nBefore the round:\n\n- Sandbox video pack: online/);
    const html = readFileSync(report, 'utf8');
    // Every file the page embeds is intact (a text scrub of the page once turned each JSON one into "[redacted-jwt]").
    expect(embeddedFiles(html)).toHaveLength(embeddedCalls(html));
    const embedded = embeddedFiles(html).map((f) => f.content.toString('utf8'));
    expect(embedded.some((text) => text.includes('**End state:**') && text.includes('## Account'))).toBe(true);
    expect(embedded.some((text) => text.includes('"before"') && text.includes('Sandbox video pack: online'))).toBe(true);
    expect(readdirSync(join(ws.reportsDir, 'rehearsal', 'recordings')).sort()).toEqual(defaultRound.map((r) => r.name).sort());
    expect(recordingsDigest()).toBe(before);
  }, 120_000);

  it.each(['test', 'test:replay', 'test:faults'])('pnpm %s is replay whatever HARNESS_MODE the shell has', (script) => {
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts[script]).toMatch(/^HARNESS_MODE=replay vitest run\b/);
  });

  it('pnpm test:replay, run from a shell that says HARNESS_MODE=live, replays and spends nothing', () => {
    const ws = workspace();
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    const result = spawnSync('sh', ['-c', scripts['test:replay'] ?? 'false'], {
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        ...notCi(),
        PATH: `${join('node_modules', '.bin')}:${process.env.PATH ?? ''}`,
        HARNESS_MODE: 'live',
        APPROVE_ROWS: defaultRound.map((r) => r.id).join(','),
        KLING_ACCESS_KEY: 'ak-shell-1',
        KLING_SECRET_KEY: 'sk-shell-1',
        REPORTS_DIR: ws.reportsDir,
      },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`Round replay-\\d{8}-\\d{6}: ${matrix.rows.length} row\\(s\\)`));
    expect(result.stdout).not.toContain('Target:');
    // Replay says what it replays: nothing is created, and the recorded video is named by its size and digest.
    expect(result.stdout).not.toContain('created task');
    for (const row of matrix.rows)
      // From the recordings the run replays: the committed ones, or RECORDINGS_DIR's in a scratch registry.
      expect(result.stdout).toContain(
        `[${row.id}] replaying ${join(process.env.RECORDINGS_DIR || 'recordings', row.name, 'cassette.har')}: nothing is created`,
      );
    expect(result.stdout).toMatch(/\] recorded result video: \d+ bytes, sha256 [0-9a-f]{64}/);
    const summary = readFileSync(/summary at (\S+)/.exec(result.stdout)?.[1] ?? 'none', 'utf8');
    expect(summary).toMatch(/\*\*Recorded spend \(this replay spent nothing\):\*\* \d+ units?/);
    expect(summary).not.toMatch(/\d+ units\b.*\b1 units\b|\b1 units\b/);
  }, 120_000);

  it('a live run says where its creates go before the first one', () => {
    const ws = workspace();
    const result = run(
      ['node_modules/vitest/vitest.mjs', 'run', '--project', 'rows'],
      approvedLive({
        HARNESS_MODE: 'live',
        APPROVE_ROWS: firstLiveRow,
        KLING_BASE_URL: 'http://127.0.0.1:9',
        REPORTS_DIR: ws.reportsDir,
        KLING_ACCESS_KEY: 'ak-target-1',
        KLING_SECRET_KEY: 'sk-target-1',
      }),
    );
    const target = result.stdout.indexOf(
      `Target: http://127.0.0.1:9 (not a Kling host: creates may still be billed by whatever answers there; recorded as custom-host in ${join(ws.reportsDir, 'hosts', '127.0.0.1_9', 'recordings')}, never as live; approved rows ${firstLiveRow})`,
    );
    expect(target, result.stdout).toBeGreaterThanOrEqual(0);
    const first = result.stdout.indexOf(`[${firstLiveRow}] `);
    expect(first === -1 || first > target).toBe(true);
  }, 60_000);

  it('pnpm test:live refuses before any request when no row is approved, in one line', () => {
    const ws = workspace();
    const result = run(['node_modules/vitest/vitest.mjs', 'run', '--project', 'rows'], {
      HARNESS_MODE: 'live',
      APPROVE_ROWS: '',
      REPORTS_DIR: ws.reportsDir,
      KLING_ACCESS_KEY: 'ak-x',
      KLING_SECRET_KEY: 'sk-x',
    });
    // One ✗ line per problem and exit 2: none of vitest's "No test files found", project listing or stack trace.
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual(['✗ APPROVE_ROWS is empty: name the rows to spend on, e.g. APPROVE_ROWS=A,B']);
    expect(result.stdout).not.toMatch(/No test files found|Unhandled Error|node_modules|❯/);
    expect(existsSync(join(ws.reportsDir, 'evidence'))).toBe(false);
  }, 60_000);
});
