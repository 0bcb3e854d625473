import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runNode, runRows } from '../support/child-run.ts';
import { workspace } from '../support/harness-env.ts';
import { matrix } from '../support/matrix.ts';
import { notCi } from '../support/not-ci.ts';

/**
 * Adding a row is one spec file plus the recording the rerecord command makes: nothing else changes. Shown on a
 * scratch copy of the registry with a row Q added (ordered last, though its file name sorts before R's): the
 * rerecord command records Q and leaves every other cassette unchanged; the replay runs it in the registry's
 * order and the summary carries it; and the harness tests that read the matrix pass against it as they are.
 */

const SCRATCH_SPEC = `import { row } from '../../helpers/harness/rows/row.ts';
import { buildText2videoNoModel } from '../../helpers/kling/builders.ts';

export default row({
  id: 'Q',
  title: 'text2video — a scratch row',
  order: 99,
  family: 'text2video',
  defaultRound: false,
  liveAllowed: true,
  purpose: 'show that a row is one file',
  payloadProvenance: 'policy-test',
  payload: () => buildText2videoNoModel({ prompt: 'A paper lantern floats over a dark lake.' }),
  successCriteria: ['query reaches succeed'],
  stopConditions: ['stop on first success'],
});
`;

// Inside the project, two folders deep like specs/rows, so the spec's relative imports resolve as they do there.
mkdirSync('reports', { recursive: true });
const rowsDir = mkdtempSync(join('reports', 'scratch-rows-'));
afterAll(() => rmSync(rowsDir, { recursive: true, force: true }));

describe('Harness | a new row is one file', () => {
  it('rerecord records it, replay and the summary carry it in the registry order, and the harness tests pass unedited', async () => {
    for (const file of readdirSync('specs/rows')) {
      if (file.endsWith('.spec.ts')) cpSync(join('specs/rows', file), join(rowsDir, file));
    }
    writeFileSync(join(rowsDir, 'Q-text2video-scratch.spec.ts'), SCRATCH_SPEC);
    expect(SCRATCH_SPEC.split('\n').length).toBeLessThanOrEqual(60);
    const ws = workspace(true);
    const env = { ...notCi(), ROWS_DIR: rowsDir, RECORDINGS_DIR: ws.recordingsDir };

    const rerecord = await runNode(['--import', 'tsx', 'helpers/harness/cli/rerecord.ts', '--write'], {
      ...env,
      REPORTS_DIR: join(ws.root, 'rerecord'),
    });
    expect(rerecord.status, rerecord.stderr).toBe(0);
    for (const row of matrix.liveRows) expect(rerecord.stdout).toContain(`= ${row.name}: unchanged`);
    expect(rerecord.stdout).toContain(`written to ${join(ws.recordingsDir, 'Q-text2video-scratch')}`);
    expect(existsSync(join(ws.recordingsDir, 'Q-text2video-scratch', 'cassette.har'))).toBe(true);

    const replay = await runRows({ ...env, HARNESS_MODE: 'replay', REPORTS_DIR: join(ws.root, 'replay') });
    expect(replay.status, replay.stdout + replay.stderr).toBe(0);
    expect(replay.stdout).toMatch(new RegExp(`Tests\\s+.*${matrix.rows.length + 1} passed`));
    const ran = [...replay.stdout.matchAll(/✓.*?\/([A-Z][A-Z0-9]*)-[a-z0-9-]+\.spec\.ts/g)].map((m) => m[1]);
    expect(ran).toEqual([...matrix.ids, 'Q']);
    const summary = /summary at (\S+)/.exec(replay.stdout)?.[1] ?? '';
    expect(readFileSync(summary, 'utf8')).toMatch(/\| Q \| `POST \/v1\/videos\/text2video` \| sandbox \| policy-test \| success \|/);

    // The tests that once listed the matrix, run against the scratch registry and its recordings as they are.
    const harness = await runNode(
      [
        'node_modules/vitest/vitest.mjs',
        'run',
        'specs/harness/replay.test.ts',
        'specs/harness/modes.test.ts',
        'specs/faults/replay-isolation.test.ts',
      ],
      { ...env, HARNESS_MODE: 'replay', REPORTS_DIR: join(ws.root, 'harness') },
    );
    expect(harness.status, harness.stdout + harness.stderr).toBe(0);
    expect(harness.stdout).toMatch(/Test Files\s+.*3 passed/);
  }, 400_000);
});
