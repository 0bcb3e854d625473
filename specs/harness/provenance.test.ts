import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEvidence } from '../../helpers/harness/evidence/evidence.ts';
import { readMeta } from '../../helpers/harness/cassettes/cassette-meta.ts';
import { hostFolder } from '../../helpers/harness/config/run-target.ts';
import { startSandbox } from '../../helpers/sandbox/server.ts';
import { liveEnv, runRows } from '../support/child-run.ts';
import { workspace } from '../support/harness-env.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';
import { matrix } from '../support/matrix.ts';

const rowB = matrix.get('B');

/**
 * Evidence says exactly what it knows (promises §10): a live run against a host that is not Kling's is recorded
 * as `custom-host`, naming it, beside the reports, and never touches the committed recordings or ledger; every run
 * says which recordings it changed.
 */

const servers = serversStoppedAfterEach();

function digest(dir: string): string {
  const hash = createHash('sha256');
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile())) {
    hash.update(join(entry.parentPath, entry.name)).update(readFileSync(join(entry.parentPath, entry.name)));
  }
  return hash.digest('hex');
}

describe('Harness | provenance by target', () => {
  it('a live run against another host is custom-host, kept under reports/hosts/<host>, and says what it changed', async () => {
    servers.sandbox = await startSandbox({ timeScale: 0.01 });
    const sb = servers.sandbox;
    const ws = workspace();
    const committed = digest('recordings');
    const env = liveEnv(sb, ws.reportsDir, { APPROVE_ROWS: rowB.id });
    const first = await runRows({ ...env, ROUND_ID: 'custom-1' });
    expect(first.status, first.stderr).toBe(0);
    expect(digest('recordings')).toBe(committed);

    const hostDir = join(ws.reportsDir, 'hosts', hostFolder(new URL(sb.url).host));
    expect(readMeta(join(hostDir, 'recordings', rowB.name))).toMatchObject({
      provenance: 'custom-host',
      host: new URL(sb.url).host,
    });
    expect(readEvidence(join(ws.reportsDir, 'evidence', 'custom-1'))).toMatchObject([{ row: 'B', recordingProvenance: 'custom-host' }]);
    expect(first.stdout).toContain(
      `Recordings: this run added ${rowB.name}/cassette.har, ${rowB.name}/meta.json in ${join(hostDir, 'recordings')}`,
    );

    // Kept across runs: the next run reads the same ledger and finds row B closed.
    const second = await runRows({ ...env, ROUND_ID: 'custom-2' });
    expect(second.stdout).toContain(`Recordings: this run changed nothing in ${join(hostDir, 'recordings')}`);
    expect(second.stdout).toMatch(/B: closed on \d{4}-\d{2}-\d{2} \(today\), task \d+ \(1 create sent\)/);
    expect(sb.state.tasksCreated.text2video).toBe(1);
  }, 120_000);
});
