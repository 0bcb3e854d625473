import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The ledger's schema is built when its module loads. A mutant that breaks it there (a union keyed on the wrong
 * field) makes every suite that imports the ledger at its top fail to load, which the vitest runner reports as no
 * test run, so Stryker would count it a survivor. This file imports the ledger inside its test only, and nothing
 * that imports it at the top: a schema built wrong fails the test here.
 */

const AT = '2026-11-24T10:00:00.000Z';
const key = { row: 'B', round: 'round-1', externalTaskId: 'round-1-B' };

describe('Ledger | its schema, as the module builds it', () => {
  it('the module loads, and a line is read by its `stage`: each known stage parses, another is refused by name', async () => {
    // Imported here, not above: a load-time failure is then this test's failure, not a file that never ran.
    const { Ledger, LedgerCorruptError } = await import('../../helpers/harness/ledger/ledger.ts');
    const dir = mkdtempSync(join(tmpdir(), 'kling-ledger-load-'));
    const lines = [
      { ...key, stage: 'intent', payloadDigest: 'd', at: AT },
      { ...key, stage: 'created', taskId: '860000000000000042', at: AT },
      { ...key, stage: 'terminal', outcome: 'succeed', taskId: '860000000000000042', at: AT },
      { stage: 'account-override', round: 'round-1', refused: 'no units', reason: 'operator', at: AT },
    ];
    const good = new Ledger(join(dir, 'good.jsonl'));
    writeFileSync(good.file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    expect(good.entries()).toEqual(lines);
    expect(good.rowState('B')).toEqual({ status: 'closed', closedAt: AT, taskId: '860000000000000042', round: 'round-1' });

    const bad = new Ledger(join(dir, 'bad.jsonl'));
    writeFileSync(bad.file, `${JSON.stringify({ ...key, stage: 'paused', at: AT })}\n`);
    expect(() => bad.entries()).toThrow(LedgerCorruptError);
    expect(() => bad.entries()).toThrow(
      `${bad.file} line 1 is not a ledger entry (field 'stage' Invalid discriminator value. Expected 'intent' | 'created' | 'unknown' | 'terminal' | 'reopened' | 'account-override'); fix or remove that line by hand (the file is never rewritten by the harness)`,
    );
  });
});
