import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { buildText2videoNoModel } from '../kling/builders.ts';
import type { EvidenceSink } from '../harness/evidence/evidence-sink.ts';
import { memorySink } from '../harness/evidence/evidence-sink.ts';
import { RoundJournal, roundAt } from '../harness/evidence/round.ts';
import { runRow } from '../harness/rows/runner.ts';
import { registryRow } from '../harness/rows/registry.ts';
import { startSandbox } from '../sandbox/server.ts';
import { RUNS, median, quick, type Figure } from './figure.ts';

/**
 * Figure 2, time-to-verdict overhead: a bench row of its own run through the real runner against sandboxes whose
 * generations take 10 s, 60 s and 300 s, measuring what the runner adds after the task succeeds and how many
 * queries it spends getting there.
 */

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
export async function timeToVerdict(): Promise<Figure> {
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
