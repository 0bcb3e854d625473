import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseApprovedRows, parseRunConfig } from '../../helpers/harness/config/run-config.ts';
import { KLING_SETTINGS, parseConnection } from '../../helpers/harness/config/run-connection.ts';
import { COMMITTED_LEDGER, hostFolder, provenanceOf, rehearsalPaths, runPaths, targetOf } from '../../helpers/harness/config/run-target.ts';
import { configProblems } from '../support/config-problems.ts';
import { fixtureRegistry } from '../support/fixture-registry.ts';

/**
 * The run configuration to the letter, at the layer that decides each thing: which base URL a mode may use,
 * where a target's recordings and ledger are, which row lists are accepted, and what a rehearsal's config holds.
 * A live run's full configuration needs its approved plan and is tested with it (run-config.test.ts).
 */

const KEYS = { KLING_ACCESS_KEY: 'ak-1234', KLING_SECRET_KEY: 'sk-5678' };
const REHEARSE = { HARNESS_MODE: 'rehearse', KLING_BASE_URL: 'http://127.0.0.1:4010', ...KEYS };
const LIVE = { HARNESS_MODE: 'live', APPROVE_ROWS: 'A,B', ...KEYS };

describe('Run configuration | the base URL each mode may use', () => {
  it.each([
    'http://127.0.0.1:4010',
    'http://127.255.0.9:1',
    'http://localhost:4010',
    'http://LOCALHOST:4010',
    'http://[::1]:4010',
    'http://127.0.0.1:4010/',
  ])('rehearse takes the loopback sandbox %s', (url) => {
    expect(parseConnection({ ...KEYS, KLING_BASE_URL: url }, 'rehearse').problems).toEqual([]);
  });

  it.each([
    'http://localhost.example.test:4010',
    'http://notlocalhost:4010',
    'http://127.0.0.1.example.test:4010',
    'http://x127.0.0.1.test',
    'http://api.localhost:4010',
    'http://[::2]:4010',
    'http://10.0.0.1:4010',
    'https://127.0.0.1:4010',
    'https://localhost:4010',
  ])('rehearse refuses %s: only plain http to loopback is the sandbox', (url) => {
    const origin = `${new URL(url).protocol}//${new URL(url).host}`;
    expect(parseConnection({ ...KEYS, KLING_BASE_URL: url }, 'rehearse').problems).toEqual([
      `rehearse talks only to a sandbox on loopback; KLING_BASE_URL is ${origin}`,
    ]);
  });

  it('rehearse has no default host: without a base URL it is the global one, refused', () => {
    expect(parseConnection(KEYS, 'rehearse').problems).toEqual([
      'rehearse talks only to a sandbox on loopback; KLING_BASE_URL is https://api-singapore.klingai.com',
    ]);
  });

  it.each([
    ['http://localhost.example.test', 'localhost.example.test'],
    ['http://127.0.0.1.example.test:80', '127.0.0.1.example.test'],
    ['http://api-singapore.klingai.com', 'api-singapore.klingai.com'],
  ])('live refuses plain http to %s, which is not loopback', (url, host) => {
    expect(parseConnection({ ...KEYS, KLING_BASE_URL: url }, 'live').problems).toEqual([
      `KLING_BASE_URL is plain http to ${host}: the token would cross the network in clear; use https`,
    ]);
  });

  it('live takes https anywhere and plain http to loopback; the default is the global host', () => {
    for (const url of ['https://proxy.example.test', 'http://127.0.0.1:8080', 'http://localhost', 'http://[::1]:1']) {
      expect(parseConnection({ ...KEYS, KLING_BASE_URL: url }, 'live')).toMatchObject({ baseUrl: url, problems: [] });
    }
    expect(parseConnection(KEYS, 'live')).toEqual({
      baseUrl: 'https://api-singapore.klingai.com',
      credentials: { accessKey: 'ak-1234', secretKey: 'sk-5678' },
      target: { kind: 'kling', host: 'api-singapore.klingai.com' },
      problems: [],
    });
  });

  it.each([
    ['https://api-singapore.klingai.com?token=1', "'https://api-singapore.klingai.com/'"],
    ['https://api-singapore.klingai.com/#frag', "'https://api-singapore.klingai.com/'"],
    ['https://api-singapore.klingai.com/v1/videos', "'https://api-singapore.klingai.com/v1/videos'"],
  ])('an origin only: %s is refused without echoing its query', (url, shown) => {
    expect(parseConnection({ ...KEYS, KLING_BASE_URL: url }, 'live').problems).toEqual([
      `KLING_BASE_URL must be an origin such as https://api-singapore.klingai.com, with no path, query or fragment: ${shown}`,
    ]);
  });

  it('user-info of either part is refused, in any mode', () => {
    for (const url of ['https://user@api.klingai.com', 'https://:pw@api.klingai.com', 'http://localhost@127.0.0.1:4010']) {
      for (const mode of ['live', 'rehearse'] as const) {
        expect(parseConnection({ ...KEYS, KLING_BASE_URL: url }, mode).problems).toEqual([
          'KLING_BASE_URL carries user-info (user:password@): credentials go in KLING_ACCESS_KEY and KLING_SECRET_KEY only',
        ]);
      }
    }
  });

  it('a refused base URL leaves the target at the global host, never at what was refused', () => {
    expect(parseConnection({ ...KEYS, KLING_BASE_URL: 'http://proxy.example.test' }, 'live').target).toEqual({
      kind: 'kling',
      host: 'api-singapore.klingai.com',
    });
    expect(parseConnection({ ...KEYS, KLING_BASE_URL: 'https://proxy.example.test' }, 'live').target).toEqual({
      kind: 'custom-host',
      host: 'proxy.example.test',
    });
  });

  it('a misspelt KLING_ setting is refused in live mode only; the three settings are not', () => {
    expect(KLING_SETTINGS).toEqual(['KLING_ACCESS_KEY', 'KLING_SECRET_KEY', 'KLING_BASE_URL']);
    const env = { ...KEYS, KLING_BASE_URL: 'https://api.klingai.com', KLING_TIMEOUT: '5', KLINGX: '1' };
    expect(parseConnection(env, 'live').problems).toEqual([
      'KLING_TIMEOUT is not a setting (the KLING_ settings are KLING_ACCESS_KEY, KLING_SECRET_KEY, KLING_BASE_URL); a misspelt one would fall back to its default',
    ]);
    expect(parseConnection({ ...env, KLING_BASE_URL: 'http://127.0.0.1:1' }, 'rehearse').problems).toEqual([]);
  });

  it('keys are trimmed; one that is missing, blank or holds whitespace is one line each, and no credentials', () => {
    expect(parseConnection({ KLING_ACCESS_KEY: '  ak-1  ', KLING_SECRET_KEY: '\tsk-2\n' }, 'live').credentials).toEqual({
      accessKey: 'ak-1',
      secretKey: 'sk-2',
    });
    const bad = parseConnection({ KLING_ACCESS_KEY: 'a b', KLING_SECRET_KEY: '' }, 'live');
    expect(bad.credentials).toBeUndefined();
    expect(bad.problems).toEqual([
      'KLING_ACCESS_KEY contains whitespace; paste the key exactly as the console shows it',
      'KLING_SECRET_KEY is empty: copy .env.example to .env and fill it in',
    ]);
    expect(parseConnection({ KLING_ACCESS_KEY: 'ak' }, 'live')).toMatchObject({
      credentials: undefined,
      problems: ['KLING_SECRET_KEY is missing: copy .env.example to .env and fill it in'],
    });
  });
});

describe('Run configuration | where a target records and keeps its ledger', () => {
  const reports = 'reports';

  it('each target its own ledger: the committed one only for a Kling host, none in replay', () => {
    expect(COMMITTED_LEDGER).toBe('recordings/ledger.jsonl');
    expect(runPaths({ kind: 'kling', host: 'api.klingai.com' }, {}, reports)).toEqual({
      recordingsDir: 'recordings',
      ledgerFile: 'recordings/ledger.jsonl',
      problems: [],
    });
    expect(runPaths({ kind: 'custom-host', host: 'proxy.example.test:8443' }, {}, reports)).toEqual({
      recordingsDir: 'reports/hosts/proxy.example.test_8443/recordings',
      ledgerFile: 'reports/hosts/proxy.example.test_8443/ledger.jsonl',
      problems: [],
    });
    expect(runPaths({ kind: 'sandbox', host: '127.0.0.1:4010' }, {}, reports)).toEqual({
      recordingsDir: 'reports/rehearsal/recordings',
      ledgerFile: 'reports/rehearsal/ledger.jsonl',
      problems: [],
    });
    expect(runPaths({ kind: 'recording', host: 'none' }, {}, reports)).toEqual({
      recordingsDir: 'recordings',
      ledgerFile: undefined,
      problems: [],
    });
    expect(rehearsalPaths('elsewhere')).toEqual({
      recordingsDir: 'elsewhere/rehearsal/recordings',
      ledgerFile: 'elsewhere/rehearsal/ledger.jsonl',
    });
  });

  it('RECORDINGS_DIR moves only replay and a rehearsal (never onto the committed folder); empty is unset', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'recs-'));
    expect(runPaths({ kind: 'recording', host: 'none' }, { RECORDINGS_DIR: scratch }, reports).recordingsDir).toBe(scratch);
    expect(runPaths({ kind: 'sandbox', host: 'h' }, { RECORDINGS_DIR: scratch }, reports)).toEqual({
      recordingsDir: scratch,
      ledgerFile: 'reports/rehearsal/ledger.jsonl',
      problems: [],
    });
    expect(runPaths({ kind: 'sandbox', host: 'h' }, { RECORDINGS_DIR: '' }, reports).recordingsDir).toBe('reports/rehearsal/recordings');
    expect(runPaths({ kind: 'kling', host: 'h' }, { RECORDINGS_DIR: '' }, reports).problems).toEqual([]);
    expect(runPaths({ kind: 'kling', host: 'h' }, { RECORDINGS_DIR: './recordings/' }, reports).problems).toEqual([]);
    expect(runPaths({ kind: 'sandbox', host: 'h' }, { RECORDINGS_DIR: './recordings' }, reports)).toEqual({
      recordingsDir: 'reports/rehearsal/recordings',
      ledgerFile: 'reports/rehearsal/ledger.jsonl',
      problems: [
        'RECORDINGS_DIR=./recordings would point this run at other recordings and another ledger than its own (reports/rehearsal/recordings); unset it',
      ],
    });
    expect(runPaths({ kind: 'custom-host', host: 'p' }, { RECORDINGS_DIR: 'reports/hosts/p/recordings' }, reports).problems).toEqual([]);
    expect(runPaths({ kind: 'custom-host', host: 'p' }, { RECORDINGS_DIR: scratch }, reports).problems).toEqual([
      `RECORDINGS_DIR=${scratch} would point this run at other recordings and another ledger than its own (reports/hosts/p/recordings); unset it`,
    ]);
  });

  it("no run but a Kling host's writes inside the committed recordings: one line, whichever path lands there", () => {
    const inside = (path: string) =>
      `${path} is inside the committed recordings/: only a run against a Kling host writes there; point REPORTS_DIR and RECORDINGS_DIR elsewhere`;
    expect(runPaths({ kind: 'sandbox', host: 'h' }, {}, 'recordings/reports').problems).toEqual([
      inside('recordings/reports/rehearsal/recordings'),
    ]);
    expect(runPaths({ kind: 'sandbox', host: 'h' }, { RECORDINGS_DIR: 'recordings/x' }, reports).problems).toEqual([
      inside('recordings/x'),
    ]);
    expect(runPaths({ kind: 'custom-host', host: 'p' }, {}, 'recordings').problems).toEqual([inside('recordings/hosts/p/recordings')]);
    expect(runPaths({ kind: 'kling', host: 'h' }, {}, 'recordings').problems).toEqual([]);
    expect(runPaths({ kind: 'recording', host: 'none' }, {}, 'recordings').problems).toEqual([]);
    expect(runPaths({ kind: 'sandbox', host: 'h' }, {}, 'recordings-elsewhere').problems).toEqual([]);
  });

  it("LEDGER_FILE may only name the run's own ledger; empty is unset, and replay has none to guard", () => {
    expect(runPaths({ kind: 'kling', host: 'h' }, { LEDGER_FILE: './recordings/ledger.jsonl' }, reports).problems).toEqual([]);
    expect(runPaths({ kind: 'kling', host: 'h' }, { LEDGER_FILE: '' }, reports).problems).toEqual([]);
    expect(runPaths({ kind: 'recording', host: 'none' }, { LEDGER_FILE: 'anything.jsonl' }, reports).problems).toEqual([]);
    expect(runPaths({ kind: 'kling', host: 'h' }, { LEDGER_FILE: 'reports/rehearsal/ledger.jsonl' }, reports).problems).toEqual([
      'LEDGER_FILE=reports/rehearsal/ledger.jsonl would point this run at another ledger than its own (recordings/ledger.jsonl); unset it (it only picks the ledger pnpm ledger reads)',
    ]);
  });

  it('the target and the provenance its recordings claim, from the mode and the host', () => {
    expect(targetOf('replay', 'https://api.klingai.com')).toEqual({ kind: 'recording', host: 'none' });
    expect(targetOf('rehearse', 'http://127.0.0.1:4010')).toEqual({ kind: 'sandbox', host: '127.0.0.1:4010' });
    for (const host of ['api-singapore.klingai.com', 'api-beijing.klingai.com', 'api.klingai.com']) {
      expect(targetOf('live', `https://${host}`)).toEqual({ kind: 'kling', host });
    }
    expect(targetOf('live', 'https://api.klingai.com:8443')).toEqual({ kind: 'custom-host', host: 'api.klingai.com:8443' });
    expect(targetOf('live', 'https://evil-api.klingai.com')).toEqual({ kind: 'custom-host', host: 'evil-api.klingai.com' });
    expect(provenanceOf({ kind: 'kling', host: 'h' })).toBe('live');
    expect(provenanceOf({ kind: 'custom-host', host: 'h' })).toBe('custom-host');
    expect(provenanceOf({ kind: 'sandbox', host: 'h' })).toBe('sandbox');
    expect(provenanceOf({ kind: 'recording', host: 'none' })).toBe('sandbox');
    expect(hostFolder('[::1]:4010')).toBe('___1__4010');
    expect(hostFolder('a-b.c_d:1')).toBe('a-b.c_d_1');
  });
});

describe('Run configuration | which rows a run may spend on', () => {
  it('rehearse without APPROVE_ROWS takes the default round; live and REOPEN_ROWS take nothing by default', () => {
    expect(parseApprovedRows(undefined, 'rehearse', fixtureRegistry)).toEqual({ rows: ['A', 'B', 'C'], problems: [] });
    expect(parseApprovedRows('  ', 'rehearse', fixtureRegistry)).toEqual({ rows: ['A', 'B', 'C'], problems: [] });
    expect(parseApprovedRows(undefined, 'live', fixtureRegistry)).toEqual({
      rows: [],
      problems: ['APPROVE_ROWS is empty: name the rows to spend on, e.g. APPROVE_ROWS=A,B'],
    });
  });

  it('trims each entry, keeps the order given, and names each problem under the variable it came from', () => {
    expect(parseApprovedRows(' C , A ', 'live', fixtureRegistry)).toEqual({ rows: ['C', 'A'], problems: [] });
    expect(parseApprovedRows('A,a,A,,R,Z,ALL', 'live', fixtureRegistry, 'REOPEN_ROWS')).toEqual({
      rows: ['A'],
      problems: [
        "REOPEN_ROWS: 'a' is not a row id; row ids are upper-case (A)",
        'REOPEN_ROWS names A twice; one create per row per run',
        "REOPEN_ROWS has an empty entry: 'A,a,A,,R,Z,ALL'",
        'REOPEN_ROWS: row R is replay-only (a transcription of a past run) and never creates',
        "REOPEN_ROWS: unknown row 'Z' (the rows are A, B, C, D, R)",
        'APPROVE_ROWS=ALL is not accepted: name each row to spend on (A,B,C,D)',
      ],
    });
  });
});

describe('Run configuration | what a rehearsal and a replay are given', () => {
  it('a rehearsal: the sandbox, its keys, every default row approved and capped at their number, its own scratch ledger', () => {
    const config = parseRunConfig(REHEARSE, fixtureRegistry);
    expect(config).toMatchObject({
      mode: 'rehearse',
      approved: ['A', 'B', 'C'],
      maxCreates: 3,
      baseUrl: 'http://127.0.0.1:4010',
      credentials: { accessKey: 'ak-1234', secretKey: 'sk-5678' },
      target: { kind: 'sandbox', host: '127.0.0.1:4010' },
      recordingsDir: 'reports/rehearsal/recordings',
      reportsDir: 'reports',
      ledgerFile: 'reports/rehearsal/ledger.jsonl',
      reopen: { rows: [], reason: '' },
    });
    expect(config).not.toHaveProperty('accountOverride');
    expect(config).not.toHaveProperty('roundId');
  });

  it('REPORTS_DIR moves every scratch path of a rehearsal', () => {
    expect(parseRunConfig({ ...REHEARSE, REPORTS_DIR: 'out' }, fixtureRegistry)).toMatchObject({
      reportsDir: 'out',
      recordingsDir: 'out/rehearsal/recordings',
      ledgerFile: 'out/rehearsal/ledger.jsonl',
    });
  });

  it('MAX_CREATES lowers the cap, to 0 too; empty is unset; anything but a whole number up to the rows is one line', () => {
    expect(parseRunConfig({ ...REHEARSE, MAX_CREATES: '0' }, fixtureRegistry).maxCreates).toBe(0);
    expect(parseRunConfig({ ...REHEARSE, MAX_CREATES: '3' }, fixtureRegistry).maxCreates).toBe(3);
    expect(parseRunConfig({ ...REHEARSE, MAX_CREATES: '' }, fixtureRegistry).maxCreates).toBe(3);
    expect(configProblems({ ...REHEARSE, MAX_CREATES: '4' })).toEqual([
      'MAX_CREATES=4 is more than the 3 approved row(s); it can only lower the cap',
    ]);
    for (const bad of ['-1', '1.5', 'x']) {
      expect(configProblems({ ...REHEARSE, MAX_CREATES: bad })).toEqual([`MAX_CREATES must be a whole number, got '${bad}'`]);
    }
  });

  it('REOPEN_ROWS with its reason, trimmed; blank REOPEN_ROWS reopens nothing; a reason is required', () => {
    expect(parseRunConfig({ ...REHEARSE, REOPEN_ROWS: 'B', REOPEN_REASON: '  builder changed ' }, fixtureRegistry).reopen).toEqual({
      rows: ['B'],
      reason: 'builder changed',
    });
    expect(parseRunConfig({ ...REHEARSE, REOPEN_ROWS: ' ', REOPEN_REASON: 'x' }, fixtureRegistry).reopen).toEqual({
      rows: [],
      reason: 'x',
    });
    expect(configProblems({ ...REHEARSE, REOPEN_ROWS: 'B', REOPEN_REASON: '  ' })).toEqual([
      'REOPEN_ROWS=B needs REOPEN_REASON="why": the reason goes into the ledger',
    ]);
    expect(configProblems({ ...REHEARSE, REOPEN_ROWS: 'Q', REOPEN_REASON: 'x' })).toEqual([
      "REOPEN_ROWS: unknown row 'Q' (the rows are A, B, C, D, R)",
    ]);
  });

  it('ACCOUNT_CHECK_OVERRIDE is kept trimmed, and blank is none; ROUND_ID when it is one folder name', () => {
    expect(parseRunConfig({ ...REHEARSE, ACCOUNT_CHECK_OVERRIDE: ' checked by hand ' }, fixtureRegistry).accountOverride).toBe(
      'checked by hand',
    );
    expect(parseRunConfig({ ...REHEARSE, ACCOUNT_CHECK_OVERRIDE: '  ' }, fixtureRegistry)).not.toHaveProperty('accountOverride');
    expect(parseRunConfig({ ...REHEARSE, ROUND_ID: 'r.1_a-B' }, fixtureRegistry).roundId).toBe('r.1_a-B');
    expect(parseRunConfig({ ...REHEARSE, ROUND_ID: '' }, fixtureRegistry)).not.toHaveProperty('roundId');
    for (const bad of ['.', '..', 'a'.repeat(81), 'x/y', 'x\\y']) {
      expect(configProblems({ ROUND_ID: bad })).toEqual([`ROUND_ID='${bad}' must be one folder name: letters, digits, '.', '_' or '-'`]);
    }
    expect(parseRunConfig({ ROUND_ID: 'a'.repeat(80) }, fixtureRegistry).roundId).toHaveLength(80);
    expect(parseRunConfig({ ROUND_ID: '...' }, fixtureRegistry).roundId).toBe('...');
  });

  it('replay: nothing approved, no keys, no ledger, the committed recordings (or RECORDINGS_DIR), whatever else is set', () => {
    expect(parseRunConfig({ ...KEYS, APPROVE_ROWS: 'A', MAX_CREATES: '1', REPORTS_DIR: 'out' }, fixtureRegistry)).toEqual({
      mode: 'replay',
      approved: [],
      maxCreates: 0,
      baseUrl: 'https://api-singapore.klingai.com',
      credentials: undefined,
      target: { kind: 'recording', host: 'none' },
      recordingsDir: 'recordings',
      reportsDir: 'out',
      ledgerFile: undefined,
      reopen: { rows: [], reason: '' },
    });
    expect(parseRunConfig({ HARNESS_MODE: 'replay', RECORDINGS_DIR: 'elsewhere' }, fixtureRegistry).recordingsDir).toBe('elsewhere');
  });

  it('an unknown mode is refused before anything else is read; a live run on CI before its rows', () => {
    expect(configProblems({ HARNESS_MODE: 'Live', APPROVE_ROWS: 'nope' })).toEqual([
      "HARNESS_MODE must be replay, live or rehearse, got 'Live'",
    ]);
    expect(configProblems({ ...LIVE, APPROVE_ROWS: 'nope', CI: 'true' })).toEqual([
      'live mode refuses to run on a CI machine (CI=true): every create is billable; run it by hand, with approval',
    ]);
    expect(() => parseRunConfig({ HARNESS_MODE: '' }, fixtureRegistry)).toThrow(ConfigError);
  });

  it('every problem of a live environment at once, one line each, keys and paths included', () => {
    expect(
      configProblems({ HARNESS_MODE: 'live', APPROVE_ROWS: 'A', KLING_BASE_URL: 'http://proxy.test', LEDGER_FILE: 'x.jsonl' }),
    ).toEqual([
      'KLING_BASE_URL is plain http to proxy.test: the token would cross the network in clear; use https',
      'KLING_ACCESS_KEY is missing: copy .env.example to .env and fill it in',
      'KLING_SECRET_KEY is missing: copy .env.example to .env and fill it in',
      'LEDGER_FILE=x.jsonl would point this run at another ledger than its own (recordings/ledger.jsonl); unset it (it only picks the ledger pnpm ledger reads)',
    ]);
  });
});
