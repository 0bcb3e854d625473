import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memorySink } from '../../helpers/harness/evidence/evidence-sink.ts';
import { RoundJournal, roundAt } from '../../helpers/harness/evidence/round.ts';
import type { RunConfig } from '../../helpers/harness/config/run-config.ts';
import { targetOf } from '../../helpers/harness/config/run-target.ts';
import type { RowEnvironment } from '../../helpers/harness/rows/row-environment.ts';
import type { Credentials } from '../../helpers/kling/auth.ts';
import { matrixRecordings } from './matrix.ts';

/** A throwaway workspace (recordings, reports) and a row environment for driving the runner directly. */
export function workspace(withCommittedRecordings = false) {
  const root = mkdtempSync(join(tmpdir(), 'kling-harness-'));
  const recordingsDir = join(root, 'recordings');
  if (withCommittedRecordings) cpSync(matrixRecordings, recordingsDir, { recursive: true });
  return { root, recordingsDir, reportsDir: join(root, 'reports') };
}

export function rowEnvironment(
  ws: ReturnType<typeof workspace>,
  config: Partial<RunConfig> & { mode: RunConfig['mode'] },
  extra: Partial<RowEnvironment> = {},
) {
  const full: RunConfig = {
    approved: [],
    maxCreates: config.approved?.length ?? 0,
    baseUrl: 'http://127.0.0.1:9',
    credentials: undefined,
    recordingsDir: ws.recordingsDir,
    reportsDir: ws.reportsDir,
    ledgerFile: config.mode === 'replay' ? undefined : join(ws.root, 'ledger.jsonl'),
    reopen: { rows: [], reason: '' },
    ...config,
    target:
      config.target ??
      targetOf(config.mode, config.mode === 'replay' ? 'https://recorded.kling.invalid' : (config.baseUrl ?? 'http://127.0.0.1:9')),
  };
  const round = roundAt(ws.reportsDir, extra.round?.id ?? `${config.mode}-test`);
  const sink = memorySink();
  const lines: string[] = [];
  const env: RowEnvironment = {
    config: full,
    round,
    journal: new RoundJournal(round),
    sink,
    sleep: () => Promise.resolve(),
    pollSchedule: { initialDelayMs: 15, maxDelayMs: 15 },
    log: (line) => lines.push(line),
    ...extra,
  };
  return { env, sink, lines };
}

export function liveLike(
  url: string,
  credentials: Credentials,
  approved: RunConfig['approved'],
): Partial<RunConfig> & { mode: 'rehearse' } {
  return { mode: 'rehearse', baseUrl: url, credentials, approved, maxCreates: approved.length };
}
