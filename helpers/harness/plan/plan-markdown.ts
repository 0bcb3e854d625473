import { renderTable } from '../rows/matrix-table.ts';
import type { ApprovalPlan, Exposure } from './approval-plan.ts';

/**
 * The approval request as Markdown an operator pastes where spend is approved: the table of creates, the total,
 * what is deliberately left out, and the digest the live run must be given back.
 */

const HEADER = ['Row', 'Purpose', 'Endpoint', 'Model', 'Mode', 'Duration', 'Payload digest', 'Creates', 'Max exposure'];

const cell = (text: string) => text.replace(/\|/g, '\\|');
const exposureCell = (e: Exposure) => ('units' in e ? `${e.units} units (${e.source})` : 'unknown');

export function totalExposure(plan: ApprovalPlan): string {
  const { units, unknownRows } = plan.exposure;
  if (unknownRows.length === 0) return `${units} units`;
  const unknown = `unknown for ${unknownRows.join(', ')} (no price with a source in helpers/kling/pricing.ts)`;
  return units > 0 ? `at least ${units} units; ${unknown}` : unknown;
}

export function planMarkdown(plan: ApprovalPlan, approveRows: string): string {
  const lines = [`## Approval request: ${plan.creates} billable create(s)`, ''];
  if (plan.rows.length > 0) {
    const cells = plan.rows.map((r) => [
      r.row,
      cell(r.purpose),
      `\`${r.endpoint}\``,
      r.model === 'omitted' ? '(omitted)' : `\`${r.model}\``,
      r.mode,
      `${r.duration} s`,
      `\`${r.payloadDigest.slice(0, 12)}\``,
      String(r.creates),
      exposureCell(r.exposure),
    ]);
    lines.push(renderTable(cells, HEADER), '');
    const unknown = plan.rows.filter((r) => 'unknown' in r.exposure);
    for (const r of unknown) if ('unknown' in r.exposure) lines.push(`- Price of ${r.row} (${r.exposure.unknown}): not found, so unknown.`);
    for (const r of plan.rows) for (const [name, source] of Object.entries(r.inputs)) lines.push(`- ${r.row}'s ${name}: from ${source}.`);
    if (unknown.length > 0 || plan.rows.some((r) => Object.keys(r.inputs).length > 0)) lines.push('');
  }
  lines.push(`**Total:** ${plan.creates} create(s); maximum exposure ${totalExposure(plan)}.`, '');
  if (plan.leftOut.length > 0) {
    lines.push('**Left out on purpose:**', ...plan.leftOut.map((l) => `- ${l.row}: ${l.why}`), '');
  }
  if (plan.reverify.length > 0) {
    lines.push(
      '**Old enough to re-verify** (Kling keeps results 30 days; an API moves):',
      ...plan.reverify.map((r) => `- ${r.row}: closed ${r.closedAt.slice(0, 10)} by task ${r.taskId}, ${r.days} days ago`),
      '',
    );
  }
  lines.push(`**Plan digest:** \`${plan.digest}\``, '');
  if (plan.creates > 0) lines.push(`Run it, once approved: \`APPROVED_PLAN=${plan.digest} APPROVE_ROWS=${approveRows} pnpm test:live\``);
  return lines.join('\n');
}
