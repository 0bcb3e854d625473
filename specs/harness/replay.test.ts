import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Har } from '../../helpers/harness/cassettes/cassette-format.ts';
import { MissingCassetteError, ReplayMismatchError } from '../../helpers/harness/cassettes/polly.ts';
import type { RegistryRow } from '../../helpers/harness/rows/registry.ts';
import { ReplayDriftError } from '../../helpers/harness/rows/replay-proofs.ts';
import { runRow } from '../../helpers/harness/rows/runner.ts';
import { buildText2videoNoModel } from '../../helpers/kling/builders.ts';
import { rowEnvironment, workspace } from '../support/harness-env.ts';
import { matrix, matrixRecordings } from '../support/matrix.ts';

// The replay mechanics are shown on one committed cassette, the text2video row's, edited in a scratch copy.
const committedB = matrix.get('B');
const PROMPT_B = (committedB.payload({}).body as { prompt: string }).prompt;
const rowB = (prompt = PROMPT_B): RegistryRow => ({ ...committedB, payload: () => buildText2videoNoModel({ prompt }) });
const rowR = matrix.get('R');

function replayEnv() {
  const ws = workspace(true);
  return { ws, ...rowEnvironment(ws, { mode: 'replay' }) };
}
const cassetteOf = (dir: string) => join(dir, committedB.name, 'cassette.har');
function editCassette(dir: string, edit: (har: Har) => void) {
  const har = JSON.parse(readFileSync(cassetteOf(dir), 'utf8')) as Har;
  edit(har);
  writeFileSync(cassetteOf(dir), JSON.stringify(har));
}
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

describe('Harness | replay (offline, lockdown)', () => {
  it('reproduces the recorded verdict from the committed cassette, offline and instantly', async () => {
    const { env } = replayEnv();
    const outcome = await runRow(rowB(), env);
    expect(outcome).toMatchObject({
      status: 'done',
      evidence: { classification: 'success', verdict: 'tightened', recordingProvenance: 'sandbox' },
    });
    // Replay downloads nothing: the result is the recording's record of it.
    if (outcome.status === 'done')
      expect(outcome.evidence.download).toEqual({
        bytes: 9920,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
        fromRecording: true,
      });
  });

  it('reproduces the preserved risk-control case as moderation/content-risk, provenance transcribed, task 867314916859576411', async () => {
    const { env } = replayEnv();
    const outcome = await runRow(rowR, env);
    expect(outcome).toMatchObject({
      status: 'done',
      evidence: {
        classification: 'moderation-content-risk',
        verdict: 'unchanged',
        recordingProvenance: 'transcribed',
        taskId: '867314916859576411',
        finalUnitDeduction: '0',
      },
    });
  });

  it('fails, naming the row and the field, when today\u2019s builder sends a different payload', async () => {
    const { env } = replayEnv();
    const error = await failure(runRow(rowB('A paper boat sinks.'), env));
    expect(error).toBeInstanceOf(ReplayDriftError);
    expect(error?.message).toBe(
      `row B: today's builder would send a different payload than the recorded one (the plan's reopen rule): prompt: recorded "${PROMPT_B}", today "A paper boat sinks."`,
    );
  });

  it('fails with a readable request diff, and no secret, when a request has no recording', async () => {
    const { ws, env } = replayEnv();
    editCassette(ws.recordingsDir, (har) => {
      har.log.entries = har.log.entries.filter((e) => !(e.request.method === 'GET' && e.request.url.includes('/v1/')));
    });
    const error = await failure(runRow(rowB(), env));
    expect(error).toBeInstanceOf(ReplayMismatchError);
    expect(error?.message).toBe(
      'replay of row B: no recorded answer for GET /v1/videos/text2video/{task_id}; the cassette has only: POST /v1/videos/text2video',
    );
    expect(error?.message).not.toMatch(/Bearer|eyJ|authorization|replay-has-no-credentials/i);
  });

  it('fails when a recorded request goes unused', async () => {
    const { ws, env } = replayEnv();
    editCassette(ws.recordingsDir, (har) => {
      const last = har.log.entries.at(-1);
      if (last) har.log.entries.push({ ...last, _order: last._order + 1 });
    });
    const error = await failure(runRow(rowB(), env));
    expect(error?.message).toMatch(
      /^row B: the cassette holds \d+ recorded requests, this replay used \d+: every recorded request must be used$/,
    );
  });

  it('fails when the replayed verdict differs from the recorded one', async () => {
    const { ws, env } = replayEnv();
    const metaFile = join(ws.recordingsDir, committedB.name, 'meta.json');
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(metaFile, JSON.stringify({ ...meta, classification: 'model-policy-mismatch', verdict: 'reopened' }));
    const error = await failure(runRow(rowB(), env));
    expect(error?.message).toBe(
      'row B: replay concludes success → tightened, but the recording concluded model-policy-mismatch → reopened',
    );
  });

  it('fails when the meta is missing: it alone says where the recording came from and what it concluded', async () => {
    const { ws, env } = replayEnv();
    rmSync(join(ws.recordingsDir, committedB.name, 'meta.json'));
    const error = await failure(runRow(rowB(), env));
    expect(error).toBeInstanceOf(ReplayDriftError);
    expect(error?.message).toBe('row B has no meta.json beside its cassette: record it again (pnpm recordings:rerecord)');
  });

  it('fails when the cassette is missing, saying how to make it', async () => {
    const { ws, env } = replayEnv();
    rmSync(cassetteOf(ws.recordingsDir));
    const error = await failure(runRow(rowB(), env));
    expect(error).toBeInstanceOf(MissingCassetteError);
    expect(error?.message).toMatch(
      new RegExp(`^row B has no cassette at .*${committedB.name}/cassette\\.har: record it first \\(pnpm recordings:rerecord\\)$`),
    );
  });
});

describe('Harness | committed recordings', () => {
  const rows = readdirSync(matrixRecordings, { withFileTypes: true }).filter((d) => d.isDirectory());

  it('every row of the registry has a cassette and a meta that says honestly where it came from, and nothing else does', () => {
    expect(rows.map((d) => d.name).sort()).toEqual(matrix.rows.map((r) => r.name).sort());
    for (const row of matrix.rows) {
      const { provenance } = JSON.parse(readFileSync(join(matrixRecordings, row.name, 'meta.json'), 'utf8')) as { provenance: string };
      // A replay-only row is a transcription of a past run; a row that may create was recorded against a host.
      expect(provenance, row.name).toMatch(row.liveAllowed ? /^(sandbox|live)$/ : /^transcribed$/);
      const har = JSON.parse(readFileSync(join(matrixRecordings, row.name, 'cassette.har'), 'utf8')) as Har;
      expect(har.log.comment, row.name).toBe(`provenance: ${provenance}`);
    }
  });

  it('hold no credential, no JWT, no Bearer value and no raw base64 image', () => {
    for (const d of rows) {
      for (const file of readdirSync(join(matrixRecordings, d.name))) {
        const text = readFileSync(join(matrixRecordings, d.name, file), 'utf8');
        expect(text, file).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.|Bearer |authorization|sandbox-secret-key|iVBORw0KGgo/i);
      }
    }
  });
});
