/**
 * `pnpm recordings:transcribe`: (re)write row R's transcribed cassette from the plan's preserved facts.
 * The row spec is imported for its data only; importing it outside vitest registers nothing.
 */
import { say } from '../sinks/terminal.ts';
import { transcribeRiskControl } from './transcribe-risk-control.ts';
import { RISK_CONTROL_SPEC } from '../../../specs/rows/R-omni-risk-control-preserved.spec.ts';

await transcribeRiskControl(RISK_CONTROL_SPEC, 'recordings');
say('wrote recordings/R-omni-risk-control-preserved (provenance: transcribed)');
