import { closeSync, existsSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { z } from 'zod';
import { FormatError, readJsonFile } from '../sinks/json-file.ts';

/**
 * One run at a time per ledger. The lock file names its holder; a second run refuses and says who holds it. A
 * lock left by a process that is provably gone (same host, pid not running) is stale: it is cleared, and the
 * ledger's pending entries are resumed by the next run like any crash.
 */

export interface LockHolder {
  pid: number;
  host: string;
  round: string;
  since: string;
}

const lockHolderSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  round: z.string(),
  since: z.string(),
}) satisfies z.ZodType<LockHolder>;

const DELETE_BY_HAND = 'if no run is going on, delete it by hand';

export class RunLockedError extends Error {
  override readonly name = 'RunLockedError';
}

export function lockFileFor(ledgerFile: string): string {
  return `${ledgerFile}.lock`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock that cannot be read is still a lock: refused as RunLockedError, which the run reports as one line. */
export function readHolder(lockFile: string): LockHolder | undefined {
  if (!existsSync(lockFile)) return undefined;
  try {
    return readJsonFile(lockFile, lockHolderSchema);
  } catch (error) {
    if (error instanceof FormatError) throw new RunLockedError(`${error.message}; ${DELETE_BY_HAND}`);
    throw new RunLockedError(`${lockFile} exists but cannot be read; ${DELETE_BY_HAND}`);
  }
}

export function isStale(holder: LockHolder): boolean {
  return holder.host === hostname() && !isAlive(holder.pid);
}

/** Takes the lock or throws naming the holder. Returns the release function and any stale holder it cleared. */
export function acquireRunLock(ledgerFile: string, round: string): { release: () => void; clearedStale?: LockHolder } {
  const lockFile = lockFileFor(ledgerFile);
  mkdirSync(dirname(lockFile), { recursive: true });
  const me: LockHolder = { pid: process.pid, host: hostname(), round, since: new Date().toISOString() };
  let clearedStale: LockHolder | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      const release = () => {
        const holder = readHolder(lockFile);
        if (holder?.pid === me.pid && holder.round === me.round) unlinkSync(lockFile);
      };
      return clearedStale === undefined ? { release } : { release, clearedStale };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(lockFile);
      if (holder === undefined) continue;
      if (!isStale(holder)) {
        throw new RunLockedError(
          `another run holds the ledger ${ledgerFile}: pid ${holder.pid} on ${holder.host}, round ${holder.round}, since ${holder.since}`,
        );
      }
      unlinkSync(lockFile);
      clearedStale = holder;
    }
  }
  throw new RunLockedError(`could not take the lock ${lockFile}`);
}
