import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHarFile } from '../../helpers/harness/cassettes/cassette-format.ts';
import { readMeta } from '../../helpers/harness/cassettes/cassette-meta.ts';
import { readCassette, startCassette } from '../../helpers/harness/cassettes/polly.ts';
import { readEvidence, writeEvidence, type RowEvidence } from '../../helpers/harness/evidence/evidence.ts';
import { RoundJournal, roundAt } from '../../helpers/harness/evidence/round.ts';
import { Ledger } from '../../helpers/harness/ledger/ledger.ts';
import { RunLockedError, acquireRunLock, lockFileFor, readHolder } from '../../helpers/harness/ledger/run-lock.ts';
import { FormatError } from '../../helpers/harness/sinks/json-file.ts';
import { createFetchContext } from '../../helpers/kling/http-context.ts';
import { workspace } from '../support/harness-env.ts';
import { matrix, matrixRecordings } from '../support/matrix.ts';

/**
 * Every JSON file the harness reads back is checked against a schema, and a bad one is refused with one line that
 * names the file and the field. Each message is asserted whole: a looser match would pass on a stack trace too.
 */

const TRUNCATED = 'Unexpected end of JSON input';
const rowB = matrix.get('B');

/** The error `read` throws, or a failure when it throws nothing. */
function refusal(read: () => unknown): Error {
  try {
    read();
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('the file was accepted');
}

/** A scratch copy of the committed recording of row B, with its meta and cassette file paths. */
function recordingB() {
  const dir = join(workspace().root, rowB.name);
  cpSync(join(matrixRecordings, rowB.name), dir, { recursive: true });
  return { dir, meta: join(dir, 'meta.json'), cassette: join(dir, 'cassette.har') };
}

function edited(file: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(json);
  writeFileSync(file, JSON.stringify(json));
}

describe('Disk formats | meta.json', () => {
  it('a committed meta is read as it is', () => {
    const { dir, meta } = recordingB();
    expect(readMeta(dir)).toEqual(JSON.parse(readFileSync(meta, 'utf8')));
  });

  it('a meta that is not JSON is refused, naming the file', () => {
    const { dir, meta } = recordingB();
    writeFileSync(meta, '{"row": ');
    const error = refusal(() => readMeta(dir));
    expect(error).toBeInstanceOf(FormatError);
    expect(error.message).toBe(`${meta}: not JSON (${TRUNCATED})`);
  });

  it('a wrong field is refused, naming the file and the field', () => {
    const { dir, meta } = recordingB();
    edited(meta, (json) => ((json.download as Record<string, unknown>).bytes = '9920'));
    expect(refusal(() => readMeta(dir)).message).toBe(`${meta}: field 'download.bytes' expected number, received string`);
  });

  it('a misspelt verdict is refused, showing what the file says', () => {
    const { dir, meta } = recordingB();
    edited(meta, (json) => (json.verdict = 'tightend'));
    expect(refusal(() => readMeta(dir)).message).toBe(
      `${meta}: field 'verdict' expected one of "tightened"|"unchanged"|"reopened", received "tightend"`,
    );
  });

  it('a field this version does not know survives the read (meta.json is amended and re-written)', () => {
    const { dir, meta } = recordingB();
    edited(meta, (json) => (json.reviewedBy = 'ops'));
    expect(readMeta(dir)).toMatchObject({ row: 'B', reviewedBy: 'ops' });
  });
});

const evidence: RowEvidence = {
  row: 'B',
  title: 'text2video, no model',
  round: 'replay-20260101-000000',
  mode: 'replay',
  endpoint: 'POST /v1/videos/text2video',
  recordingProvenance: 'sandbox',
  payloadProvenance: 'policy-test',
  payload: { prompt: 'p' },
  warnings: [{ path: 'prompt', message: 'is short' }],
  create: { httpStatus: 200, requestId: undefined, body: { code: 0 } },
  queries: [],
  drift: [{ path: 'data.extra', kind: 'unknown-field' }],
  classification: 'success',
  verdict: 'tightened',
  conclusive: true,
  reason: 'the task reached succeed',
};

describe('Disk formats | row evidence', () => {
  const written = () => {
    const dir = join(workspace().reportsDir, 'evidence', 'r1');
    return { dir, file: writeEvidence(dir, evidence) };
  };

  it('what writeEvidence wrote reads back (a request id left undefined included)', () => {
    const { dir } = written();
    expect(readEvidence(dir)).toEqual([evidence]);
  });

  it('an evidence file that is not JSON is refused, naming the file', () => {
    const { dir, file } = written();
    writeFileSync(file, '');
    expect(refusal(() => readEvidence(dir)).message).toBe(`${file}: not JSON (${TRUNCATED})`);
  });

  it('a wrong field is refused, naming the file and the field', () => {
    const { dir, file } = written();
    edited(file, (json) => (json.conclusive = 'yes'));
    expect(refusal(() => readEvidence(dir)).message).toBe(`${file}: field 'conclusive' expected boolean, received string`);
  });

  it('a field inside a list is named with its index', () => {
    const { dir, file } = written();
    edited(file, (json) => (json.warnings = [{ path: 'prompt' }]));
    expect(refusal(() => readEvidence(dir)).message).toBe(`${file}: field 'warnings[0].message' expected string, received undefined`);
  });
});

describe('Disk formats | the round journal', () => {
  const journal = () => {
    const round = roundAt(workspace().reportsDir, 'r1');
    return { journal: new RoundJournal(round), file: join(round.dir, 'journal.jsonl') };
  };
  const stop = { type: 'stop', row: 'B', reason: 'HTTP 401', at: '2026-01-01T00:00:00.000Z' } as const;

  it('the stop it wrote reads back', () => {
    const { journal: j } = journal();
    j.append(stop);
    expect(j.stopped()).toEqual(stop);
  });

  it('a first line that is not JSON is refused, naming the file and the line', () => {
    const { journal: j, file } = journal();
    j.append(stop);
    writeFileSync(file, `\n{"type":"stop","row":\n`);
    expect(refusal(() => j.stopped()).message).toBe(`${file} line 2: not JSON (${TRUNCATED})`);
  });

  it('a wrong field is refused, naming the file, the line and the field', () => {
    const { journal: j, file } = journal();
    j.append({ ...stop, row: 'b' });
    expect(refusal(() => j.stopped()).message).toBe(
      `${file} line 1: field 'row' must be a row id (an upper-case letter, then letters or digits)`,
    );
  });
});

describe('Disk formats | the run lock', () => {
  const lock = () => {
    const ledgerFile = join(workspace().root, 'ledger.jsonl');
    return { ledgerFile, file: lockFileFor(ledgerFile) };
  };
  const ADVICE = 'if no run is going on, delete it by hand';

  it('a lock that is not JSON stops the run as a held lock, naming the file', () => {
    const { ledgerFile, file } = lock();
    writeFileSync(file, '{"pid": 1');
    const error = refusal(() => acquireRunLock(ledgerFile, 'r2'));
    expect(error).toBeInstanceOf(RunLockedError);
    expect(error.message).toBe(`${file}: not JSON (Expected ',' or '}' after property value in JSON at position 9); ${ADVICE}`);
  });

  it('a wrong field is refused, naming the file and the field', () => {
    const { file } = lock();
    writeFileSync(file, JSON.stringify({ pid: '4242', host: 'h', round: 'r1', since: 'now' }));
    const error = refusal(() => readHolder(file));
    expect(error).toBeInstanceOf(RunLockedError);
    expect(error.message).toBe(`${file}: field 'pid' expected number, received string; ${ADVICE}`);
  });
});

describe('Disk formats | cassette.har', () => {
  it('a cassette that is not JSON is refused, naming the file', () => {
    const { dir, cassette } = recordingB();
    writeFileSync(cassette, '{"log": {"entries": [');
    const error = refusal(() => readCassette('B', dir));
    expect(error).toBeInstanceOf(FormatError);
    expect(error.message).toBe(`${cassette}: not JSON (${TRUNCATED})`);
  });

  it('a wrong field is refused, naming the file and the field', () => {
    const { dir, cassette } = recordingB();
    edited(cassette, (json) => {
      const log = json.log as { entries: { response: { status: unknown } }[] };
      if (log.entries[1]) log.entries[1].response.status = '200';
    });
    expect(refusal(() => readCassette('B', dir)).message).toBe(
      `${cassette}: field 'log.entries[1].response.status' expected number, received string`,
    );
  });

  it('every committed cassette is read as it is: written again, it is the same bytes', () => {
    for (const row of matrix.rows) {
      const file = join(matrixRecordings, row.name, 'cassette.har');
      expect(`${JSON.stringify(readHarFile(file), null, 2)}\n`, row.name).toBe(readFileSync(file, 'utf8'));
    }
  });

  it('fields the schema does not name survive where they stand, in a raw Polly capture too', () => {
    const file = join(workspace().root, 'cassette.har');
    const raw = readFileSync('specs/fixtures/cassettes/raw-sandbox-C.har', 'utf8').replace(
      '"startedDateTime"',
      '"_fromType": "server", "_note": {"kept": [1, 2]}, "startedDateTime"',
    );
    const text = `${JSON.stringify(JSON.parse(raw), null, 2)}\n`;
    writeFileSync(file, text);
    expect(text).toContain('"_fromType"');
    expect(`${JSON.stringify(readHarFile(file), null, 2)}\n`).toBe(text);
  });
});

describe('Disk formats | a replay row parses its cassette once', () => {
  it('startCassette answers from the Har it is given, without reading the file again', async () => {
    const { dir, cassette } = recordingB();
    const har = readCassette('B', dir);
    // The file is broken after the one read: only the Har in hand can answer now.
    writeFileSync(cassette, 'not json');
    expect(
      refusal(() => startCassette({ row: 'B', dir, mode: 'replay', provenance: 'sandbox', context: createFetchContext() })).message,
    ).toBe(`${cassette}: not JSON (Unexpected token 'o', "not json" is not valid JSON)`);
    const query = har.log.entries.find((e) => e.request.method === 'GET');
    const context = createFetchContext();
    const session = startCassette({ row: 'B', dir, mode: 'replay', provenance: 'sandbox', context, har });
    try {
      const answer = await context.fetch(query?.request.url ?? 'missing');
      expect({ status: answer.status, body: await answer.text() }).toEqual({
        status: query?.response.status,
        body: query?.response.content.text,
      });
      expect(session.replayed()).toBe(1);
    } finally {
      await session.stop();
    }
    expect(readFileSync(cassette, 'utf8')).toBe('not json');
  });
});

describe('Disk formats | the ledger keeps its own wording', () => {
  it('a wrong line is named by line and field, as before', () => {
    const file = join(workspace().root, 'ledger.jsonl');
    writeFileSync(file, `${JSON.stringify({ stage: 'intent', row: 'B', round: 'r1', externalTaskId: 'r1-B', at: 'now' })}\n`);
    expect(refusal(() => new Ledger(file).entries()).message).toBe(
      `${file} line 1 is not a ledger entry (field 'payloadDigest' Invalid input: expected string, received undefined); fix or remove that line by hand (the file is never rewritten by the harness)`,
    );
  });
});
