import { spawn } from 'node:child_process';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';

/**
 * FFmpeg as the harness runs it: the static build `@ffmpeg-installer/ffmpeg` ships inside its npm package (no
 * download at install, so a machine with only Node and npm has it), bounded in time and in output, because the
 * video it reads came from a server: a clip that decodes forever or into gigabytes is a failed measurement, not a
 * hung or swollen run.
 */

export const FFMPEG = ffmpegInstaller.path;

export class FfmpegError extends Error {
  override readonly name = 'FfmpegError';
}

export interface FfmpegRun {
  stdout: Buffer;
  stderr: string;
  code: number | null;
}

export function runFfmpeg(
  args: readonly string[],
  options: { input?: Buffer; timeoutMs?: number; maxOutputBytes?: number } = {},
): Promise<FfmpegRun> {
  const { timeoutMs = 20_000, maxOutputBytes = 64 * 1024 * 1024 } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(FFMPEG, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], {
      stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let failure: string | undefined;
    const stop = (why: string) => {
      failure ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(`ffmpeg took longer than ${timeoutMs} ms`), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxOutputBytes) stop(`ffmpeg wrote more than ${maxOutputBytes} bytes`);
      else out.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new FfmpegError(`ffmpeg could not start (${FFMPEG}): ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failure !== undefined) reject(new FfmpegError(failure));
      else resolve({ stdout: Buffer.concat(out), stderr, code });
    });
    if (options.input && child.stdin) {
      // A child that exits early (a bad video) closes its stdin: not our error, its exit code says what happened.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}
