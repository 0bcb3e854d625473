import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../helpers/harness/config/run-config.ts';
import { loadRegistry } from '../../helpers/harness/rows/registry.ts';
import { FAMILIES } from '../../helpers/kling/families.ts';
import { startSandbox } from '../../helpers/sandbox/server.ts';
import { runNode, runRows } from '../support/child-run.ts';
import { workspace } from '../support/harness-env.ts';
import { notCi } from '../support/not-ci.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';

/**
 * `pnpm plan`, then a payload changed after the approval: the live run recomputes the plan before any request,
 * refuses, names the field that changed, and the server sees no create.
 */

const servers = serversStoppedAfterEach();
// Inside the project, two folders deep like specs/rows, so the specs' relative imports resolve as they do there.
mkdirSync('reports', { recursive: true });
const rowsDir = mkdtempSync(join('reports', 'approval-rows-'));
afterAll(() => rmSync(rowsDir, { recursive: true, force: true }));
for (const file of readdirSync('specs/rows')) if (file.endsWith('.spec.ts')) cpSync(join('specs/rows', file), join(rowsDir, file));

const B_SPEC = readdirSync(rowsDir).find((f) => f.startsWith('B-')) ?? 'B';
const planOf = (stdout: string) => /\*\*Plan digest:\*\* `([0-9a-f]{16})`/.exec(stdout)?.[1];

describe('Harness | a live run is bound to the plan that was approved', () => {
  it('pnpm plan for the default round prints 3 creates, the exposure, what is left out and the digest, and keeps the plan', async () => {
    const ws = workspace();
    const plan = await runNode(['--import', 'tsx', 'helpers/harness/cli/plan-cli.ts'], {
      ...notCi(),
      ROWS_DIR: rowsDir,
      REPORTS_DIR: ws.reportsDir,
      APPROVE_ROWS: '',
    });
    expect(plan.status, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('## Approval request: 3 billable create(s)');
    expect(plan.stdout).toContain('**Total:** 3 create(s); maximum exposure unknown for A, B, C');
    expect(plan.stdout).toContain('- H: next round, approved in a run of its own');
    const digest = planOf(plan.stdout) ?? '';
    expect(existsSync(join(ws.reportsDir, 'plans', `${digest}.json`))).toBe(true);
    expect(plan.stdout).toContain(`APPROVED_PLAN=${digest} APPROVE_ROWS=A,B,C pnpm test:live`);
  });

  it('a payload changed after planning: the live run refuses, naming the change, with zero creates', async () => {
    const sandbox = await startSandbox({ timeScale: 0.01 });
    servers.sandbox = sandbox;
    const ws = workspace();
    const env = {
      ...notCi(),
      RECORDINGS_DIR: '',
      ROWS_DIR: rowsDir,
      HARNESS_MODE: 'live',
      APPROVE_ROWS: 'B',
      KLING_BASE_URL: sandbox.url,
      KLING_ACCESS_KEY: sandbox.credentials.accessKey,
      KLING_SECRET_KEY: sandbox.credentials.secretKey,
      REPORTS_DIR: ws.reportsDir,
    };
    const plan = await runNode(['--import', 'tsx', 'helpers/harness/cli/plan-cli.ts'], env);
    expect(plan.status, plan.stderr).toBe(0);
    const digest = planOf(plan.stdout) ?? '';
    expect(plan.stdout).toContain('## Approval request: 1 billable create(s)');
    // As approved, the run would be accepted.
    expect(parseRunConfig({ ...env, APPROVED_PLAN: digest }, await loadRegistry(rowsDir)).approvedPlan).toBe(digest);

    const file = join(rowsDir, B_SPEC);
    const spec = readFileSync(file, 'utf8');
    const prompt = /prompt: '([^']+)'/.exec(spec)?.[1] ?? '';
    expect(prompt).not.toBe('');
    writeFileSync(file, spec.replace(prompt, `${prompt} At night.`));

    const run = await runRows({ ...env, APPROVED_PLAN: digest });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`APPROVED_PLAN=${digest} is not today's plan (`);
    expect(run.stderr).toContain(
      `row B: payload prompt: approved ${JSON.stringify(prompt)}, today ${JSON.stringify(`${prompt} At night.`)}`,
    );
    expect(sandbox.state.createsReceived).toEqual(Object.fromEntries(FAMILIES.map((f) => [f, 0])));
    expect(existsSync(join(ws.reportsDir, 'hosts'))).toBe(false);
  }, 120_000);
});
