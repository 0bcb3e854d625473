import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadDotenvForLive } from '../config/load-env.ts';
import { parseConnection } from '../config/run-connection.ts';
import { COMMITTED_LEDGER } from '../config/run-target.ts';
import { runProbe } from '../probe/probe.ts';
import { probeLines, writeProbeReport } from '../probe/probe-report.ts';
import { readOnlyClient } from '../probe/read-only-client.ts';
import { loadRegistry } from '../rows/registry.ts';
import { scrubbedMessage } from '../sinks/scrubber.ts';
import { complain, say, sayLines } from '../sinks/terminal.ts';

/**
 * `pnpm probe`: watch the real API for free. With the live keys (from `.env` as a live run reads them) it reads
 * the account, the newest tasks of each family and the tasks the ledger knows, and compares every answer with the
 * committed recordings. It has no way to create (probe/read-only-client.ts), so it may run anywhere, CI included.
 * Exit code 0: no drift; 1: drift, one line each; 2: no usable answer (keys, host, network), one line.
 */
const env: Record<string, string | undefined> = { ...process.env, HARNESS_MODE: 'live' };
loadDotenvForLive(env);
const connection = parseConnection(env, 'live');
const interval = Number(env.PROBE_INTERVAL_MS ?? '1100');
if (!Number.isFinite(interval) || interval < 0)
  connection.problems.push(`PROBE_INTERVAL_MS=${env.PROBE_INTERVAL_MS ?? ''} must be a number of milliseconds`);
if (connection.problems.length > 0 || connection.credentials === undefined) {
  for (const problem of connection.problems) complain(`✗ ${problem}`);
  process.exit(2);
}
const ledgerFile = env.LEDGER_FILE ?? COMMITTED_LEDGER;
const { credentials } = connection;
// What it reads of its own (the registry, the ledger, the recordings) can be broken too: one line, exit 2, never
// a stack trace and never the drift exit code.
const result = await (async () => {
  try {
    return await runProbe({
      client: readOnlyClient(connection.baseUrl, credentials),
      registry: await loadRegistry(),
      recordingsDir: env.RECORDINGS_DIR || 'recordings',
      ledgerFile: existsSync(ledgerFile) ? ledgerFile : undefined,
      intervalMs: interval,
    });
  } catch (error) {
    complain(`✗ probe: ${scrubbedMessage(error)}`);
    process.exit(2);
  }
})();
const at = new Date().toISOString();
const host = `${connection.target.host} (${connection.target.kind})`;
const written = writeProbeReport(join(env.REPORTS_DIR || 'reports', 'probe'), host, at, result);
if (result.kind === 'environment') {
  complain(`✗ probe of ${host}: no usable answer: ${result.reason}`);
  process.exit(2);
}
sayLines(probeLines(host, at, result).filter((l) => l.startsWith('- ') || l.startsWith('**')));
say(`Probe report: ${written.markdown}`);
if (result.drift.length > 0) process.exit(1);
