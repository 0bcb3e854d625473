import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError, parseApprovedRows, parseRunConfig } from '../../helpers/harness/config/run-config.ts';
import { parseConnection } from '../../helpers/harness/config/run-connection.ts';
import { runPaths } from '../../helpers/harness/config/run-target.ts';
import { Registry } from '../../helpers/harness/rows/registry.ts';
import { REDACTED, scrubText } from '../../helpers/harness/sinks/scrubber.ts';
import { buildText2videoNoModel } from '../../helpers/kling/builders.ts';
import { testRow } from '../support/test-row.ts';

/**
 * The run configuration's guards that the broader tests (mutants-run-config.test.ts, run-config.test.ts) left
 * unpinned: the loopback pattern octet by octet, the keys the scrubber learns before anything can echo them, the
 * next-round rule applying to APPROVE_ROWS only, the exposure cap carried into the config, and the error's shape.
 */

const payload = () => buildText2videoNoModel({ prompt: 'a guard row' });

describe('Run configuration | loopback is any 127.x.y.z, each octet one to three digits', () => {
  it.each(['http://127.0.10.1:4010', 'http://127.0.100.1:4010', 'http://127.0.0.10:4010', 'http://127.0.0.255:4010', 'http://127.1.22.33'])(
    'rehearse takes %s: a multi-digit third or fourth octet is still loopback',
    (url) => {
      expect(parseConnection({ KLING_ACCESS_KEY: 'ak-1234', KLING_SECRET_KEY: 'sk-5678', KLING_BASE_URL: url }, 'rehearse')).toMatchObject({
        baseUrl: url,
        target: { kind: 'sandbox', host: new URL(url).host },
        problems: [],
      });
    },
  );

  it('live takes plain http to 127.0.10.1 and 127.0.0.10 as loopback, not as a host the token would cross the network to', () => {
    for (const url of ['http://127.0.10.1:8080', 'http://127.0.0.10:8080']) {
      expect(parseConnection({ KLING_ACCESS_KEY: 'ak-1234', KLING_SECRET_KEY: 'sk-5678', KLING_BASE_URL: url }, 'live').problems).toEqual(
        [],
      );
    }
  });
});

describe('Run configuration | both keys are known to the scrubber, trimmed, before anything can echo them', () => {
  // Each test uses keys of its own: the scrubber's set is per process and only grows.
  it('the access key is scrubbed from any text once the connection is read', () => {
    const accessKey = 'ak-only-registered-1111';
    parseConnection({ KLING_ACCESS_KEY: accessKey }, 'live');
    expect(scrubText(`server said: bad key ${accessKey}`)).toBe(`server said: bad key ${REDACTED}`);
  });

  it('the secret key is scrubbed from any text once the connection is read', () => {
    const secretKey = 'sk-only-registered-2222';
    parseConnection({ KLING_SECRET_KEY: secretKey }, 'live');
    expect(scrubText(`echo ${secretKey}!`)).toBe(`echo ${REDACTED}!`);
  });

  it('even a refused connection (a bad base URL, a key with whitespace) registers its keys first', () => {
    const accessKey = 'ak-refused-run-3333';
    const secretKey = 'sk-refused-run-4444';
    const refused = parseConnection(
      { KLING_ACCESS_KEY: accessKey, KLING_SECRET_KEY: secretKey, KLING_BASE_URL: 'http://proxy.test' },
      'live',
    );
    expect(refused.problems).toEqual(['KLING_BASE_URL is plain http to proxy.test: the token would cross the network in clear; use https']);
    expect(scrubText(`${accessKey} ${secretKey}`)).toBe(`${REDACTED} ${REDACTED}`);
  });

  it('a key pasted with spaces or a newline around it is registered as the key itself, so the bare key is scrubbed', () => {
    // The key sent is the trimmed one; a server echoes that, never the padding around it.
    const accessKey = 'ak-padded-5555';
    const secretKey = 'sk-padded-6666';
    expect(parseConnection({ KLING_ACCESS_KEY: `  ${accessKey}  `, KLING_SECRET_KEY: `\t${secretKey}\n` }, 'live').credentials).toEqual({
      accessKey,
      secretKey,
    });
    expect(scrubText(`"${accessKey}","${secretKey}"`)).toBe(`"${REDACTED}","${REDACTED}"`);
  });
});

describe('Run configuration | a next-round row is kept apart from the default round in APPROVE_ROWS only', () => {
  const registry = new Registry([
    testRow({ id: 'A', order: 1, defaultRound: true, payload }),
    testRow({ id: 'N', order: 2, approvedAlone: 'the plan: "not with the first round"', payload }),
  ]);

  it('APPROVE_ROWS=A,N is refused with the next-round line', () => {
    expect(parseApprovedRows('A,N', 'live', registry)).toEqual({
      rows: ['A', 'N'],
      problems: [
        'APPROVE_ROWS: row N is next-round and is never approved together with A (the plan: "not with the first round"); approve it in a run of its own',
      ],
    });
  });

  it('REOPEN_ROWS=A,N is not an approval and is not held to that rule', () => {
    expect(parseApprovedRows('A,N', 'live', registry, 'REOPEN_ROWS')).toEqual({ rows: ['A', 'N'], problems: [] });
  });
});

describe('Run configuration | the exposure cap (MAX_UNITS) reaches the config, and only when set', () => {
  // No default round: a rehearsal then approves no rows, so its exposure is 0 units and known, and any cap holds.
  const noRound = new Registry([testRow({ id: 'A', order: 1, payload })]);
  const rehearse = {
    HARNESS_MODE: 'rehearse',
    KLING_BASE_URL: 'http://127.0.0.1:4010',
    KLING_ACCESS_KEY: 'ak-1234',
    KLING_SECRET_KEY: 'sk-5678',
  };

  it('MAX_UNITS=5 is carried as maxUnits 5, and MAX_UNITS=0 as 0', () => {
    expect(parseRunConfig({ ...rehearse, MAX_UNITS: '5' }, noRound)).toMatchObject({ approved: [], maxCreates: 0, maxUnits: 5 });
    expect(parseRunConfig({ ...rehearse, MAX_UNITS: ' 0 ' }, noRound).maxUnits).toBe(0);
  });

  it('without MAX_UNITS (or blank) the config has no maxUnits key at all, not one set to undefined', () => {
    expect(parseRunConfig(rehearse, noRound)).not.toHaveProperty('maxUnits');
    expect(parseRunConfig({ ...rehearse, MAX_UNITS: '  ' }, noRound)).not.toHaveProperty('maxUnits');
  });
});

describe('Run configuration | a refusal is one ConfigError, one line per problem', () => {
  it('is named ConfigError and its message joins the problems with newlines', () => {
    const error = new ConfigError(['first problem', 'second problem']);
    expect(error.name).toBe('ConfigError');
    expect(error.message).toBe('first problem\nsecond problem');
    expect(String(error)).toBe('ConfigError: first problem\nsecond problem');
  });

  it('a rehearsal without keys throws it with each missing key on its own line', () => {
    const thrown = (() => {
      try {
        parseRunConfig(
          { HARNESS_MODE: 'rehearse', KLING_BASE_URL: 'http://127.0.0.1:4010' },
          new Registry([testRow({ id: 'A', payload })]),
        );
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(thrown).toMatchObject({
      name: 'ConfigError',
      message:
        'KLING_ACCESS_KEY is missing: copy .env.example to .env and fill it in\nKLING_SECRET_KEY is missing: copy .env.example to .env and fill it in',
    });
  });
});

describe('Run configuration | an empty REPORTS_DIR is the working directory, and is checked like any other', () => {
  it('REPORTS_DIR= is refused when the working directory is the committed recordings (linked), though the scratch folders link out', () => {
    // The layout where only the reports folder itself lands in the committed recordings: ./recordings links back
    // to the working directory, ./rehearsal links out of it. REPORTS_DIR= writes the reports into that directory.
    const root = mkdtempSync(join(tmpdir(), 'empty-reports-'));
    const work = join(root, 'work');
    const out = join(root, 'out');
    mkdirSync(work);
    mkdirSync(out);
    symlinkSync(work, join(work, 'recordings'));
    symlinkSync(out, join(work, 'rehearsal'));
    const cwd = vi.spyOn(process, 'cwd').mockReturnValue(work);
    try {
      expect(runPaths({ kind: 'sandbox', host: '127.0.0.1:4010' }, {}, '')).toEqual({
        recordingsDir: 'rehearsal/recordings',
        ledgerFile: 'rehearsal/ledger.jsonl',
        problems: [
          '. is inside the committed recordings/: only a run against a Kling host writes there; point REPORTS_DIR and RECORDINGS_DIR elsewhere',
        ],
      });
      // The same layout with reports in a folder of their own that links out is accepted: the link is followed.
      symlinkSync(out, join(work, 'reports'));
      expect(runPaths({ kind: 'sandbox', host: '127.0.0.1:4010' }, {}, 'reports').problems).toEqual([]);
    } finally {
      cwd.mockRestore();
    }
  });
});
