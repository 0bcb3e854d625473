/**
 * `pnpm recordings:transcribe`: (re)write row R's transcribed cassette from the plan's preserved facts. The row
 * comes from the registry, which reads its spec for data only.
 */
import { say } from '../sinks/terminal.ts';
import { loadRegistry } from '../rows/registry.ts';
import { TRANSCRIBED_ROW, transcribeRiskControl } from './transcribe-risk-control.ts';

const row = (await loadRegistry()).get(TRANSCRIBED_ROW);
await transcribeRiskControl(row, 'recordings');
say(`wrote recordings/${row.name} (provenance: transcribed)`);
