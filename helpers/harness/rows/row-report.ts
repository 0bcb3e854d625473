import type { BuiltRequest } from '../../kling/builders.ts';
import type { RecordingProvenance, RowEvidence } from '../evidence/evidence.ts';
import type { EvidenceSink } from '../evidence/evidence-sink.ts';
import type { RegistryRow } from './registry.ts';

/**
 * How a row looks in the report: its labels, parameters, description and title. Every decoration is here, so
 * the runner says what happened and this module says how it is shown. The sink scrubs whatever it is handed.
 */

export const json = (value: unknown) => JSON.stringify(value, null, 2);

/** A row's title as the report shows it: the viewer drops the spaces around an em dash ("text2video—scaffold"). */
const shown = (row: RegistryRow) => `${row.id} · ${row.title.replaceAll(' — ', ': ')}`;

/** Labels every row carries, run or not. */
export async function openRow(sink: EvidenceSink, row: RegistryRow): Promise<void> {
  await sink.label('epic', 'Kling verification round');
  await sink.label('story', shown(row));
  await sink.parameter('row', row.id);
}

/** The label a row's result carries its classification in: the report's categories match it (allure-options.ts). */
export const CLASS_LABEL = 'class';

/**
 * A row that did not run still shows in the report, under "not run", with its reason in the title, the body and
 * an attachment (a result with none shows the viewer's untranslated "no-attachments-results").
 */
export async function notRun(sink: EvidenceSink, row: RegistryRow, reason: string): Promise<void> {
  await sink.label('verdict', 'not run');
  await sink.description(`**Not run:** ${reason}\n\n**Purpose:** ${row.purpose}`);
  await sink.step(`not run: ${reason}`, () => sink.attach('why not run', reason, 'text/plain'));
  await sink.displayName(`${shown(row)} · not run: ${reason}`);
}

const field = (body: Record<string, unknown>, name: string) => (typeof body[name] === 'string' ? body[name] : 'omitted');

/** What the row sends and what it is for, before it sends anything. */
export async function describeRequest(
  sink: EvidenceSink,
  row: RegistryRow,
  built: BuiltRequest,
  endpoint: string,
  provenance: RecordingProvenance,
): Promise<void> {
  const body = built.body as Record<string, unknown>;
  await sink.label('feature', endpoint);
  await sink.parameter('endpoint', endpoint);
  for (const name of ['model', 'mode', 'duration'] as const)
    await sink.parameter(name, field(body, name === 'model' ? 'model_name' : name));
  await sink.parameter('payload provenance', row.payloadProvenance);
  await sink.parameter('recording provenance', provenance);
  await sink.description(
    [
      `**Purpose:** ${row.purpose}`,
      `**Success criteria:**\n${row.successCriteria.map((c) => `- ${c}`).join('\n')}`,
      `**Stop conditions:**\n${row.stopConditions.map((c) => `- ${c}`).join('\n')}`,
      ...(row.reopenCriteria ? [`**Reopen criteria:** ${row.reopenCriteria}`] : []),
    ].join('\n\n'),
  );
}

/** The row's answer: its class and verdict as steps, the evidence, any drift, and a title that says the verdict. */
export async function showConclusion(sink: EvidenceSink, row: RegistryRow, evidence: RowEvidence): Promise<void> {
  const { classification, verdict, conclusive, reason, drift, recordingProvenance } = evidence;
  await sink.step(`classify: ${classification}`, () => sink.attach('reason', reason, 'text/plain'));
  await sink.step(`verdict: ${verdict}${conclusive ? '' : ' (inconclusive)'}`, () =>
    sink.attach('evidence', json(evidence), 'application/json'),
  );
  if (drift.length > 0) await sink.attach('response drift', json(drift), 'application/json');
  await sink.label('verdict', verdict);
  await sink.label(CLASS_LABEL, classification);
  await sink.label('tag', `verdict:${verdict}`);
  await sink.label('tag', `class:${classification}`);
  await sink.label('tag', `recording:${recordingProvenance}`);
  await sink.displayName(`${shown(row)} · ${verdict}${conclusive ? '' : ', inconclusive'} (${recordingProvenance})`);
}
