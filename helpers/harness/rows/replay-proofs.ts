import { z } from 'zod';
import type { Classification } from '../../kling/classifier.ts';
import type { DownloadResult } from '../../kling/downloader.ts';
import { TransportAbort } from '../../kling/errors.ts';
import type { Verdict } from '../../kling/verdict.ts';
import type { Har } from '../cassettes/cassette-format.ts';
import type { CassetteMeta } from '../cassettes/cassette-meta.ts';
import { redactBody } from '../cassettes/redact.ts';
import { describeDifferences, diffJson } from '../cassettes/replay-diff.ts';
import { checkFormat, parseJson } from '../sinks/json-file.ts';
import { ageInDays, ageText, RESULT_KEPT_DAYS } from '../evidence/evidence-age.ts';
import type { RegistryRow } from './registry.ts';

/**
 * What a replay proves beyond "the cassette answered" (promises §9): today's builder sends the recorded body to
 * the recorded endpoint, every recorded request is used, and the row concludes what the recording concluded.
 * Any difference fails the row, naming it and the field.
 */

/** The replay failed to reproduce its recording: the row and the field are named. */
export class ReplayDriftError extends TransportAbort {
  override readonly name = 'ReplayDriftError';
}

/** Today's builder would send what the recording sent (the plan's reopen rule), to the same endpoint. */
export function assertNoPayloadDrift(row: RegistryRow, har: Har, endpoint: string, body: unknown): void {
  const recorded = har.log.entries.find((e) => e.request.method === 'POST');
  if (recorded === undefined) throw new ReplayDriftError(`row ${row.id}: the cassette holds no create`);
  const recordedEndpoint = `POST ${new URL(recorded.request.url).pathname}`;
  if (recordedEndpoint !== endpoint) {
    throw new ReplayDriftError(`row ${row.id}: today's builder sends ${endpoint}; the recording sent ${recordedEndpoint}`);
  }
  const where = `row ${row.id}'s recorded create body`;
  const recordedBody = checkFormat(where, z.record(z.string(), z.unknown()), parseJson(where, recorded.request.postData?.text ?? 'null'));
  delete recordedBody.external_task_id;
  const differences = diffJson(recordedBody, redactBody(body));
  if (differences.length > 0) {
    throw new ReplayDriftError(
      `row ${row.id}: today's builder would send a different payload than the recorded one (the plan's reopen rule): ${describeDifferences(differences)}`,
    );
  }
}

/** Replay does not download: the recording's meta says what the real result was (size, sha256), and that is the evidence. */
export function recordedDownload(row: RegistryRow, meta: CassetteMeta | undefined): DownloadResult {
  if (meta?.download === undefined)
    throw new ReplayDriftError(`row ${row.id}: the task succeeded, but the recording's meta has no download`);
  return {
    path: '',
    bytes: meta.download.bytes,
    sha256: meta.download.sha256,
    attempts: 0,
    contentType: meta.download.contentType ?? undefined,
  };
}

/** Every recorded request was replayed, and the conclusion is the recorded one. */
export function assertReplayedAsRecorded(
  row: RegistryRow,
  session: { replayed: number; recorded: number } | undefined,
  meta: CassetteMeta | undefined,
  concluded: { classification: Classification; verdict: Verdict },
): void {
  if (session && session.replayed !== session.recorded) {
    throw new ReplayDriftError(
      `row ${row.id}: the cassette holds ${session.recorded} recorded requests, this replay used ${session.replayed}: every recorded request must be used`,
    );
  }
  if (meta && (meta.classification !== concluded.classification || meta.verdict !== concluded.verdict)) {
    throw new ReplayDriftError(
      `row ${row.id}: replay concludes ${concluded.classification} → ${concluded.verdict}, but the recording concluded ${meta.classification} → ${meta.verdict}`,
    );
  }
}

/**
 * A live recording past Kling's 30 days proves less than it did: its result URL is gone and the API may have
 * moved. Replay says so, and still passes: the recording is what it was; only a new live round can renew it.
 */
export function staleRecording(row: RegistryRow, meta: CassetteMeta | undefined, now: number = Date.now()): string | undefined {
  if (meta?.provenance !== 'live') return undefined;
  if (meta.recordedAt === undefined) return `row ${row.id}'s live recording has no date: its age is unknown; re-verify it when it matters`;
  if (ageInDays(meta.recordedAt, now) < RESULT_KEPT_DAYS) return undefined;
  return `row ${row.id}'s live recording was made ${meta.recordedAt.slice(0, 10)} (${ageText(meta.recordedAt, now)}): the result URL is deleted and the API may have moved`;
}
