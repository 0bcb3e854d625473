import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workspace } from '../support/harness-env.ts';

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
  return spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
}

describe('Harness | the commands a person runs', () => {
  it('pnpm rehearse runs A, B, C against the sandbox, one create each, writes scratch recordings only, and builds the report', () => {
    const ws = workspace();
    const before = recordingsDigest();
    const result = run(['--import', 'tsx', 'helpers/harness/rehearse.ts'], {
      REPORTS_DIR: ws.reportsDir,
      SANDBOX_TIME_SCALE: '0.1',
      APPROVE_ROWS: '',
    });
    const out = `${result.stdout}\n${result.stderr}`;
    expect(result.status, out).toBe(0);
    expect(out).toContain('Sandbox creates: {"omni-video":1,"text2video":1,"image2video":1,"multi-image2video":0}');
    expect(out).toContain('**End state:** Non-Omni minimal no-model requests are viable');
    expect(out).toMatch(/Report: .*allure-report\/index\.html/);
    expect(existsSync(join(ws.reportsDir, 'allure-report', 'index.html'))).toBe(true);
    expect(readdirSync(join(ws.reportsDir, 'rehearsal', 'recordings')).sort()).toEqual([
      'A-omni-first-frame',
      'B-text2video-no-model',
      'C-image2video-no-model',
    ]);
    expect(recordingsDigest()).toBe(before);
  }, 120_000);

  it('pnpm test:live refuses before any request when no row is approved, in one line', () => {
    const ws = workspace();
    const result = run(['node_modules/vitest/vitest.mjs', 'run', '--project', 'rows'], {
      HARNESS_MODE: 'live',
      APPROVE_ROWS: '',
      REPORTS_DIR: ws.reportsDir,
      KLING_ACCESS_KEY: 'ak-x',
      KLING_SECRET_KEY: 'sk-x',
      CI: '',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('✗ APPROVE_ROWS is empty: name the rows to spend on, e.g. APPROVE_ROWS=A,B');
    expect(existsSync(join(ws.reportsDir, 'evidence'))).toBe(false);
  }, 60_000);
});
