import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readMeta, writeMeta } from '../../helpers/harness/cassettes/cassette-meta.ts';
import { renderSummary } from '../../helpers/harness/evidence/summary.ts';
import { FIRST_FRAME_FILE } from '../../helpers/harness/rows/first-frame-step.ts';
import { runRow } from '../../helpers/harness/rows/runner.ts';
import type { FaultRule } from '../../helpers/sandbox/faults.ts';
import { startSandbox } from '../../helpers/sandbox/server.ts';
import { liveLike, rowEnvironment, workspace } from '../support/harness-env.ts';
import { matrix } from '../support/matrix.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';

/**
 * The plan's visual criteria measured (rows A and C): the result's first frame against the input image, shown
 * side by side, scored, and reproduced by replay from the recorded frame. Evidence, never the verdict.
 */

const servers = serversStoppedAfterEach();
const rowA = matrix.get('A');
const rowC = matrix.get('C');

async function rehearseRow(row: typeof rowA, faults: FaultRule[] = []) {
  servers.sandbox = await startSandbox({ timeScale: 0.01, faults });
  const sb = servers.sandbox;
  const ws = workspace();
  const { env, sink, lines } = rowEnvironment(ws, liveLike(sb.url, sb.credentials, [row.id]));
  const outcome = await runRow(row, env);
  if (outcome.status !== 'done') throw new Error(`row ${row.id} did not run: ${outcome.reason}`);
  return { ws, sink, lines, evidence: outcome.evidence };
}

describe('Harness | first-frame evidence', () => {
  it.each([rowA, rowC].map((r) => [r.id, r] as const))(
    'row %s: the sandbox video starts with the input; the score is high, the frames are attached and recorded',
    async (_id, row) => {
      const { ws, sink, lines, evidence } = await rehearseRow(row);
      const f = evidence.firstFrame;
      if (f === undefined || 'notMeasured' in f) throw new Error(`no score: ${JSON.stringify(f)}`);
      expect(f.ssim).toBeGreaterThan(0.9);
      expect(f).toMatchObject({ weak: false, threshold: 0.5, fromRecording: false });
      expect(f.reading).toBe(`first frame matches the input: SSIM ${f.ssim.toFixed(2)}`);
      expect([f.frames.first, f.frames.middle, f.frames.last].every((d) => /^[0-9a-f]{64}$/.test(d ?? ''))).toBe(true);
      expect(lines).toContain(`[${row.id}] ${f.reading}`);
      const picture = sink.events.find((e) => e.kind === 'attach' && e.name.startsWith('first frame: the input'));
      expect(picture).toMatchObject({ contentType: 'image/png' });
      const meta = readMeta(join(ws.recordingsDir, row.name));
      expect(meta?.firstFrame).toEqual({ ssim: f.ssim, frameSha256: f.frames.first });
      const png = readFileSync(join(ws.recordingsDir, row.name, FIRST_FRAME_FILE));
      expect((await sharp(png).metadata()).format).toBe('png');
      expect(evidence.classification).toBe('success');
    },
    60_000,
  );

  it('a video that starts elsewhere scores low and is flagged in the summary; the verdict does not change', async () => {
    const { evidence } = await rehearseRow(rowC, [{ route: 'download', calls: 'every', fault: { kind: 'first-frame-mismatch' } }]);
    const f = evidence.firstFrame;
    if (f === undefined || 'notMeasured' in f) throw new Error(`no score: ${JSON.stringify(f)}`);
    expect(f.ssim).toBeLessThan(0.3);
    expect(f.weak).toBe(true);
    expect(f.reading).toBe(`first-frame adherence looks weak (SSIM ${f.ssim.toFixed(2)}, below 0.50): look at the frames`);
    expect(evidence).toMatchObject({ classification: 'success', verdict: 'tightened' });
    const md = renderSummary({ id: 'r1', dir: '/tmp/r1' }, [evidence], { decisive: ['B', 'C'] });
    expect(md).toContain(`- **C: ${f.reading}**`);
  }, 60_000);

  it('a result ffmpeg cannot read is not measured, says why, and changes nothing else', async () => {
    const { evidence } = await rehearseRow(rowC, [
      { route: 'download', calls: 'every', fault: { kind: 'huge-result', bytes: 200_000, fill: 'zeros' } },
    ]);
    const f = evidence.firstFrame;
    expect(f !== undefined && 'notMeasured' in f ? f.notMeasured : '').toMatch(/^the video's frames could not be read: /);
    expect(evidence.classification).toBe('success');
  }, 60_000);
});

describe('Harness | replay reproduces the first-frame score', () => {
  it('recomputes it from the recorded frame, offline, and gets the recorded score', async () => {
    const ws = workspace(true);
    const { env, sink } = rowEnvironment(ws, { mode: 'replay' });
    const outcome = await runRow(rowA, env);
    if (outcome.status !== 'done') throw new Error('not run');
    const meta = readMeta(join(ws.recordingsDir, rowA.name));
    expect(outcome.evidence.firstFrame).toMatchObject({
      ssim: meta?.firstFrame && 'ssim' in meta.firstFrame ? meta.firstFrame.ssim : -1,
      fromRecording: true,
    });
    expect(sink.events.some((e) => e.kind === 'attach' && e.name.startsWith('first frame: the input'))).toBe(true);
  });

  it('fails naming the frame when the recorded frame was replaced, and naming both scores when the recorded score differs', async () => {
    const ws = workspace(true);
    const dir = join(ws.recordingsDir, rowC.name);
    const other = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000000' } })
      .png()
      .toBuffer();
    const original = readFileSync(join(dir, FIRST_FRAME_FILE));
    writeFileSync(join(dir, FIRST_FRAME_FILE), other);
    await expect(runRow(rowC, rowEnvironment(ws, { mode: 'replay' }).env)).rejects.toThrow(
      /row C: .*first-frame\.png is not the recorded first frame/,
    );

    writeFileSync(join(dir, FIRST_FRAME_FILE), original);
    const meta = readMeta(dir);
    if (meta?.firstFrame === undefined || !('ssim' in meta.firstFrame)) throw new Error('no recorded score');
    writeMeta(dir, { ...meta, firstFrame: { ...meta.firstFrame, ssim: 0.5 } });
    await expect(runRow(rowC, rowEnvironment(ws, { mode: 'replay' }).env)).rejects.toThrow(
      /^row C: today's first-frame score is SSIM 0\.\d+, the recording's is 0\.5/,
    );
  });
});
