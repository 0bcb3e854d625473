import { resolveRowInputs } from '../../helpers/harness/rows/row-inputs.ts';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { compareProfiles, emptyProfile } from '../../helpers/harness/probe/answer-profile.ts';
import { runProbe, type ProbeResult } from '../../helpers/harness/probe/probe.ts';
import { writeProbeReport } from '../../helpers/harness/probe/probe-report.ts';
import { readOnlyClient } from '../../helpers/harness/probe/read-only-client.ts';
import { resetAccountSpacing } from '../../helpers/harness/account/account-check.ts';
import { CreateLife } from '../../helpers/harness/ledger/create-life.ts';
import { Ledger } from '../../helpers/harness/ledger/ledger.ts';
import { createTokenSource } from '../../helpers/kling/auth.ts';
import { KlingClient } from '../../helpers/kling/client.ts';
import { createFetchContext } from '../../helpers/kling/http-context.ts';
import type { DriftChange, Fault } from '../../helpers/sandbox/faults.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox/server.ts';
import { runNode } from '../support/child-run.ts';
import { workspace } from '../support/harness-env.ts';
import { matrix } from '../support/matrix.ts';
import { notCi } from '../support/not-ci.ts';
import { closedPort } from '../support/ports.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';

const servers = serversStoppedAfterEach();

/** A sandbox holding one finished task per row that may create, made as the harness would make them. */
async function sandboxWithTasks(): Promise<Sandbox> {
  const sb = await startSandbox({ timeScale: 0.001 });
  servers.sandbox = sb;
  const client = new KlingClient({ baseUrl: sb.url, token: createTokenSource(sb.credentials), http: createFetchContext() });
  for (const row of matrix.liveRows) {
    const built = row.payload(resolveRowInputs(row, { mode: 'rehearse', env: {} }).resolved?.values ?? {});
    await client.create(built.family, { ...built.body, external_task_id: `probe-${row.id}` });
  }
  await delay(100);
  return sb;
}

async function probe(sb: Sandbox): Promise<ProbeResult> {
  resetAccountSpacing();
  return runProbe({ client: readOnlyClient(sb.url, sb.credentials), registry: matrix, recordingsDir: 'recordings', intervalMs: 0 });
}

describe('Probe | watching the real API for free', () => {
  it('reads the account and every family and finds no drift from the recordings, making no create', async () => {
    const sb = await sandboxWithTasks();
    const before = sb.state.requests.length;
    const result = await probe(sb);
    expect(result).toMatchObject({ kind: 'probed', drift: [] });
    expect(result.account).toEqual([expect.stringMatching(/^Sandbox video pack: online, 1000 of 1000 left/) as string]);
    if (result.kind === 'probed') expect(Object.values(result.seen).reduce((a, b) => a + b, 0)).toBe(matrix.liveRows.length);
    const probed = sb.state.requests.slice(before);
    expect(probed.map((r) => r.method)).toEqual(probed.map(() => 'GET'));
    expect(probed.map((r) => r.route).sort()).toEqual(['account', 'list', 'list', 'list', 'list']);
  });

  it("queries the tasks the ledger knows, each with its row's family", async () => {
    const sb = await sandboxWithTasks();
    const [taskId] = [...sb.state.tasks].find(([, task]) => task.family === matrix.get('B').family) ?? [];
    const ledger = new Ledger(join(workspace().root, 'ledger.jsonl'));
    new CreateLife(ledger, { row: 'B', round: 'r1', externalTaskId: 'probe-B' }).created(taskId ?? 'none');
    resetAccountSpacing();
    const before = sb.state.requests.length;
    const result = await runProbe({
      client: readOnlyClient(sb.url, sb.credentials),
      registry: matrix,
      recordingsDir: 'recordings',
      ledgerFile: ledger.file,
      intervalMs: 0,
    });
    expect(result).toMatchObject({ kind: 'probed', ledgerTasks: 1, drift: [] });
    expect(
      sb.state.requests
        .slice(before)
        .filter((r) => r.route === 'query')
        .map((r) => r.path),
    ).toEqual([`/v1/videos/text2video/${taskId ?? ''}`]);
  });

  it.each([
    ['new-field', /^a field the recordings never hold: task_priority$/],
    ['new-status', /^task_status 'queued' is neither documented nor in the recordings \(failed, processing, submitted, succeed\)$/],
    ['long-id', /^task_id format base64url-22 \(e\.g\. CjI17WevH1IAAAAAAHmgsw\) is not in the recordings \(digits-18\)$/],
    ['numeric-deduction', /^final_unit_deduction is a number; the recordings hold string$/],
  ] as [DriftChange, RegExp][])('names drift: %s', async (change, line) => {
    const sb = await sandboxWithTasks();
    sb.inject({ route: 'list', calls: 'every', fault: { kind: 'drift', change } });
    const result = await probe(sb);
    expect(result.kind).toBe('probed');
    if (result.kind === 'probed')
      expect(
        result.drift.some((d) => line.test(d)),
        result.drift.join('\n'),
      ).toBe(true);
  });

  it.each([
    ['a redirect to another host', { kind: 'redirect', status: 307, to: 'other-host' }],
    ['a gateway page', { kind: 'gateway', status: 502, body: 'html' }],
    ['an answer of 9 MB', { kind: 'huge-answer', bytes: 9 * 1024 * 1024 }],
    ['JSON cut off', { kind: 'malformed-json' }],
  ] as [string, Fault][])(
    'a list answered with %s is no usable answer, said in one line',
    async (_name, fault) => {
      const sb = await sandboxWithTasks();
      sb.inject({ route: 'list', calls: 'every', fault });
      const result = await probe(sb);
      expect(result.kind).toBe('environment');
      if (result.kind === 'environment') {
        expect(result.reason).toMatch(/^list omni-video: /);
        expect(result.reason).not.toMatch(/\n/);
      }
      // A redirect is refused, not followed: the one list request is all the server saw.
      if (fault.kind === 'redirect') expect(sb.state.requests.filter((r) => r.route === 'list')).toHaveLength(1);
    },
    60_000,
  );

  it('a server quoting the keys and token back leaves them in no report it writes', async () => {
    const sb = await sandboxWithTasks();
    sb.inject(
      { route: 'account', calls: 'every', fault: { kind: 'reflect', where: 'pack-name' } },
      { route: 'list', calls: 'every', fault: { kind: 'reflect', where: 'header' } },
    );
    const result = await probe(sb);
    expect(result.account.join(' ')).toContain('pack of');
    const dir = join(workspace().root, 'probe');
    const written = writeProbeReport(dir, 'sandbox', 'now', result);
    for (const file of [written.json, written.markdown]) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toContain(sb.credentials.accessKey);
      expect(text, file).not.toContain(sb.credentials.secretKey);
      expect(text, file).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    }
  });

  it('no create path is reachable from its code: no create call, and none of the modules that make one', () => {
    const files = [
      ...readdirSync('helpers/harness/probe').map((f) => join('helpers/harness/probe', f)),
      'helpers/harness/cli/probe-cli.ts',
    ];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/\.create\(|create-guard|rows\/runner|rows\/exchange|guardCreate/);
    }
  });

  it('the client it holds has no create: only the free calls are there to reach', () => {
    const client = readOnlyClient('http://127.0.0.1:9', { accessKey: 'ak', secretKey: 'sk' });
    expect(Object.keys(client).sort()).toEqual(['accountCosts', 'list', 'query']);
    // @ts-expect-error the probe's client type has no create either
    expect(client.create).toBeUndefined();
  });
});

describe('Probe | pnpm probe', () => {
  const cli = (url: string, credentials: { accessKey: string; secretKey: string }, ledger?: string) => {
    const ws = workspace();
    return runNode(['--import', 'tsx', 'helpers/harness/cli/probe-cli.ts'], {
      ...notCi(),
      CI: 'true',
      KLING_BASE_URL: url,
      KLING_ACCESS_KEY: credentials.accessKey,
      KLING_SECRET_KEY: credentials.secretKey,
      LEDGER_FILE: ledger ?? `${ws.root}/no-ledger.jsonl`,
      REPORTS_DIR: ws.reportsDir,
      PROBE_INTERVAL_MS: '0',
    });
  };

  it('exits 0 with no drift (on a CI machine too: it cannot create), 1 naming each drift, 2 on a dead host in one line', async () => {
    const sb = await sandboxWithTasks();
    const clean = await cli(sb.url, sb.credentials);
    expect(clean.status, clean.stderr).toBe(0);
    expect(clean.stdout).toContain('**No drift** from the committed recordings.');
    sb.inject({ route: 'list', calls: 'every', fault: { kind: 'drift', change: 'long-id' } });
    const drifted = await cli(sb.url, sb.credentials);
    expect(drifted.status).toBe(1);
    expect(drifted.stdout).toContain('- task_id format base64url-22 (e.g. CjI17WevH1IAAAAAAHmgsw) is not in the recordings (digits-18)');
    const corrupt = join(workspace().root, 'ledger.jsonl');
    writeFileSync(corrupt, 'not json\n');
    const unreadable = await cli(sb.url, sb.credentials, corrupt);
    expect(unreadable.status).toBe(2);
    expect(unreadable.stderr.trim()).toBe(
      `✗ probe: ${corrupt} line 1 is not valid JSON; fix or remove that line by hand (the file is never rewritten by the harness)`,
    );
    const dead = await cli(`http://127.0.0.1:${await closedPort()}`, sb.credentials);
    expect(dead.status).toBe(2);
    expect(dead.stderr.trim().split('\n')).toHaveLength(1);
    expect(dead.stderr).toMatch(/^✗ probe of 127\.0\.0\.1:\d+ \(custom-host\): no usable answer: account check: /);
    expect(sb.state.createsReceived).toEqual(
      Object.fromEntries(Object.keys(sb.state.createsReceived).map((f) => [f, matrix.liveRows.filter((r) => r.family === f).length])),
    );
  }, 60_000);
});

describe('Probe | drift lines a server cannot flood', () => {
  it('names up to 20 new things of a kind, then counts the rest', () => {
    const probed = emptyProfile();
    for (let i = 0; i < 30; i++) probed.paths.add(`field_${String(i).padStart(2, '0')}`);
    const lines = compareProfiles(emptyProfile(), probed);
    expect(lines).toHaveLength(21);
    expect(lines[0]).toBe('a field the recordings never hold: field_00');
    expect(lines[20]).toBe('and 10 more fields the recordings never hold');
  });
});
