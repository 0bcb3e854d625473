import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedFiles } from '../../helpers/harness/evidence/report.ts';
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
    expect(out).toMatch(/Report: .*allure-report\/index\.html/);
    expect(existsSync(join(ws.reportsDir, 'allure-report', 'index.html'))).toBe(true);
    // The account before and after, on the console, in the summary and in the report (promises §12).
    expect(out).toMatch(/Account before the round:\n {2}Sandbox video pack: online, 1000 of 1000 left/);
    expect(out).toContain('Account after the round (remaining quantities lag by up to 12 hours):');
    expect(out).toMatch(/## Account\n\nBefore the round:\n\n- Sandbox video pack: online/);
    const embedded = embeddedFiles(readFileSync(join(ws.reportsDir, 'allure-report', 'index.html'), 'utf8')).map((f) =>
      f.content.toString('utf8'),
    );
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
  }, 120_000);

  it('a live run says where its creates go before the first one', () => {
    const ws = workspace();
    const result = run(['node_modules/vitest/vitest.mjs', 'run', '--project', 'rows'], {
      HARNESS_MODE: 'live',
      APPROVE_ROWS: firstLiveRow,
      KLING_BASE_URL: 'http://127.0.0.1:9',
      REPORTS_DIR: ws.reportsDir,
      KLING_ACCESS_KEY: 'ak-target-1',
      KLING_SECRET_KEY: 'sk-target-1',
    });
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
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('✗ APPROVE_ROWS is empty: name the rows to spend on, e.g. APPROVE_ROWS=A,B');
    expect(existsSync(join(ws.reportsDir, 'evidence'))).toBe(false);
  }, 60_000);
});
