import type { PollSchedule } from '../../kling/poller.ts';
import type { Sleep } from '../../kling/retry.ts';
import type { RunConfig } from '../config/run-config.ts';
import type { RecordingProvenance, RowEvidence } from '../evidence/evidence.ts';
import type { EvidenceSink } from '../evidence/evidence-sink.ts';
import type { Round, RoundJournal } from '../evidence/round.ts';

/** What a row runs in: the run's configuration and round, where its evidence goes, and the seams tests and tools use. */
export interface RowEnvironment {
  config: RunConfig;
  round: Round;
  journal: RoundJournal;
  sink: EvidenceSink;
  /** Default: the mode's (instant in replay, real time otherwise). */
  sleep?: Sleep;
  /** The poller's clock; default: the mode's. The benchmark scales it with its sleeps. */
  now?: () => number;
  pollSchedule?: Partial<PollSchedule>;
  /** Per-request timeout of the client (default 60 s); a create that times out is an unknown outcome. */
  requestTimeoutMs?: number;
  /** Progress lines while a row waits; default: stdout. */
  log?: (line: string) => void;
  /** Overrides the provenance a record mode writes (only the transcription tool uses it). */
  recordingProvenance?: RecordingProvenance;
  /** Lets a replay-only row record against a scripted loopback server (rehearse mode only): its transcription. */
  transcribing?: boolean;
  env?: Record<string, string | undefined>;
  /** Called once a create's intent is on disk, before the create is sent (the ledger's crash tests kill the process here). */
  afterIntent?: () => void;
}

export type RowOutcome = { status: 'skipped'; reason: string } | { status: 'done'; evidence: RowEvidence; evidenceFile: string };
