import { setTimeout as delay } from 'node:timers/promises';
import type { TokenSource } from '../../kling/auth.ts';
import type { Sleep } from '../../kling/retry.ts';
import { RECORDED_ORIGIN } from '../cassettes/cassette-matching.ts';
import { readMeta, type CassetteMeta } from '../cassettes/cassette-meta.ts';
import type { Har } from '../cassettes/cassette-format.ts';
import { readCassette, type CassetteMode } from '../cassettes/polly.ts';
import type { Mode, RunConfig } from '../config/run-config.ts';
import { provenanceOf } from '../config/run-target.ts';
import type { RecordingProvenance } from '../evidence/evidence.ts';
import { Ledger } from '../ledger/ledger.ts';
import { signingTokenSource } from '../sinks/signing.ts';
import type { RegistryRow } from './registry.ts';
import { ReplayDriftError } from './replay-proofs.ts';

/**
 * A run mode is an object that carries everything the runner does differently in it, picked by name (as
 * Playwright's test modes are), so the runner itself has no mode branches: how it waits, where its requests go
 * and with which token, whether its cassette records or replays, what the recording claims to be, whether a
 * ledger is kept, and whether a replay-only row may run (only to be transcribed, against a scripted server).
 */

export interface RunMode {
  readonly name: Mode;
  readonly cassette: CassetteMode;
  /** Instant in replay (the cassette answers at once), real time otherwise. */
  readonly sleep: Sleep;
  readonly now: () => number;
  /** A replay-only row may run in this mode when it is being transcribed. */
  readonly transcribes: boolean;
  baseUrl(config: RunConfig): string;
  token(config: RunConfig): TokenSource;
  /** The spend ledger this mode keeps, if any. */
  ledger(config: RunConfig): Ledger | undefined;
  /** The recording's meta, read before the run (replay: what the recording concluded). */
  recordedMeta(dir: string): CassetteMeta | undefined;
  /** The cassette, parsed once, when the row is about to send (replay: what it must send and will be answered). */
  recordedCassette(row: RegistryRow, dir: string): Har | undefined;
  provenance(config: RunConfig, meta: CassetteMeta | undefined, row: RegistryRow): RecordingProvenance;
}

/** Signs nothing: replay needs no credentials, and a run without them is refused any create (create-guard.ts). */
const REPLAY_TOKEN: TokenSource = () => Promise.resolve('replay-has-no-credentials');

const replay: RunMode = {
  name: 'replay',
  cassette: 'replay',
  sleep: () => Promise.resolve(),
  now: () => 0,
  transcribes: false,
  baseUrl: () => RECORDED_ORIGIN,
  token: () => REPLAY_TOKEN,
  ledger: () => undefined,
  recordedMeta: (dir) => readMeta(dir),
  recordedCassette: (row, dir) => readCassette(row.id, dir),
  provenance: (_config, meta, row) => {
    // Without its meta a cassette says neither where it came from nor what it concluded: nothing to replay against.
    if (meta === undefined)
      throw new ReplayDriftError(`row ${row.id} has no meta.json beside its cassette: record it again (pnpm recordings:rerecord)`);
    return meta.provenance;
  },
};

/** Live and rehearse run the same code path; they differ in what the configuration points them at. */
function recording(name: 'live' | 'rehearse'): RunMode {
  return {
    name,
    cassette: 'record',
    sleep: (ms) => delay(ms),
    now: Date.now,
    transcribes: name === 'rehearse',
    baseUrl: (config) => config.baseUrl,
    token: (config) => (config.credentials === undefined ? REPLAY_TOKEN : signingTokenSource(config.credentials)),
    ledger: (config) => (config.ledgerFile === undefined ? undefined : new Ledger(config.ledgerFile)),
    recordedMeta: () => undefined,
    recordedCassette: () => undefined,
    provenance: (config) => provenanceOf(config.target),
  };
}

export const RUN_MODES: Readonly<Record<Mode, RunMode>> = { replay, live: recording('live'), rehearse: recording('rehearse') };
