import { row } from '../../helpers/harness/rows/row.ts';
import { buildOmniVideoContinuation } from '../../helpers/kling/builders.ts';

export default row({
  id: 'E',
  title: 'Omni — video_list scene-reference continuity',
  order: 6,
  family: 'omni-video',
  defaultRound: false,
  liveAllowed: true,
  purpose: "confirm Omni continues a shot from a reference video (video_list, refer_type feature): the plan's next target",
  // kling-api §3g: at most one video, `feature` uses it as the previous shot, sound off with a video.
  payloadProvenance: 'doc-derived',
  inputs: {
    videoUrl: {
      kind: 'video-url',
      env: 'OMNI_REFERENCE_VIDEO_URL',
      describe: 'an https URL of an MP4 or MOV of 3 s or more, 720–2160 px a side (kling-api §3g)',
      rehearsal: 'https://sandbox.invalid/reference/previous-shot.mp4',
      // Row A's result is an Omni clip of 5 s: the plan's anchor, and a valid previous shot.
      fromClosedRow: 'A',
    },
  },
  payload: (inputs) =>
    buildOmniVideoContinuation({
      prompt: 'Continue the previous shot: the camera keeps pushing in until the door of the red house opens.',
      videoUrl: inputs.videoUrl ?? '',
    }),
  approvedAlone: "the plan's priority note makes `video_list` the next target after the minimum set of 3 creates",
  successCriteria: ['create returns code=0', 'query reaches succeed', 'output continues the reference shot (judged by a person)'],
  stopConditions: [
    'first successful create ends the row',
    'if the reference video is refused (format, length, size), replace the reference before any variant',
  ],
  reopenCriteria: 'only if the video_list builder changes or the contract for video_list changes',
});
