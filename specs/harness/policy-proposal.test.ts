import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Conclusion } from '../../helpers/harness/evidence/end-state.ts';
import { ageText } from '../../helpers/harness/evidence/evidence-age.ts';
import { applyToSource, lineDiff, proposePolicy } from '../../helpers/harness/evidence/policy-proposal.ts';
import { renderSummary } from '../../helpers/harness/evidence/summary.ts';
import { writeMeta, readMeta } from '../../helpers/harness/cassettes/cassette-meta.ts';
import { staleRecording } from '../../helpers/harness/rows/replay-proofs.ts';
import { runRow } from '../../helpers/harness/rows/runner.ts';
import { runNode } from '../support/child-run.ts';
import { rowEnvironment, workspace } from '../support/harness-env.ts';
import { matrix } from '../support/matrix.ts';

/**
 * The plan's end state as the change to the scaffold's model policy it justifies (`pnpm policy:propose`, the
 * summary's last section), and evidence that says how old it is.
 */

const POLICY = 'helpers/kling/model-policy.ts';
const decisive = [
  { id: 'B', family: 'text2video' as const },
  { id: 'C', family: 'image2video' as const },
];
const success = (row: string): Conclusion => ({
  row,
  classification: 'success',
  reason: 'the task reached succeed',
  round: 'r1',
  taskId: `86000000000000000${row === 'B' ? 2 : 3}`,
  closedAt: '2026-11-30T10:00:00.000Z',
});
const conclusions = (...cs: Conclusion[]) => new Map(cs.map((c) => [c.row, c]));

describe('Harness | the policy change the verdicts justify', () => {
  it('a closed success verifies the omitted-model entry, with its round, task and date', () => {
    expect(proposePolicy(decisive, conclusions(success('B'), success('C'))).map((c) => c.sentence)).toEqual([
      'text2video `model_name` omitted: provisional → verified (row B, round r1, task 860000000000000002, 2026-11-30).',
      'image2video `model_name` omitted: provisional → verified (row C, round r1, task 860000000000000003, 2026-11-30).',
    ]);
  });

  it('a model-policy refusal keeps the family caller-explicit; anything inconclusive, pending or missing changes nothing, saying why', () => {
    const refused: Conclusion = { row: 'B', classification: 'model-policy-mismatch', reason: 'model required (code 1201)', round: 'r2' };
    const asset: Conclusion = { row: 'C', classification: 'asset-quality', reason: 'the image is too small', round: 'r2' };
    expect(proposePolicy(decisive, conclusions(refused, asset)).map((c) => [c.to?.status, c.sentence])).toEqual([
      [
        'refused',
        'text2video `model_name` omitted: provisional → refused: text2video stays caller-explicit, because the API refused the body without a model (row B, round r2: model required (code 1201)).',
      ],
      [
        undefined,
        'image2video `model_name` omitted stays provisional: row C is inconclusive (asset-quality: the image is too small), which says nothing about the model.',
      ],
    ]);
    const pending: Conclusion = { ...asset, pending: 'task 1 not finished (round r2)', classification: 'environment-auth-transient' };
    expect(proposePolicy(decisive, conclusions(pending)).map((c) => c.sentence)).toEqual([
      'text2video `model_name` omitted stays provisional: row B has no answer yet.',
      'image2video `model_name` omitted stays provisional: row C is pending (task 1 not finished (round r2)).',
    ]);
  });

  it('as a diff of model-policy.ts: the status lines and, for a refusal, the omitted entry; nothing else moves', () => {
    const source = readFileSync(POLICY, 'utf8');
    const refused: Conclusion = { row: 'C', classification: 'model-policy-mismatch', reason: "it's refused", round: 'r2' };
    const after = applyToSource(source, proposePolicy(decisive, conclusions(success('B'), refused))) ?? '';
    const diff = lineDiff(POLICY, source, after);
    expect(diff.filter((l) => /^[-+][^-+]/.test(l))).toEqual([
      "-    omitted: 'allowed', // the plan's row C question",
      "+    omitted: 'refused', // the plan's row C question",
      "-  text2video: { status: 'provisional' },",
      "+  text2video: { status: 'verified', round: 'r1', taskId: '860000000000000002', closed: '2026-11-30' },",
      "-  image2video: { status: 'provisional' },",
      "+  image2video: { status: 'refused', round: 'r2', reason: 'it\\'s refused' },",
    ]);
    expect(applyToSource(source, proposePolicy(decisive, conclusions()))).toBe(source);
    expect(
      applyToSource(
        source.replace("text2video: { status: 'provisional' }", 'text2video: gone'),
        proposePolicy(decisive, conclusions(success('B'))),
      ),
    ).toBeUndefined();
  });

  it('pnpm policy:propose prints the diff from a ledger and changes nothing', async () => {
    const ws = workspace();
    const ledger = join(ws.root, 'ledger.jsonl');
    const at = '2026-11-30T10:00:00.000Z';
    writeFileSync(
      ledger,
      [
        { row: 'B', round: 'r1', externalTaskId: 'x', at, stage: 'intent', payloadDigest: 'd' },
        { row: 'B', round: 'r1', externalTaskId: 'x', at, stage: 'terminal', outcome: 'succeed', taskId: '860000000000000002' },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n') + '\n',
    );
    const before = createHash('sha256').update(readFileSync(POLICY)).digest('hex');
    const run = await runNode(['--import', 'tsx', 'helpers/harness/cli/policy-propose-cli.ts'], { ...process.env, LEDGER_FILE: ledger });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('(not the committed live ledger: practice, not evidence)');
    expect(run.stdout).toContain("+  text2video: { status: 'verified', round: 'r1', taskId: '860000000000000002', closed: '2026-11-30' },");
    expect(run.stdout).toContain('- image2video `model_name` omitted stays provisional: row C has no answer yet.');
    expect(createHash('sha256').update(readFileSync(POLICY)).digest('hex')).toBe(before);
  });

  it('the summary ends with it', () => {
    const md = renderSummary({ id: 'r1', dir: '/tmp/r1' }, [], {
      decisive: ['B', 'C'],
      policyRows: decisive,
      conclusions: conclusions(success('B')),
    });
    expect(md).toContain('## Model policy');
    expect(md).toContain(
      '- text2video `model_name` omitted: provisional → verified (row B, round r1, task 860000000000000002, 2026-11-30).',
    );
    expect(md).toContain('`pnpm policy:propose` prints this as a diff of helpers/kling/model-policy.ts; nothing is changed by itself.');
  });
});

describe('Harness | stale evidence', () => {
  const now = Date.parse('2026-12-01T12:00:00.000Z');
  const rowB = matrix.get('B');
  const meta = {
    row: 'B',
    provenance: 'live' as const,
    endpoint: 'POST /v1/videos/text2video',
    payloadProvenance: 'policy-test' as const,
    classification: 'success' as const,
    verdict: 'tightened' as const,
    reason: 'r',
  };

  it('a live recording past 30 days, or without a date, is flagged; a recent one or a sandbox one is not', () => {
    expect(staleRecording(rowB, { ...meta, recordedAt: '2026-10-01T00:00:00.000Z' }, now)).toBe(
      "row B's live recording was made 2026-10-01 (61 days ago: past Kling's 30 days, re-verify): the result URL is deleted and the API may have moved",
    );
    expect(staleRecording(rowB, { ...meta, recordedAt: '2026-11-20T00:00:00.000Z' }, now)).toBeUndefined();
    expect(staleRecording(rowB, meta, now)).toBe("row B's live recording has no date: its age is unknown; re-verify it when it matters");
    expect(staleRecording(rowB, { ...meta, provenance: 'sandbox' }, now)).toBeUndefined();
    expect(ageText('2026-11-30T12:00:00.000Z', now)).toBe('1 day ago');
    expect(ageText('2026-12-01T01:00:00.000Z', now)).toBe('today');
  });

  it('replay warns on an old live recording and still passes', async () => {
    const ws = workspace(true);
    const dir = join(ws.recordingsDir, rowB.name);
    const recorded = readMeta(dir);
    if (recorded === undefined) throw new Error('row B has no committed meta');
    writeMeta(dir, { ...recorded, provenance: 'live', recordedAt: '2026-01-01T00:00:00.000Z' });
    const { env, lines } = rowEnvironment(ws, { mode: 'replay' });
    const outcome = await runRow(rowB, env);
    expect(outcome.status).toBe('done');
    expect(lines.find((l) => l.includes('warning:'))).toMatch(
      /^\[B\] warning: row B's live recording was made 2026-01-01 \(\d+ days ago: past Kling's 30 days, re-verify\)/,
    );
    if (outcome.status === 'done') expect(outcome.evidence.warnings.map((w) => w.path)).toContain('recording');
  });
});
