import { join } from 'node:path';
import { classify } from '../../kling/classifier.ts';
import { familyPath } from '../../kling/families.ts';
import { writeMeta, type CassetteMeta } from '../cassettes/cassette-meta.ts';
import { redactBody } from '../cassettes/redact.ts';
import { evidenceDir, writeEvidence, type RecordingProvenance, type RowEvidence } from '../evidence/evidence.ts';
import { externalTaskIdFor } from '../evidence/round.ts';
import { closedRowDecision } from '../ledger/ledger-gate.ts';
import { forTerminal, say } from '../sinks/terminal.ts';
import { conclude, endOnLedger, type Conclusion } from './conclusion.ts';
import { exchange, type Exchanged } from './exchange.ts';
import { preflight } from './preflight.ts';
import type { RegistryRow } from './registry.ts';
import { rowInputsFor } from './row-inputs-for.ts';
import { buildRowPayload } from './row-payload.ts';
import { FIRST_FRAME_FILE, firstFrameStep } from './first-frame-step.ts';
import type { FirstFrameEvidence, Measured } from '../frames/first-frame.ts';
import { writeImageFile } from '../sinks/scrubbed-files.ts';
import { assertNoPayloadDrift, assertReplayedAsRecorded, staleRecording } from './replay-proofs.ts';
import type { RowEnvironment, RowOutcome } from './row-environment.ts';
import type { RowInputValues } from './row.ts';
import { describeRequest, json, notRun, openRow, showConclusion } from './row-report.ts';
import { RUN_MODES, type RunMode } from './run-modes.ts';

/**
 * The one runner every row goes through, as a sequence of named steps: gate → describe → preflight → ledger gate
 * → exchange (create once, or resume; poll; download) → conclude → evidence → report → what the mode keeps
 * (replay: its proofs; live and rehearse: the recording's meta, and a stop for the round). A row only declares.
 */

/** Why a row does not run at all: not approved, replay-only, or the round already stopped. */
function gateReason(row: RegistryRow, mode: RunMode, env: RowEnvironment): string | undefined {
  const { config, journal } = env;
  if (mode.name === 'replay') return undefined;
  if (!row.liveAllowed && !(env.transcribing === true && mode.transcribes))
    return `row ${row.id} is replay-only: a transcription of a past run, never created again`;
  if (!config.approved.includes(row.id))
    return `row ${row.id} is not approved for this run (APPROVE_ROWS=${config.approved.join(',') || 'none'})`;
  const stop = journal.stopped();
  return stop ? `the round stopped at row ${stop.row}: ${stop.reason}` : undefined;
}

function evidenceOf(
  row: RegistryRow,
  env: RowEnvironment,
  facts: { endpoint: string; provenance: RecordingProvenance; payload: unknown; warnings: RowEvidence['warnings']; externalTaskId: string },
  exchanged: Extract<Exchanged, { kind: 'done' }> | undefined,
  conclusion: Conclusion,
): RowEvidence {
  const { created, resumed, finalTask, download } = exchanged ?? {};
  const replay = env.config.mode === 'replay';
  const url = finalTask?.task_result?.videos?.[0]?.url;
  return {
    row: row.id,
    title: row.title,
    round: env.round.id,
    mode: env.config.mode,
    endpoint: facts.endpoint,
    recordingProvenance: facts.provenance,
    payloadProvenance: row.payloadProvenance,
    payload: facts.payload,
    ...(created ? { externalTaskId: facts.externalTaskId, taskId: created.value.task_id } : {}),
    ...(resumed ? { externalTaskId: resumed.externalTaskId, taskId: resumed.taskId, resumed } : {}),
    warnings: facts.warnings,
    ...(created ? { create: { httpStatus: created.httpStatus, requestId: created.requestId, body: created.body } } : {}),
    queries: (exchanged?.queries ?? []).map((q) => q.body),
    ...(url ? { finalAssetUrl: url } : {}),
    ...(download
      ? { download: { ...(replay ? {} : { path: download.path }), bytes: download.bytes, sha256: download.sha256, fromRecording: replay } }
      : {}),
    ...(conclusion.finalUnitDeduction === undefined ? {} : { finalUnitDeduction: conclusion.finalUnitDeduction }),
    ...(conclusion.finalBalanceDeduction ? { finalBalanceDeduction: conclusion.finalBalanceDeduction } : {}),
    drift: exchanged?.drift ?? [],
    classification: conclusion.classified.classification,
    verdict: conclusion.verdict,
    conclusive: conclusion.conclusive,
    reason: conclusion.classified.reason,
    ...(conclusion.advice ? { advice: conclusion.advice } : {}),
  };
}

/** What the meta keeps of a first-frame measurement: the score and the frame's digest, or why there is none. */
function recordedFirstFrame(evidence: FirstFrameEvidence): NonNullable<CassetteMeta['firstFrame']> {
  return 'notMeasured' in evidence ? { notMeasured: evidence.notMeasured } : { ssim: evidence.ssim, frameSha256: evidence.frames.first };
}

/** What a recording run keeps of the row: its meta (what the recording concluded), and a stop for the round. */
function keepRecording(
  row: RegistryRow,
  env: RowEnvironment,
  recorded: { dir: string; inputs: RowInputValues; firstFrame: Measured | undefined },
  evidence: RowEvidence,
  download: Exchanged | undefined,
): void {
  const { dir, inputs, firstFrame } = recorded;
  if (firstFrame?.firstFrame) writeImageFile(join(dir, FIRST_FRAME_FILE), firstFrame.firstFrame);
  const saved = download?.kind === 'done' ? download.download : undefined;
  const meta: CassetteMeta = {
    row: row.id,
    provenance: evidence.recordingProvenance,
    ...(evidence.recordingProvenance === 'custom-host' ? { host: env.config.target.host } : {}),
    endpoint: evidence.endpoint,
    payloadProvenance: row.payloadProvenance,
    classification: evidence.classification,
    verdict: evidence.verdict,
    reason: evidence.reason,
    ...(evidence.finalUnitDeduction === undefined ? {} : { finalUnitDeduction: evidence.finalUnitDeduction }),
    ...(saved
      ? { download: { bytes: saved.bytes, sha256: saved.sha256, ...(saved.contentType ? { contentType: saved.contentType } : {}) } }
      : {}),
    ...(Object.keys(inputs).length > 0 ? { inputs: { ...inputs } } : {}),
    ...(firstFrame ? { firstFrame: recordedFirstFrame(firstFrame.evidence) } : {}),
    ...(evidence.recordingProvenance === 'live' ? { recordedAt: new Date().toISOString() } : {}),
  };
  writeMeta(dir, meta);
  if (evidence.classification === 'environment-auth-transient') {
    env.journal.append({ type: 'stop', row: row.id, reason: evidence.reason, at: new Date().toISOString() });
  }
}

export async function runRow(row: RegistryRow, env: RowEnvironment): Promise<RowOutcome> {
  const mode = RUN_MODES[env.config.mode];
  const { config, round, sink } = env;
  const emit = env.log ?? say;
  const log = (line: string) => emit(forTerminal(line));
  const skipped = async (reason: string): Promise<RowOutcome> => {
    log(`[${row.id}] not run: ${reason}`);
    await notRun(sink, row, reason);
    return { status: 'skipped', reason };
  };

  await openRow(sink, row);
  const gate = gateReason(row, mode, env);
  if (gate !== undefined) return skipped(gate);

  const cassetteDir = join(config.recordingsDir, row.name);
  const meta = mode.recordedMeta(cassetteDir);
  const stale = mode.cassette === 'replay' ? staleRecording(row, meta) : undefined;
  if (stale !== undefined) log(`[${row.id}] warning: ${stale}`);
  const inputs = rowInputsFor(row, env, meta, mode.ledger(config));
  for (const [name, source] of Object.entries(inputs.sources)) log(`[${row.id}] ${name}: from ${source}`);
  const built = buildRowPayload(row, inputs.values);
  const endpoint = `POST ${familyPath(built.family)}`;
  const provenance = env.recordingProvenance ?? mode.provenance(config, meta, row);
  const payload = redactBody(built.body);
  await describeRequest(sink, row, built, endpoint, provenance);

  const checked = await sink.step('preflight', async () => {
    const result = preflight(built, row.approvals);
    await sink.attach('payload (redacted)', json(payload), 'application/json');
    for (const [i, image] of result.images.entries()) await sink.attach(`input image ${i + 1}`, image, 'image/png');
    if (result.warnings.length > 0) await sink.attach('contract warnings', json(result.warnings), 'application/json');
    return result;
  });

  const externalTaskId = externalTaskIdFor(round, row.id);
  const ledger = mode.ledger(config);
  if (ledger && checked.ok) {
    const closed = closedRowDecision(ledger, row, config, round.id, row.reopenCriteria);
    if (closed?.kind === 'skip') return skipped(closed.reason);
  }

  let exchanged: Exchanged | undefined;
  if (checked.ok) {
    const har = mode.recordedCassette(row, cassetteDir);
    if (har) assertNoPayloadDrift(row, har, endpoint, built.body);
    exchanged = await exchange({ row, built, mode, env, ledger, externalTaskId, cassetteDir, provenance, har, meta, log });
    if (exchanged.kind === 'skipped') return skipped(exchanged.reason);
  }
  const done = exchanged?.kind === 'done' ? exchanged : undefined;
  const replay = mode.cassette === 'replay';
  const firstFrame = await firstFrameStep({ row, built, download: done?.download, replay, meta, cassetteDir, sink, log });
  const classified =
    done?.classified ?? classify({ stage: 'preflight', preflight: checked.failedCheck, message: checked.problems.join('; ') });
  const conclusion = conclude(row, classified, done?.finalTask);
  const key = { row: row.id, round: done?.resumed?.round ?? round.id, externalTaskId: done?.resumed?.externalTaskId ?? externalTaskId };
  const pendingLine = endOnLedger(ledger, key, done?.finalTask, done?.download, conclusion);
  if (pendingLine) log(pendingLine);

  const warnings = stale === undefined ? checked.warnings : [...checked.warnings, { path: 'recording', message: stale }];
  const facts = { endpoint, provenance, payload, warnings, externalTaskId };
  const evidence = { ...evidenceOf(row, env, facts, done, conclusion), ...(firstFrame ? { firstFrame: firstFrame.evidence } : {}) };
  const evidenceFile = writeEvidence(evidenceDir(config.reportsDir, round), evidence);
  await showConclusion(sink, row, evidence);
  log(`[${row.id}] ${evidence.verdict}${evidence.conclusive ? '' : ' (inconclusive)'} — ${evidence.classification}: ${evidence.reason}`);

  if (replay) assertReplayedAsRecorded(row, done?.session, meta, evidence);
  else if (checked.ok) keepRecording(row, env, { dir: cassetteDir, inputs: inputs.values, firstFrame }, evidence, exchanged);
  return { status: 'done', evidence, evidenceFile };
}
