import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { TokenSource } from '../../kling/auth.ts';
import { classify, type Classified } from '../../kling/classifier.ts';
import { KlingClient, type Answer } from '../../kling/client.ts';
import { downloadToFile, type DownloadResult } from '../../kling/downloader.ts';
import { CreateOutcomeUnknownError, KlingApiError, RequestNotSentError, TransportAbort } from '../../kling/errors.ts';
import { familyPath } from '../../kling/families.ts';
import { createFetchContext } from '../../kling/http-context.ts';
import { observeError, observeTask } from '../../kling/observe.ts';
import { pollUntilTerminal, type PollSchedule } from '../../kling/poller.ts';
import type { CreatedTask, Drift, Task } from '../../kling/response-schemas.ts';
import type { Sleep } from '../../kling/retry.ts';
import { verdictFor } from '../../kling/verdict.ts';
import { RECORDED_ORIGIN } from '../cassettes/cassette-matching.ts';
import { readMeta, writeMeta, type CassetteMeta } from '../cassettes/cassette-meta.ts';
import { CreateRefused, guardCreate } from '../ledger/create-guard.ts';
import { balanceDeductionOf, evidenceDir, writeEvidence, type RecordingProvenance, type RowEvidence } from '../evidence/evidence.ts';
import type { EvidenceSink } from '../evidence/evidence-sink.ts';
import { Ledger, type LedgerEntry } from '../ledger/ledger.ts';
import { closedRowDecision, resolvePending } from '../ledger/ledger-gate.ts';
import { readCassette, startCassette } from '../cassettes/polly.ts';
import { preflight } from './preflight.ts';
import { redactBody } from '../cassettes/redact.ts';
import { describeDifferences, diffJson } from '../cassettes/replay-diff.ts';
import { externalTaskIdFor, type Round, type RoundJournal } from '../evidence/round.ts';
import { RegistryError, type RegistryRow } from './registry.ts';
import type { RowId } from './row.ts';
import type { RunConfig } from '../config/run-config.ts';
import { provenanceOf } from '../config/run-target.ts';
import { knownSecrets } from '../sinks/scrubber.ts';
import { signingTokenSource } from '../sinks/signing.ts';
import { forTerminal, say } from '../sinks/terminal.ts';

/**
 * The one runner every row spec goes through: gate, preflight, create (once), poll, download, classify, verdict,
 * evidence. A spec only declares; all control flow is here.
 */

export interface RowEnvironment {
  config: RunConfig;
  round: Round;
  journal: RoundJournal;
  sink: EvidenceSink;
  /** Default: instant in replay, real time otherwise. */
  sleep?: Sleep;
  pollSchedule?: Partial<PollSchedule>;
  /** Per-request timeout of the client (default 60 s); a create that times out is an unknown outcome. */
  requestTimeoutMs?: number;
  /** Progress lines while a row waits; default: stdout. */
  log?: (line: string) => void;
  /** Overrides the provenance a record mode writes (only the transcription tool uses it). */
  recordingProvenance?: RecordingProvenance;
  /** Lets a replay-only row record against a scripted loopback server (rehearse mode only): its transcription. */
  transcribing?: boolean;
  env?: Record<string, string | undefined>;
}

export type RowOutcome = { status: 'skipped'; reason: string } | { status: 'done'; evidence: RowEvidence; evidenceFile: string };

/** The replay failed to reproduce its recording: the row and the field are named. */
export class ReplayDriftError extends TransportAbort {
  override readonly name = 'ReplayDriftError';
}

/** A row that did not run still shows in the report, under "not run", with its reason. */
async function skipped(sink: EvidenceSink, entry: RegistryRow, reason: string): Promise<RowOutcome> {
  await sink.label('verdict', 'not run');
  await sink.displayName(`${entry.id} · ${entry.title} — not run: ${reason}`);
  return { status: 'skipped', reason };
}

const instant: Sleep = () => Promise.resolve();
const realSleep: Sleep = (ms) => delay(ms);
const REPLAY_TOKEN: TokenSource = () => Promise.resolve('replay-has-no-credentials');

/** A result video larger than this is not attached to the report (a single-file report embeds it); the file stays. */
const MAX_ATTACHED_VIDEO_BYTES = 64 * 1024 * 1024;

/** Replay does not download: the recording's meta says what the real result was (size, sha256), and that is the evidence. */
function recordedDownload(entry: RegistryRow, meta: CassetteMeta | undefined): DownloadResult {
  if (meta?.download === undefined)
    throw new ReplayDriftError(`row ${entry.id}: the task succeeded, but the recording's meta has no download`);
  return {
    path: '',
    bytes: meta.download.bytes,
    sha256: meta.download.sha256,
    attempts: 0,
    contentType: meta.download.contentType ?? undefined,
  };
}

function gateReason(entry: RegistryRow, config: RunConfig, journal: RoundJournal, transcribing: boolean): string | undefined {
  if (config.mode === 'replay') return undefined;
  if (!entry.liveAllowed && !(transcribing && config.mode === 'rehearse'))
    return `row ${entry.id} is replay-only: a transcription of a past run, never created again`;
  if (!config.approved.includes(entry.id)) {
    return `row ${entry.id} is not approved for this run (APPROVE_ROWS=${config.approved.join(',') || 'none'})`;
  }
  const stop = journal.stopped();
  if (stop) return `the round stopped at row ${stop.row}: ${stop.reason}`;
  return undefined;
}

/** The plan's stop conditions, as the next step for the operator. */
function adviceFor(spec: RegistryRow, classified: Classified): string | undefined {
  switch (classified.classification) {
    case 'environment-auth-transient':
      return 'stop the round; fix the environment before any variant, then ask for approval again';
    case 'asset-quality':
      return 'replace the asset; this is not a contract failure';
    case 'model-policy-mismatch':
      return spec.legacyRetryModel === undefined
        ? 'document the exact error and reopen the model policy'
        : `document the exact error and ask approval for exactly one legacy-model retry with ${spec.legacyRetryModel}; do not try it in this round`;
    case 'body-shape-mismatch':
      return 'stop and reopen docs/code review before retrying';
    case 'moderation-content-risk':
      return 'change the input; re-running identical input does not change a moderation verdict';
    case 'harness-error':
      return 'fix the harness; nothing about the API was learned';
    case 'success':
      return undefined;
  }
}

/** What the ledger records of a create that did not produce a task id. */
function createFailureEntry(
  error: unknown,
  row: RowId,
  round: string,
  externalTaskId: string,
  classified: Classified,
  spec: RegistryRow,
): LedgerEntry {
  const base = { row, round, externalTaskId, at: new Date().toISOString() };
  // Sent, no answer: the task may exist; the next run resolves it by external_task_id.
  if (error instanceof CreateOutcomeUnknownError) return { ...base, stage: 'unknown', reason: error.detail };
  const { verdict } = verdictFor(classified.classification, spec.payloadProvenance);
  const ended = { ...base, stage: 'terminal' as const, classification: classified.classification, verdict, reason: classified.reason };
  if (error instanceof RequestNotSentError) return { ...ended, outcome: 'not-sent' };
  // Only the API refusing in its own words made no task; anything else after the POST left may have made one.
  if (error instanceof KlingApiError) return { ...ended, outcome: 'refused', ...(error.requestId ? { requestId: error.requestId } : {}) };
  return { ...base, stage: 'unknown', reason: classified.reason };
}

/** promises §9: replay fails when today's builder would send a different body than the one recorded. */
function assertNoPayloadDrift(entry: RegistryRow, dir: string, endpoint: string, body: unknown): void {
  const har = readCassette(entry.id, dir);
  const recorded = har.log.entries.find((e) => e.request.method === 'POST');
  if (recorded === undefined) throw new ReplayDriftError(`row ${entry.id}: the cassette holds no create`);
  const recordedEndpoint = `POST ${new URL(recorded.request.url).pathname}`;
  if (recordedEndpoint !== endpoint) {
    throw new ReplayDriftError(`row ${entry.id}: today's builder sends ${endpoint}; the recording sent ${recordedEndpoint}`);
  }
  const recordedBody = JSON.parse(recorded.request.postData?.text ?? 'null') as Record<string, unknown>;
  delete recordedBody.external_task_id;
  const differences = diffJson(recordedBody, redactBody(body));
  if (differences.length > 0) {
    throw new ReplayDriftError(
      `row ${entry.id}: today's builder would send a different payload than the recorded one (the plan's reopen rule): ${describeDifferences(differences)}`,
    );
  }
}

export async function runRow(spec: RegistryRow, env: RowEnvironment): Promise<RowOutcome> {
  const entry = spec;
  const { config, round, journal, sink } = env;
  const emit = env.log ?? say;
  const log = (line: string) => emit(forTerminal(line));
  await sink.label('epic', 'Kling verification round');
  await sink.label('story', `${entry.id} · ${entry.title}`);
  await sink.parameter('row', entry.id);
  const skip = gateReason(entry, config, journal, env.transcribing === true);
  if (skip !== undefined) return skipped(sink, entry, skip);

  const replay = config.mode === 'replay';
  const built = spec.payload();
  if (built.family !== entry.family) {
    throw new RegistryError(`${entry.file}: row ${entry.id} is declared ${entry.family}, but its payload is built for ${built.family}`);
  }
  const endpoint = `POST ${familyPath(built.family)}`;
  const cassetteDir = join(config.recordingsDir, entry.name);
  const recordedMeta = replay ? readMeta(cassetteDir) : undefined;
  const recordingProvenance: RecordingProvenance =
    env.recordingProvenance ?? (replay ? (recordedMeta?.provenance ?? 'sandbox') : provenanceOf(config.target));
  const body = built.body as Record<string, unknown>;
  const redactedPayload = redactBody(body);

  await sink.label('feature', endpoint);
  await sink.parameter('endpoint', endpoint);
  await sink.parameter('model', typeof body.model_name === 'string' ? body.model_name : 'omitted');
  await sink.parameter('mode', typeof body.mode === 'string' ? body.mode : 'omitted');
  await sink.parameter('duration', typeof body.duration === 'string' ? body.duration : 'omitted');
  await sink.parameter('payload provenance', spec.payloadProvenance);
  await sink.parameter('recording provenance', recordingProvenance);
  await sink.description(
    [
      `**Purpose:** ${spec.purpose}`,
      `**Success criteria:**\n${spec.successCriteria.map((c) => `- ${c}`).join('\n')}`,
      `**Stop conditions:**\n${spec.stopConditions.map((c) => `- ${c}`).join('\n')}`,
      ...(spec.reopenCriteria ? [`**Reopen criteria:** ${spec.reopenCriteria}`] : []),
    ].join('\n\n'),
  );

  const checked = await sink.step('preflight', async () => {
    const result = preflight(built, spec.approvals);
    await sink.attach('payload (redacted)', JSON.stringify(redactedPayload, null, 2), 'application/json');
    for (const [i, image] of result.images.entries()) await sink.attach(`input image ${i + 1}`, image, 'image/png');
    if (result.warnings.length > 0) await sink.attach('contract warnings', JSON.stringify(result.warnings, null, 2), 'application/json');
    return result;
  });

  const externalTaskId = externalTaskIdFor(round, spec.id);
  const queries: Answer<Task>[] = [];
  const drift: Drift[] = [];
  let created: Answer<CreatedTask> | undefined;
  let finalTask: Task | undefined;
  let download: DownloadResult | undefined;
  let classified: Classified;
  let replayCheck: (() => void) | undefined;
  let resumed: RowEvidence['resumed'];
  const ledger = replay || config.ledgerFile === undefined ? undefined : new Ledger(config.ledgerFile);
  if (ledger && checked.ok) {
    const closed = closedRowDecision(ledger, entry, config, round.id, spec.reopenCriteria);
    if (closed?.kind === 'skip') return skipped(sink, entry, closed.reason);
  }

  if (!checked.ok) {
    classified = classify({ stage: 'preflight', preflight: checked.failedCheck, message: checked.problems.join('; ') });
  } else {
    if (replay) assertNoPayloadDrift(entry, cassetteDir, endpoint, body);
    const context = createFetchContext();
    const session = startCassette({
      row: entry.id,
      dir: cassetteDir,
      mode: replay ? 'replay' : 'record',
      provenance: recordingProvenance,
      context,
    });
    const sleep = env.sleep ?? (replay ? instant : realSleep);
    const client = new KlingClient({
      baseUrl: replay ? RECORDED_ORIGIN : config.baseUrl,
      token: replay || config.credentials === undefined ? REPLAY_TOKEN : signingTokenSource(config.credentials),
      http: context,
      sleep,
      ...(env.requestTimeoutMs === undefined ? {} : { timeoutMs: env.requestTimeoutMs }),
      onRetry: (stage, error, attempt, ms) =>
        log(
          `[${entry.id}] ${stage} attempt ${attempt} failed (${error instanceof Error ? error.message : String(error)}); retrying in ${ms} ms`,
        ),
    });
    const create = guardCreate({
      row: entry.id,
      round: round.id,
      config,
      ledger,
      client,
      externalTaskId,
      replayCassette: replay,
      ...(env.env ? { env: env.env } : {}),
    });
    let stage: 'create' | 'poll' | 'download' = 'create';
    try {
      const pending = ledger?.rowState(entry.id);
      const decision =
        pending?.status === 'pending'
          ? await resolvePending(ledger as Ledger, entry, built.family, pending, client)
          : { kind: 'create' as const };
      if (decision.kind === 'skip') return await skipped(sink, entry, decision.reason);
      let taskId: string;
      if (decision.kind === 'resume') {
        taskId = decision.taskId;
        resumed = { taskId, externalTaskId: decision.externalTaskId, round: decision.round };
        log(`[${entry.id}] resuming task ${taskId} from round ${decision.round}: no new create`);
        await sink.step(`resume task ${taskId} (from round ${decision.round})`, () => Promise.resolve());
      } else {
        created = await sink.step('create', async () => {
          const answer = await create(built.family, built.body);
          // The task exists: on the ledger before anything else can fail, and no later failure is the create's.
          ledger?.append({
            stage: 'created',
            row: entry.id,
            round: round.id,
            externalTaskId,
            taskId: answer.value.task_id,
            ...(answer.requestId ? { requestId: answer.requestId } : {}),
            at: new Date().toISOString(),
          });
          stage = 'poll';
          await sink.attach('create response', JSON.stringify(answer.body, null, 2), 'application/json');
          return answer;
        });
        drift.push(...created.drift);
        taskId = created.value.task_id;
        log(`[${entry.id}] created task ${taskId}; waiting for it (each status change is shown)`);
      }
      stage = 'poll';
      let polls = 0;
      const polled = await pollUntilTerminal(
        taskId,
        () =>
          sink.step(`poll ${++polls}`, async () => {
            const answer = await client.query(built.family, taskId);
            queries.push(answer);
            await sink.attach(
              `query response ${polls}: ${answer.value.task_status}`,
              JSON.stringify(answer.body, null, 2),
              'application/json',
            );
            return answer;
          }),
        (answer) => answer.value.task_status,
        {
          sleep,
          now: replay ? () => 0 : Date.now,
          ...(env.pollSchedule ? { schedule: env.pollSchedule } : {}),
          onStatus: (c) =>
            log(`[${entry.id}] task ${c.taskId}: ${c.from ?? 'created'} → ${c.to} after ${Math.round(c.elapsedMs / 1000)} s`),
        },
      );
      finalTask = polled.final.value;
      for (const q of queries) drift.push(...q.drift);
      const videoUrl = finalTask.task_result?.videos?.[0]?.url;
      if (finalTask.task_status === 'succeed' && videoUrl !== undefined) {
        stage = 'download';
        download = await sink.step('download', async () => {
          if (replay) return recordedDownload(entry, recordedMeta);
          // Outside the recorder: streamed to disk in constant memory, refused if it is not a video or quotes a secret.
          const saved = await downloadToFile(videoUrl, join(evidenceDir(config.reportsDir, round), entry.id, 'result.mp4'), {
            sleep,
            forbidden: knownSecrets(),
          });
          if (saved.bytes <= MAX_ATTACHED_VIDEO_BYTES) await sink.attachFile('result video', saved.path, 'video/mp4');
          else await sink.attach('result video', `${saved.bytes} bytes, sha256 ${saved.sha256}, kept at ${saved.path}`, 'text/plain');
          return saved;
        });
      }
      classified = classify({ ...observeTask(finalTask), noResult: finalTask.task_status === 'succeed' && videoUrl === undefined });
    } catch (error) {
      if (error instanceof TransportAbort) throw error;
      if (error instanceof CreateRefused) {
        if (error.kind === 'second-create') throw error;
        return await skipped(sink, entry, error.message);
      }
      classified = classify(observeError(error, stage));
      if (stage === 'create') ledger?.append(createFailureEntry(error, entry.id, round.id, externalTaskId, classified, spec));
    } finally {
      await session.stop();
    }
    if (replay) {
      replayCheck = () => {
        if (session.replayed() !== session.recorded()) {
          throw new ReplayDriftError(
            `row ${entry.id}: the cassette holds ${session.recorded()} recorded requests, this replay used ${session.replayed()}: every recorded request must be used`,
          );
        }
      };
    }
  }

  const { verdict, conclusive } = verdictFor(classified.classification, spec.payloadProvenance);
  const advice = adviceFor(spec, classified);
  const fud = finalTask?.final_unit_deduction;
  const balance = balanceDeductionOf(finalTask?.final_balance_deduction);
  // A task that exists ends in the ledger only when its end is known: failed, or succeeded with a result that
  // downloaded as a video. Anything else (no video URL, a refused or failed download) leaves the row pending, and
  // the next run resumes this same task (promises §2), never creating another.
  if (ledger && finalTask && (finalTask.task_status === 'failed' || download !== undefined)) {
    ledger.append({
      stage: 'terminal',
      row: entry.id,
      round: resumed?.round ?? round.id,
      externalTaskId: resumed?.externalTaskId ?? externalTaskId,
      outcome: finalTask.task_status === 'failed' ? 'failed' : 'succeed',
      taskId: finalTask.task_id,
      classification: classified.classification,
      verdict,
      reason: classified.reason,
      ...(fud === undefined ? {} : { finalUnitDeduction: String(fud) }),
      ...(balance ? { finalBalanceDeduction: balance } : {}),
      at: new Date().toISOString(),
    });
  } else if (ledger && finalTask) {
    log(
      `[${entry.id}] task ${finalTask.task_id} said succeed, but its result is not verified (${classified.reason}); the row stays pending: the next run resumes this task, no new create`,
    );
  }
  const evidence: RowEvidence = {
    row: entry.id,
    title: entry.title,
    round: round.id,
    mode: config.mode,
    endpoint,
    recordingProvenance,
    payloadProvenance: spec.payloadProvenance,
    payload: redactedPayload,
    ...(created ? { externalTaskId, taskId: created.value.task_id } : {}),
    ...(resumed ? { externalTaskId: resumed.externalTaskId, taskId: resumed.taskId, resumed } : {}),
    warnings: checked.warnings,
    ...(created ? { create: { httpStatus: created.httpStatus, requestId: created.requestId, body: created.body } } : {}),
    queries: queries.map((q) => q.body),
    ...(finalTask?.task_result?.videos?.[0]?.url ? { finalAssetUrl: finalTask.task_result.videos[0].url } : {}),
    ...(download
      ? { download: { ...(replay ? {} : { path: download.path }), bytes: download.bytes, sha256: download.sha256, fromRecording: replay } }
      : {}),
    ...(fud === undefined ? {} : { finalUnitDeduction: String(fud) }),
    ...(balance ? { finalBalanceDeduction: balance } : {}),
    drift,
    classification: classified.classification,
    verdict,
    conclusive,
    reason: classified.reason,
    ...(advice ? { advice } : {}),
  };
  const evidenceFile = writeEvidence(evidenceDir(config.reportsDir, round), evidence);

  await sink.step(`classify: ${classified.classification}`, () => sink.attach('reason', classified.reason, 'text/plain'));
  await sink.step(`verdict: ${verdict}${conclusive ? '' : ' (inconclusive)'}`, () =>
    sink.attach('evidence', JSON.stringify(evidence, null, 2), 'application/json'),
  );
  if (drift.length > 0) await sink.attach('response drift', JSON.stringify(drift, null, 2), 'application/json');
  await sink.label('verdict', verdict);
  await sink.label('tag', `verdict:${verdict}`);
  await sink.label('tag', `recording:${recordingProvenance}`);
  await sink.displayName(`${entry.id} · ${entry.title} — ${verdict}${conclusive ? '' : ', inconclusive'} (${recordingProvenance})`);

  if (replay) {
    replayCheck?.();
    if (recordedMeta && (recordedMeta.classification !== classified.classification || recordedMeta.verdict !== verdict)) {
      throw new ReplayDriftError(
        `row ${entry.id}: replay concludes ${classified.classification} → ${verdict}, but the recording concluded ${recordedMeta.classification} → ${recordedMeta.verdict}`,
      );
    }
  } else if (checked.ok) {
    writeMeta(cassetteDir, {
      row: entry.id,
      provenance: recordingProvenance,
      ...(recordingProvenance === 'custom-host' ? { host: config.target.host } : {}),
      endpoint,
      payloadProvenance: spec.payloadProvenance,
      classification: classified.classification,
      verdict,
      reason: classified.reason,
      ...(fud === undefined ? {} : { finalUnitDeduction: String(fud) }),
      ...(download
        ? {
            download: {
              bytes: download.bytes,
              sha256: download.sha256,
              ...(download.contentType ? { contentType: download.contentType } : {}),
            },
          }
        : {}),
    });
    if (classified.classification === 'environment-auth-transient') {
      journal.append({ type: 'stop', row: entry.id, reason: classified.reason, at: new Date().toISOString() });
    }
  }
  return { status: 'done', evidence, evidenceFile };
}
