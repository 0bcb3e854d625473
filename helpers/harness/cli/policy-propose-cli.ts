import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMITTED_LEDGER } from '../config/run-target.ts';
import { conclusionsFromLedger } from '../evidence/end-state.ts';
import { applyToSource, lineDiff, proposePolicy } from '../evidence/policy-proposal.ts';
import { Ledger } from '../ledger/ledger.ts';
import { loadRegistry } from '../rows/registry.ts';
import { complain, say, sayLines } from '../sinks/terminal.ts';

/**
 * `pnpm policy:propose`: the change to helpers/kling/model-policy.ts that the ledger's verdicts justify, as a
 * diff against today's table, or why there is none. It edits nothing: a person applies it and commits it with
 * the evidence. LEDGER_FILE picks another ledger (a rehearsal's, which is practice, not evidence).
 */
const POLICY_FILE = fileURLToPath(new URL('../../kling/model-policy.ts', import.meta.url));
try {
  const file = process.env.LEDGER_FILE || COMMITTED_LEDGER;
  const ledger = new Ledger(file);
  const registry = await loadRegistry();
  const decisive = registry.rows.filter((r) => r.decidesEndState === true);
  const changes = proposePolicy(
    decisive,
    conclusionsFromLedger(
      ledger,
      decisive.map((r) => r.id),
    ),
  );
  say(`From ${file}${file === COMMITTED_LEDGER ? '' : ' (not the committed live ledger: practice, not evidence)'}:`);
  sayLines(changes.map((c) => `- ${c.sentence}`));
  const source = readFileSync(POLICY_FILE, 'utf8');
  const after = applyToSource(source, changes);
  if (after === undefined) {
    complain(`✗ ${relative(process.cwd(), POLICY_FILE)} no longer has the entries this expects; make the change above by hand`);
    process.exit(1);
  }
  if (after === source) say('No change to model-policy.ts is justified yet.');
  else
    sayLines([
      '',
      ...lineDiff(relative(process.cwd(), POLICY_FILE), source, after),
      '',
      'Nothing was changed: apply it by hand and commit it with the ledger.',
    ]);
} catch (error) {
  complain(`✗ ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
