import type { Credentials } from '../kling/auth.ts';
import type { SandboxPack } from './account.ts';
import type { FaultRule } from './faults.ts';
import type { Timing } from './tasks.ts';

/**
 * What a sandbox can be started with: its port and keys, its clock and how long tasks take, the prompts and
 * images it refuses or fails later, its concurrency and balance limits, the faults it injects, and the bytes and
 * packs it serves. Every field is optional; state.ts fills in the defaults when the sandbox starts.
 */

export interface SandboxOptions {
  port?: number;
  credentials?: Credentials;
  /** Time a task spends submitted, then processing, before its outcome (ms, before timeScale). */
  timing?: Partial<Timing>;
  /** Multiplies every task duration: 0.01 runs a 5 s lifecycle in 50 ms. */
  timeScale?: number;
  now?: () => number;
  riskTerms?: readonly string[];
  riskImageSha256?: readonly string[];
  /** Prompt words refused at submit with 400/1301. */
  submitBlockTerms?: readonly string[];
  /** Tasks that may be unfinished at once before 429/1303 (kling-api §7). */
  concurrencyLimit?: number;
  /** Units left; a create that would exceed them gets 429/1102. */
  balanceUnits?: number;
  faults?: readonly FaultRule[];
  /** The bytes served as every result video (default: the committed 1 s MP4). */
  resultVideo?: Buffer;
  /** The resource packs `GET /account/costs` lists (default: one online pack of 1000 units). */
  packs?: readonly SandboxPack[];
}
