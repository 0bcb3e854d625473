import { join } from 'node:path';
import { classify, type Classified } from '../../kling/classifier.ts';
import type { BuiltRequest } from '../../kling/builders.ts';
import { KlingClient, type Answer } from '../../kling/client.ts';
import { downloadToFile, type DownloadResult } from '../../kling/downloader.ts';
import { TransportAbort, type Stage } from '../../kling/errors.ts';
import { createFetchContext } from '../../kling/http-context.ts';
import { observeError, observeTask } from '../../kling/observe.ts';
import { pollUntilTerminal } from '../../kling/poller.ts';
import type { CreatedTask, Drift, Task } from '../../kling/response-schemas.ts';
import type { Har } from '../cassettes/cassette-format.ts';
import type { CassetteMeta } from '../cassettes/cassette-meta.ts';
import { startCassette } from '../cassettes/polly.ts';
import { evidenceDir, type RecordingProvenance, type RowEvidence } from '../evidence/evidence.ts';
import { CreateRefused, guardCreate } from '../ledger/create-guard.ts';
import { CreateLife } from '../ledger/create-life.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { resolvePending } from '../ledger/ledger-gate.ts';
import { knownSecrets } from '../sinks/scrubber.ts';
import type { RegistryRow } from './registry.ts';
import { recordedDownload } from './replay-proofs.ts';
import { json } from './row-report.ts';
import type { RowEnvironment } from './row-environment.ts';
import type { RunMode } from './run-modes.ts';

/**
 * The row's requests, inside its cassette: the create (once, through the guard) or the resumption of an earlier
 * run's task, the polls to a terminal state, and the result's download. Every failure is classified here, at the
 * stage it happened; only a broken transport (a replay without its recording) is thrown.
 */

export interface ExchangeInput {
  row: RegistryRow;
  built: BuiltRequest;
  mode: RunMode;
  env: RowEnvironment;
  ledger: Ledger | undefined;
  externalTaskId: string;
  cassetteDir: string;
  provenance: RecordingProvenance;
  har: Har | undefined;
  meta: CassetteMeta | undefined;
  /** Progress lines while the row waits, already made terminal-safe. */
  log: (line: string) => void;
}

export type Exchanged =
  | { kind: 'skipped'; reason: string }
  | {
      kind: 'done';
      created?: Answer<CreatedTask>;
      resumed?: RowEvidence['resumed'];
      queries: Answer<Task>[];
      finalTask?: Task;
      download?: DownloadResult;
      classified: Classified;
      drift: Drift[];
      /** Requests the cassette holds and this run replayed (replay's proof that every one was used). */
      session: { replayed: number; recorded: number };
    };

/** A result video larger than this is not attached to the report (a single-file report embeds it); the file stays. */
const MAX_ATTACHED_VIDEO_BYTES = 64 * 1024 * 1024;

export async function exchange(input: ExchangeInput): Promise<Exchanged> {
  const { row, built, mode, env, ledger, externalTaskId } = input;
  const { config, round, sink } = env;
  const { log } = input;
  const context = createFetchContext();
  // The cassette parsed once (run-modes.ts): the payload check above and the replay read the same object.
  const session = startCassette({
    row: row.id,
    dir: input.cassetteDir,
    mode: mode.cassette,
    provenance: input.provenance,
    context,
    har: input.har,
  });
  const sleep = env.sleep ?? mode.sleep;
  const replaying = mode.cassette === 'replay';
  const client = new KlingClient({
    baseUrl: mode.baseUrl(config),
    token: mode.token(config),
    http: context,
    sleep,
    ...(env.requestTimeoutMs === undefined ? {} : { timeoutMs: env.requestTimeoutMs }),
    onRetry: (stage, error, attempt, ms) =>
      log(
        `[${row.id}] ${stage} attempt ${attempt} failed (${error instanceof Error ? error.message : String(error)}); retrying in ${ms} ms`,
      ),
  });
  const create = guardCreate({
    row: row.id,
    round: round.id,
    config,
    ledger,
    client,
    externalTaskId,
    replayCassette: mode.cassette === 'replay',
    ...(env.env ? { env: env.env } : {}),
    ...(env.afterIntent ? { afterIntent: env.afterIntent } : {}),
  });
  const queries: Answer<Task>[] = [];
  const drift: Drift[] = [];
  let created: Answer<CreatedTask> | undefined;
  let resumed: RowEvidence['resumed'];
  let finalTask: Task | undefined;
  let download: DownloadResult | undefined;
  let classified: Classified;
  let stage: Extract<Stage, 'create' | 'poll' | 'download'> = 'create';
  try {
    const pending = ledger?.rowState(row.id);
    const decision =
      ledger && pending?.status === 'pending'
        ? await resolvePending(ledger, row, built.family, pending, client)
        : { kind: 'create' as const };
    if (decision.kind === 'skip') return { kind: 'skipped', reason: decision.reason };
    let taskId: string;
    if (decision.kind === 'resume') {
      // Nothing is created here: no failure from now on may be written down as this round's create.
      stage = 'poll';
      taskId = decision.taskId;
      resumed = { taskId, externalTaskId: decision.externalTaskId, round: decision.round };
      log(`[${row.id}] resuming task ${taskId} from round ${decision.round}: no new create`);
      await sink.step(`resume task ${taskId} (from round ${decision.round})`, () => Promise.resolve());
    } else {
      const answer = await sink.step('create', async () => {
        const answered = await create(built.family, built.body);
        // The task exists: on the ledger before anything else can fail, and no later failure is the create's.
        if (ledger)
          new CreateLife(ledger, { row: row.id, round: round.id, externalTaskId }).created(answered.value.task_id, answered.requestId);
        stage = 'poll';
        await sink.attach('create response', json(answered.body), 'application/json');
        return answered;
      });
      created = answer;
      drift.push(...answer.drift);
      taskId = answer.value.task_id;
      log(
        replaying
          ? `[${row.id}] replaying ${join(input.cassetteDir, 'cassette.har')}: nothing is created`
          : `[${row.id}] created task ${taskId}; waiting for it (each status change is shown)`,
      );
    }
    stage = 'poll';
    let polls = 0;
    const polled = await pollUntilTerminal(
      taskId,
      () =>
        sink.step(`poll ${++polls}`, async () => {
          const answer = await client.query(built.family, taskId);
          queries.push(answer);
          await sink.attach(`query response ${polls}: ${answer.value.task_status}`, json(answer.body), 'application/json');
          return answer;
        }),
      (answer) => answer.value.task_status,
      {
        sleep,
        now: env.now ?? mode.now,
        ...(env.pollSchedule ? { schedule: env.pollSchedule } : {}),
        onStatus: (c) =>
          log(
            replaying
              ? `[${row.id}] recorded status: ${c.from ?? 'created'} → ${c.to}`
              : `[${row.id}] task ${c.taskId}: ${c.from ?? 'created'} → ${c.to} after ${Math.round(c.elapsedMs / 1000)} s`,
          ),
      },
    );
    finalTask = polled.final.value;
    for (const q of queries) drift.push(...q.drift);
    const videoUrl = finalTask.task_result?.videos?.[0]?.url;
    if (finalTask.task_status === 'succeed' && videoUrl !== undefined) {
      stage = 'download';
      download = await sink.step('download', async () => {
        if (replaying) {
          // Nothing is downloaded in replay: what the report can show is what the recording says the video was.
          const recorded = recordedDownload(row, input.meta);
          await sink.attach(
            'recorded result video',
            `${recorded.bytes} bytes, sha256 ${recorded.sha256} (not downloaded in replay)`,
            'text/plain',
          );
          log(`[${row.id}] recorded result video: ${recorded.bytes} bytes, sha256 ${recorded.sha256}`);
          return recorded;
        }
        // Outside the recorder: streamed to disk in constant memory, refused if it is not a video or quotes a secret.
        const saved = await downloadToFile(videoUrl, join(evidenceDir(config.reportsDir, round), row.id, 'result.mp4'), {
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
      return { kind: 'skipped', reason: error.message };
    }
    classified = classify(observeError(error, stage));
    if (stage === 'create' && ledger) {
      new CreateLife(ledger, { row: row.id, round: round.id, externalTaskId }).createFailed(error, classified, row.payloadProvenance);
    }
  } finally {
    await session.stop();
  }
  return {
    kind: 'done',
    ...(created ? { created } : {}),
    ...(resumed ? { resumed } : {}),
    queries,
    ...(finalTask ? { finalTask } : {}),
    ...(download ? { download } : {}),
    classified,
    drift,
    session: { replayed: session.replayed(), recorded: session.recorded() },
  };
}
