import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readMeta, writeMeta } from '../cassettes/cassette-meta.ts';
import { memorySink } from '../evidence/evidence-sink.ts';
import { newRoundId, roundAt, RoundJournal } from '../evidence/round.ts';
import type { RegistryRow } from '../rows/registry.ts';
import { runRow } from '../rows/runner.ts';

/**
 * Row R's cassette is a transcription of the plan's preserved run, not a recording: a loopback server answers
 * exactly what the plan records (task 867314916859576411 accepted, then failed with "Failure to pass the risk
 * control system", final_unit_deduction "0"), and the row is recorded against it with provenance `transcribed`.
 * Recording it through the real runner keeps its request identities right for replay.
 */

export const PRESERVED_TASK_ID = '867314916859576411';
export const PRESERVED_SOURCE =
  'the plan, "Preserved future-verification scenario": task 867314916859576411 was accepted, then failed with "Failure to pass the risk control system", final_unit_deduction "0"';

/** The row whose cassette this transcribes: the plan's preserved risk-control case. */
export const TRANSCRIBED_ROW = 'R';

export async function transcribeRiskControl(spec: RegistryRow, recordingsDir: string): Promise<void> {
  let queries = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const at = 1_774_800_000_000;
      const data =
        req.method === 'POST'
          ? { task_id: PRESERVED_TASK_ID, task_status: 'submitted', task_info: {}, created_at: at, updated_at: at }
          : {
              task_id: PRESERVED_TASK_ID,
              task_status: ++queries === 1 ? 'processing' : 'failed',
              task_status_msg: queries === 1 ? '' : 'Failure to pass the risk control system',
              task_info: {},
              created_at: at,
              updated_at: at + queries * 60_000,
              ...(queries === 1 ? {} : { final_unit_deduction: '0' }),
            };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 0, message: 'SUCCEED', request_id: 'transcribed', data }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const round = roundAt('reports', newRoundId('rehearse'));
    const outcome = await runRow(spec, {
      config: {
        mode: 'rehearse',
        approved: [spec.id],
        maxCreates: 1,
        baseUrl: url,
        credentials: { accessKey: 'transcription', secretKey: 'transcription-has-no-secret' },
        target: { kind: 'sandbox', host: new URL(url).host },
        recordingsDir,
        reportsDir: 'reports',
        // A transcription spends nothing and closes nothing: it keeps no ledger.
        ledgerFile: undefined,
        reopen: { rows: [], reason: '' },
      },
      round,
      journal: new RoundJournal(round),
      sink: memorySink(),
      sleep: () => Promise.resolve(),
      recordingProvenance: 'transcribed',
      transcribing: true,
    });
    if (outcome.status !== 'done') throw new Error(`transcription did not record: ${outcome.reason}`);
    if (outcome.evidence.classification !== 'moderation-content-risk') {
      throw new Error(`transcription classified as ${outcome.evidence.classification}: ${outcome.evidence.reason}`);
    }
    const dir = join(recordingsDir, spec.name);
    const meta = readMeta(dir);
    if (meta) writeMeta(dir, { ...meta, source: PRESERVED_SOURCE });
  } finally {
    server.close();
  }
}
