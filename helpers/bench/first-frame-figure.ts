import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '../harness/frames/ffmpeg.ts';
import { measureFirstFrame } from '../harness/frames/first-frame.ts';
import { RUNS, median, type Figure } from './figure.ts';

/**
 * Figure 8: what the first-frame evidence adds to a row (frames/first-frame.ts): three frames extracted, the
 * score, the side-by-side picture, on a 5 s 1080p H.264 clip and its own first frame as the input image.
 */
export async function firstFrameCost(): Promise<Figure> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-first-frame-'));
  try {
    const video = join(dir, 'clip.mp4');
    const made = await runFfmpeg(
      [
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=1920x1080:rate=24:duration=5',
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-pix_fmt',
        'yuv420p',
        video,
      ],
      { timeoutMs: 120_000 },
    );
    if (made.code !== 0) throw new Error(`the benchmark clip could not be made: ${made.stderr}`);
    const input = (await runFfmpeg(['-i', video, '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', 'pipe:1'])).stdout;
    const times: number[] = [];
    let ssim = 0;
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      const measured = await measureFirstFrame(input, video, 0.5);
      times.push(performance.now() - start);
      if ('ssim' in measured.evidence) ssim = measured.evidence.ssim;
    }
    const ms = median(times);
    return {
      id: 8,
      figure: 'first-frame evidence per row (5 s 1080p clip: 3 frames, SSIM, side-by-side)',
      measured: `${(ms / 1000).toFixed(2)} s (SSIM ${ssim.toFixed(2)} against its own first frame)`,
      target: '<= 1 s',
      met: ms <= 1000,
      detail: { ms: Math.round(ms), ssim },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
