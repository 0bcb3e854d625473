import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { buildText2videoNoModel } from '../kling/builders.ts';
import type { Credentials } from '../kling/auth.ts';
import type { EvidenceSink } from '../harness/evidence/evidence-sink.ts';
import { memorySink } from '../harness/evidence/evidence-sink.ts';
import { RoundJournal, roundAt } from '../harness/evidence/round.ts';
import { registryRow } from '../harness/rows/registry.ts';
import type { RowOutcome } from '../harness/rows/row-environment.ts';
import { runRow } from '../harness/rows/runner.ts';

/**
 * One row of the benchmark's own, outside the matrix, run through the real runner in rehearse mode (the live code
 * path: recorder, ledger, download, evidence) against a sandbox, with the time of every step it takes.
 */

export interface TimedStep {
  name: string;
  start: number;
  end: number;
  /** The process's resident set when the step started. */
  rssAtStart: number;
}

/**
 * A sink that notes when each step starts and ends (Date.now, real time) and the memory it starts with: the poll
 * that saw `succeed` is the last poll.
 */
export function timedSink(beforeStep?: (name: string) => void): EvidenceSink & { steps: TimedStep[] } {
  const inner = memorySink();
  const steps: TimedStep[] = [];
  return {
    ...inner,
    steps,
    step: async (name, body) => {
      beforeStep?.(name);
      const rssAtStart = process.memoryUsage().rss;
      const start = Date.now();
      const result = await inner.step(name, body);
      steps.push({ name, start, end: Date.now(), rssAtStart });
      return result;
    },
  };
}

/** A text2video row, checked by the registry's rules like any spec. */
export const BENCH_ROW = registryRow('bench/B-bench.spec.ts', {
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

export interface BenchRun {
  /** The run's own folder (recordings, reports, ledger, the downloaded result): remove it when done. */
  root: string;
  outcome: RowOutcome;
  steps: TimedStep[];
  /** Date.now when runRow returned: the verdict is on disk by then. */
  finished: number;
}

/**
 * The row once, in a fresh folder, against the sandbox at `baseUrl`. `timeScale` (default 1) is the sandbox's:
 * the runner's sleeps and the poller's clock are scaled alike, so polls land where they would in real time.
 * `beforeStep` runs as each step begins (the memory figure resets the kernel's peak there).
 */
export async function runBenchRow(
  baseUrl: string,
  credentials: Credentials,
  timeScale = 1,
  beforeStep?: (name: string) => void,
): Promise<BenchRun> {
  const root = mkdtempSync(join(tmpdir(), 'bench-row-'));
  const round = roundAt(join(root, 'reports'), `bench-${Date.now()}`);
  const sink = timedSink(beforeStep);
  const outcome = await runRow(BENCH_ROW, {
    config: {
      mode: 'rehearse',
      approved: ['B'],
      maxCreates: 1,
      baseUrl,
      credentials,
      target: { kind: 'sandbox', host: new URL(baseUrl).host },
      recordingsDir: join(root, 'recordings'),
      reportsDir: join(root, 'reports'),
      ledgerFile: join(root, 'ledger.jsonl'),
      reopen: { rows: [], reason: '' },
    },
    round,
    journal: new RoundJournal(round),
    sink,
    sleep: (ms) => delay(ms * timeScale),
    now: () => Date.now() / timeScale,
    log: () => undefined,
  });
  const finished = Date.now();
  if (outcome.status !== 'done' || outcome.evidence.classification !== 'success')
    throw new Error(`bench row failed: ${JSON.stringify(outcome)}`);
  return { root, outcome, steps: sink.steps, finished };
}

/** When the poll that saw the terminal status started (Date.now). */
export function sawSucceedAt(run: BenchRun): number {
  return run.steps.filter((s) => s.name.startsWith('poll ')).at(-1)?.start ?? run.finished;
}

/** Start-to-start gaps between consecutive polls, in real ms. */
export function pollGaps(run: BenchRun): number[] {
  const starts = run.steps.filter((s) => s.name.startsWith('poll ')).map((s) => s.start);
  return starts.slice(1).map((start, i) => start - (starts[i] ?? start));
}
