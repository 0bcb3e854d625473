import { readFileSync } from 'node:fs';

/** A result of `megabytes` the downloader accepts, for the sandbox to serve: an ftyp box at its start, filler after. */
export function resultOf(megabytes: number): Buffer {
  const head = readFileSync('helpers/sandbox/fixtures/result.mp4').subarray(0, 32);
  const video = Buffer.alloc(megabytes * 1024 * 1024, 7);
  head.copy(video);
  return video;
}
