import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createTokenSource } from '../kling/auth.ts';
import { KlingClient } from '../kling/client.ts';
import { buildText2videoNoModel } from '../kling/builders.ts';
import type { EvidenceSink } from '../harness/evidence/evidence-sink.ts';
import { memorySink } from '../harness/evidence/evidence-sink.ts';
import { RoundJournal, roundAt } from '../harness/evidence/round.ts';
import { runRow } from '../harness/rows/runner.ts';
import { registryRow } from '../harness/rows/registry.ts';
import { ciVariables } from '../harness/config/ci.ts';
import { startSandbox } from '../sandbox/server.ts';

/**
 * `pnpm bench` (`--quick` for CI): the harness's speed and memory figures, each the median of several runs,
 * each comparison measured in the same run. Prints a table and writes reports/bench.json. Not a pass/fail gate.
 */

const quick = process.argv.includes('--quick');
const RUNS = quick ? 1 : 3;
const VITEST = 'node_modules/vitest/vitest.mjs';

interface Figure {
  id: number;
  figure: string;
  measured: string;
  target: string;
  met: boolean | null;
  detail: Record<string, number | string>;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<{ ms: number; code: number | null; out: string }> {
  const started = performance.now();
  // The refusal measured is the one for no approval, not for a CI machine: every CI variable is cleared.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !ciVariables().includes(k)));
  const child = spawn(command, args, { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ ms: performance.now() - started, code, out })));
}

async function vitestMs(project: string, env: Record<string, string>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const reportsDir = mkdtempSync(join(tmpdir(), 'bench-reports-'));
    times.push((await run(process.execPath, [VITEST, 'run', '--project', project], { REPORTS_DIR: reportsDir, ...env })).ms);
  }
  return times;
}

async function replayCost(floor: number[]): Promise<Figure> {
  const replay = await vitestMs('rows', { HARNESS_MODE: 'replay' });
  const ratio = median(replay) / median(floor);
  return {
    id: 1,
    figure: 'Replay cost (replay suite / bare-vitest floor)',
    measured: `${ratio.toFixed(2)}x (${(median(replay) / 1000).toFixed(2)} s vs ${(median(floor) / 1000).toFixed(2)} s)`,
    target: '<= 1.5x',
    met: ratio <= 1.5,
    detail: { replayMs: median(replay), floorMs: median(floor) },
  };
}

async function refusalTime(floor: number[]): Promise<Figure> {
  const refusal = await vitestMs('rows', {
    HARNESS_MODE: 'live',
    APPROVE_ROWS: '',
    KLING_ACCESS_KEY: 'ak',
    KLING_SECRET_KEY: 'sk',
  });
  const ratio = median(refusal) / median(floor);
  return {
    id: 5,
    figure: 'Refusal time (test:live without approval / floor)',
    measured: `${ratio.toFixed(2)}x (${(median(refusal) / 1000).toFixed(2)} s)`,
    target: '<= 1.2x',
    met: ratio <= 1.2,
    detail: { refusalMs: median(refusal), floorMs: median(floor) },
  };
}

/** A sink that notes when each step ends: the poll that saw `succeed` is the moment the runner knew. */
function timedSink(): EvidenceSink & { steps: { name: string; start: number; end: number }[] } {
  const inner = memorySink();
  const steps: { name: string; start: number; end: number }[] = [];
  return {
    ...inner,
    steps,
    step: async (name, body) => {
      const start = Date.now();
      const result = await inner.step(name, body);
      steps.push({ name, start, end: Date.now() });
      return result;
    },
  };
}

/** A text2video row of the bench's own, outside the matrix, checked by the registry's rules. */
const ROW_B = registryRow('bench/B-bench.spec.ts', {
  id: 'B',
  title: 'bench',
  order: 1,
  family: 'text2video',
  defaultRound: false,
  liveAllowed: true,
  purpose: 'bench',
  payloadProvenance: 'policy-test',
  payload: () => buildText2videoNoModel({ prompt: 'A paper boat drifts.' }),
  successCriteria: ['a verdict'],
  stopConditions: ['none'],
});

/**
 * Simulated generation times run on a scaled sandbox clock, and the runner's sleeps are scaled the same way, so
 * polls land where they would in real time. Overhead = the wait between `succeed` and the poll that saw it
 * (scaled back to simulated seconds) + everything from that poll on (its round trip, download, classification,
 * evidence), in real time: request latency is not divided by the scale.
 */
async function timeToVerdict(): Promise<Figure> {
  const scale = quick ? 0.02 : 0.1;
  const detail: Record<string, number | string> = { timeScale: scale };
  const results: { seconds: number; overhead: number; queries: number }[] = [];
  for (const seconds of [10, 60, 300]) {
    const overheads: number[] = [];
    const queries: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const sandbox = await startSandbox({ timing: { submittedMs: 1000, processingMs: seconds * 1000 - 1000 }, timeScale: scale });
      const root = mkdtempSync(join(tmpdir(), 'bench-ttv-'));
      const round = roundAt(join(root, 'reports'), `bench-${seconds}-${i}`);
      const sink = timedSink();
      const outcome = await runRow(ROW_B, {
        config: {
          mode: 'rehearse',
          approved: ['B'],
          maxCreates: 1,
          baseUrl: sandbox.url,
          credentials: sandbox.credentials,
          target: { kind: 'sandbox', host: new URL(sandbox.url).host },
          recordingsDir: join(root, 'recordings'),
          reportsDir: join(root, 'reports'),
          ledgerFile: join(root, 'ledger.jsonl'),
          reopen: { rows: [], reason: '' },
        },
        round,
        journal: new RoundJournal(round),
        sink,
        sleep: (ms) => delay(ms * scale),
        log: () => undefined,
      });
      const finished = Date.now();
      await sandbox.stop();
      if (outcome.status !== 'done' || outcome.evidence.classification !== 'success')
        throw new Error(`bench run failed: ${JSON.stringify(outcome)}`);
      const task = [...sandbox.state.tasks.values()][0];
      if (task === undefined) throw new Error('no task');
      const succeededAt = task.createdAt + seconds * 1000 * scale;
      const sawIt = sink.steps.filter((s) => s.name.startsWith('poll ')).at(-1)?.start ?? finished;
      overheads.push(Math.max(0, sawIt - succeededAt) / scale / 1000 + (finished - sawIt) / 1000);
      queries.push(sandbox.state.calls.query);
    }
    results.push({ seconds, overhead: median(overheads), queries: median(queries) });
    detail[`overhead${seconds}s`] = Number(median(overheads).toFixed(2));
    detail[`queries${seconds}s`] = median(queries);
  }
  const medianOverhead = median(results.map((r) => r.overhead));
  const queries300 = results.find((r) => r.seconds === 300)?.queries ?? 0;
  return {
    id: 2,
    figure: 'Time-to-verdict overhead (10 s / 60 s / 300 s generations)',
    measured: `${results.map((r) => `${r.seconds}s: +${r.overhead.toFixed(1)} s, ${r.queries} queries`).join('; ')} (sandbox clock scaled ${scale})`,
    target: '<= 2 s median overhead; <= 25 queries for 300 s',
    met: medianOverhead <= 2 && queries300 <= 25,
    detail,
  };
}

async function downloadFigure(): Promise<Figure> {
  const megabytes = quick ? 20 : 100;
  // A result starts with an ftyp box, as the downloader checks; the rest is filler.
  const head = readFileSync('helpers/sandbox/fixtures/result.mp4').subarray(0, 32);
  const sandbox = await startSandbox({
    resultVideo: Buffer.concat([head, Buffer.alloc(megabytes * 1024 * 1024 - head.length, 7)]),
    timing: { submittedMs: 0, processingMs: 0 },
  });
  const client = new KlingClient({ baseUrl: sandbox.url, token: createTokenSource(sandbox.credentials) });
  const created = await client.create('text2video', buildText2videoNoModel({ prompt: 'big' }).body);
  const url = `${sandbox.url}/files/${created.value.task_id}.mp4`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-download-'));
  const ours: number[] = [];
  const growth: number[] = [];
  const curl: number[] = [];
  let curlAvailable = true;
  for (let i = 0; i < RUNS; i++) {
    const child = await run(process.execPath, ['--import', 'tsx', 'helpers/bench/download-child.ts', url, join(dir, `ours-${i}.mp4`)]);
    const line = child.out.trim().split('\n').at(-1) ?? '{}';
    const measured = JSON.parse(line) as { ms: number; rssBefore: number; peakRss: number };
    ours.push(measured.ms);
    growth.push((measured.peakRss - measured.rssBefore) / 1024 / 1024);
    const viaCurl = await run('curl', ['-sS', '-o', join(dir, `curl-${i}.mp4`), url]);
    if (viaCurl.code !== 0) curlAvailable = false;
    curl.push(viaCurl.ms);
  }
  await sandbox.stop();
  const mbps = (ms: number) => megabytes / (ms / 1000);
  const ratio = curlAvailable ? mbps(median(ours)) / mbps(median(curl)) : Number.NaN;
  return {
    id: 3,
    figure: `Download (${megabytes} MB from the sandbox)`,
    measured: `${mbps(median(ours)).toFixed(0)} MB/s = ${curlAvailable ? `${ratio.toFixed(2)}x curl (${mbps(median(curl)).toFixed(0)} MB/s)` : 'curl not available'}; peak RSS growth ${median(growth).toFixed(1)} MB`,
    target: '>= 0.8x curl; <= 64 MB growth',
    met: curlAvailable ? ratio >= 0.8 && median(growth) <= 64 : null,
    detail: { megabytes, oursMs: median(ours), curlMs: median(curl), rssGrowthMb: Number(median(growth).toFixed(1)) },
  };
}

function recordingSize(): Figure {
  const bytes = readdirSync('recordings', { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .reduce((sum, d) => sum + statSync(join(d.parentPath, d.name)).size, 0);
  return {
    id: 4,
    figure: 'Recording size (committed recordings/)',
    measured: `${(bytes / 1024).toFixed(1)} KB`,
    target: '<= 1 MB',
    met: bytes <= 1024 * 1024,
    detail: { bytes },
  };
}

const floor = await vitestMs('floor', { HARNESS_MODE: 'replay' });
const figures = [await replayCost(floor), await timeToVerdict(), await downloadFigure(), recordingSize(), await refusalTime(floor)];
figures.sort((a, b) => a.id - b.id);

const rows = figures.map((f) => [String(f.id), f.figure, f.measured, f.target, f.met === null ? 'n/a' : f.met ? 'met' : 'MISSED']);
const widths = [0, 1, 2, 3, 4].map((c) =>
  Math.max(...[['#', 'Figure', 'Measured', 'Target', ''], ...rows].map((r) => (r[c] ?? '').length)),
);
const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
console.log(`\nBenchmark (${quick ? 'quick: 1 run each, smaller download' : `median of ${RUNS} runs`})`);
console.log(line(['#', 'Figure', 'Measured', 'Target', '']));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
mkdirSync('reports', { recursive: true });
writeFileSync('reports/bench.json', `${JSON.stringify({ quick, runs: RUNS, at: new Date().toISOString(), figures }, null, 2)}\n`);
console.log('\nWritten to reports/bench.json');
