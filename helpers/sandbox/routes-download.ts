import type { ServerResponse } from 'node:http';
import type { Fault } from './faults.ts';
import { alterHeaders, hugeResult } from './hostile.ts';
import type { SandboxContext } from './state.ts';
import { firstFrameVideo } from './first-frame-video.ts';
import { statusAt, type SandboxTask } from './tasks.ts';

/** A task's result video, made once per kind: one starting with its first frame, or (the fault) with another image. */
function videoOf(task: SandboxTask, image: Buffer, mismatch: boolean): Promise<Buffer> {
  task.videos ??= new Map();
  let video = task.videos.get(mismatch);
  if (video === undefined) {
    video = firstFrameVideo(image, mismatch);
    task.videos.set(mismatch, video);
  }
  return video;
}

/**
 * The result download (`/files/<task_id>.mp4`, the URL a succeeded task's view names): the result video for a
 * task that has succeeded, 404 for any other, or the broken download an injected fault asks for (too large, not a
 * video, a length that lies, a body cut short).
 */

export async function serveVideo(
  ctx: SandboxContext,
  res: ServerResponse,
  taskId: string,
  fault: Fault | undefined,
  echo: string,
): Promise<void> {
  const { state, now, timing } = ctx;
  const task = state.tasks.get(taskId);
  if (!task || statusAt(task, now(), timing).status !== 'succeed') {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  const headers = alterHeaders(fault, { 'content-type': 'video/mp4' }, echo);
  if (fault?.kind === 'huge-result') {
    await hugeResult(res, headers, fault, ctx.resultVideo.subarray(0, 32));
    return;
  }
  if (fault?.kind === 'not-a-video' || (fault?.kind === 'reflect' && fault.where === 'html-video')) {
    const contentType = fault.kind === 'not-a-video' ? fault.contentType : 'text/html';
    res.writeHead(200, { 'content-type': contentType }).end(`<html><body>Your video for ${echo} is ready.</body></html>`);
    return;
  }
  const resultVideo =
    task.firstFrame === undefined ? ctx.resultVideo : await videoOf(task, task.firstFrame, fault?.kind === 'first-frame-mismatch');
  const declared = resultVideo.length + (fault?.kind === 'wrong-length' ? fault.extraBytes : 0);
  res.writeHead(200, { ...headers, 'content-length': String(declared) });
  if (fault?.kind === 'wrong-length') {
    res.write(resultVideo, () => res.socket?.destroy());
    return;
  }
  if (fault?.kind === 'cut-download') {
    res.write(resultVideo.subarray(0, Math.min(fault.afterBytes, resultVideo.length - 1)), () => res.socket?.destroy());
    return;
  }
  res.end(resultVideo);
}
