import { z } from 'zod';
import { FAILURE_CLASSES } from '../../kling/classifier.ts';
import type { Drift } from '../../kling/response-schemas.ts';
import type { PayloadProvenance, Verdict } from '../../kling/verdict.ts';
import type { RecordingProvenance } from './evidence.ts';

/** The closed vocabularies a row's outcome is written in, as read back from meta.json and the evidence files. */

/**
 * A zod enum of exactly the members of T, for the types declared as unions elsewhere: a member added to the type
 * and not listed here fails to compile, instead of refusing the first file that holds it.
 */
function enumOf<T extends string>() {
  return <const V extends readonly [T, ...T[]]>(values: V & ([Exclude<T, V[number]>] extends [never] ? unknown : never)) => z.enum(values);
}

export const classificationSchema = z.enum(['success', ...FAILURE_CLASSES]);
export const verdictSchema = enumOf<Verdict>()(['tightened', 'unchanged', 'reopened']);
export const payloadProvenanceSchema = enumOf<PayloadProvenance>()(['doc-derived', 'live-confirmed', 'policy-test']);
export const recordingProvenanceSchema = enumOf<RecordingProvenance>()(['live', 'custom-host', 'sandbox', 'transcribed']);
export const driftKindSchema = enumOf<Drift['kind']>()(['unknown-field', 'missing-field']);
