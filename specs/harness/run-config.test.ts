import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configProblems } from '../support/config-problems.ts';
import { parseRunConfig } from '../../helpers/harness/config/run-config.ts';
import { approvedLive } from '../support/approved-plan.ts';
import { fixtureRegistry } from '../support/fixture-registry.ts';

const LIVE = { HARNESS_MODE: 'live', APPROVE_ROWS: 'A,B', KLING_ACCESS_KEY: 'ak-1234', KLING_SECRET_KEY: 'sk-5678' };
/** A live environment as an operator runs it: with the approval `pnpm plan` gives it (APPROVED_PLAN). */
const live = (extra: Record<string, string | undefined> = {}) => approvedLive({ ...LIVE, ...extra }, fixtureRegistry);
const REHEARSE = { ...LIVE, HARNESS_MODE: 'rehearse', KLING_BASE_URL: 'http://127.0.0.1:4010' };

describe('Harness | run configuration', () => {
  it('replays by default, approving nothing and capping creates at 0', () => {
    expect(parseRunConfig({}, fixtureRegistry)).toMatchObject({
      mode: 'replay',
      approved: [],
      maxCreates: 0,
      credentials: undefined,
      recordingsDir: 'recordings',
    });
  });

  it('live takes APPROVE_ROWS, the credentials and the global host by default; the cap is the number of approved rows', () => {
    expect(parseRunConfig(live(), fixtureRegistry)).toMatchObject({
      mode: 'live',
      approved: ['A', 'B'],
      maxCreates: 2,
      baseUrl: 'https://api-singapore.klingai.com',
      credentials: { accessKey: 'ak-1234', secretKey: 'sk-5678' },
    });
  });

  it("rehearse defaults to the registry's default round", () => {
    expect(parseRunConfig({ ...REHEARSE, APPROVE_ROWS: undefined }, fixtureRegistry).approved).toEqual(['A', 'B', 'C']);
  });

  it('MAX_CREATES can lower the cap, never raise it', () => {
    expect(parseRunConfig(live({ MAX_CREATES: '1' }), fixtureRegistry).maxCreates).toBe(1);
    expect(configProblems({ ...LIVE, MAX_CREATES: '3' })).toEqual([
      'MAX_CREATES=3 is more than the 2 approved row(s); it can only lower the cap',
    ]);
  });

  it.each([
    ['CI=true', { CI: 'true' }, 'CI=true'],
    ['CI=True (AppVeyor)', { CI: 'True' }, 'CI=True'],
    ['CI=1', { CI: '1' }, 'CI=1'],
    ['GitHub Actions without CI', { GITHUB_ACTIONS: 'true' }, 'GITHUB_ACTIONS is set (GitHub Actions)'],
    ['GitLab without CI', { GITLAB_CI: 'true' }, 'GITLAB_CI is set (GitLab CI)'],
    ['Azure Pipelines', { TF_BUILD: 'True' }, 'TF_BUILD is set (Azure Pipelines)'],
    ['Jenkins', { BUILD_NUMBER: '42' }, 'BUILD_NUMBER is set'],
  ])('refuses live on a CI machine (%s), before anything else, naming what said so', (_name, ci, why) => {
    expect(configProblems({ ...LIVE, ...ci })).toEqual([
      `live mode refuses to run on a CI machine (${why}): every create is billable; run it by hand, with approval`,
    ]);
  });

  it.each([['CI=false'], ['CI=0'], ['CI=']])('an explicit %s is not a CI machine', (setting) => {
    const [key = '', value = ''] = setting.split('=');
    expect(parseRunConfig(live({ [key]: value }), fixtureRegistry).mode).toBe('live');
  });

  it("CI=false does not silence a vendor's own variable: a CI machine that cleared CI for a build tool is still one", () => {
    expect(configProblems({ ...LIVE, CI: 'false', GITHUB_ACTIONS: 'true' })).toEqual([
      'live mode refuses to run on a CI machine (GITHUB_ACTIONS is set (GitHub Actions)): every create is billable; run it by hand, with approval',
    ]);
  });

  it('where a run records and keeps its ledger follows from its target, and nothing can point it elsewhere', () => {
    expect(parseRunConfig(live(), fixtureRegistry)).toMatchObject({
      target: { kind: 'kling', host: 'api-singapore.klingai.com' },
      recordingsDir: 'recordings',
      ledgerFile: 'recordings/ledger.jsonl',
    });
    expect(parseRunConfig(live({ KLING_BASE_URL: 'https://api-beijing.klingai.com' }), fixtureRegistry).target.kind).toBe('kling');
    expect(parseRunConfig(live({ KLING_BASE_URL: 'https://proxy.example.test' }), fixtureRegistry)).toMatchObject({
      target: { kind: 'custom-host', host: 'proxy.example.test' },
      recordingsDir: 'reports/hosts/proxy.example.test/recordings',
      ledgerFile: 'reports/hosts/proxy.example.test/ledger.jsonl',
    });
    expect(parseRunConfig(live({ KLING_BASE_URL: 'http://127.0.0.1:4010' }), fixtureRegistry).ledgerFile).toBe(
      'reports/hosts/127.0.0.1_4010/ledger.jsonl',
    );
    expect(parseRunConfig(REHEARSE, fixtureRegistry)).toMatchObject({
      target: { kind: 'sandbox' },
      ledgerFile: 'reports/rehearsal/ledger.jsonl',
    });
    expect(parseRunConfig(live({ LEDGER_FILE: 'recordings/ledger.jsonl' }), fixtureRegistry).ledgerFile).toBe('recordings/ledger.jsonl');
    expect(configProblems({ ...LIVE, LEDGER_FILE: 'reports/rehearsal/ledger.jsonl' })).toEqual([
      'LEDGER_FILE=reports/rehearsal/ledger.jsonl would point this run at another ledger than its own (recordings/ledger.jsonl); unset it (it only picks the ledger pnpm ledger reads)',
    ]);
    expect(configProblems({ ...REHEARSE, LEDGER_FILE: 'recordings/ledger.jsonl' })).toHaveLength(1);
    expect(configProblems({ ...LIVE, RECORDINGS_DIR: '/tmp/r' })).toEqual([
      'RECORDINGS_DIR=/tmp/r would point this run at other recordings and another ledger than its own (recordings); unset it',
    ]);
    expect(configProblems({ ...REHEARSE, RECORDINGS_DIR: 'recordings' })).toHaveLength(1);
    expect(parseRunConfig({ ...REHEARSE, RECORDINGS_DIR: '/tmp/scratch' }, fixtureRegistry).recordingsDir).toBe('/tmp/scratch');
    // Nor inside them, by any name: reports or scratch recordings under recordings/, or a link to it.
    expect(configProblems({ ...LIVE, KLING_BASE_URL: 'https://proxy.example.test', REPORTS_DIR: 'recordings' })[0]).toMatch(
      /^recordings\/hosts\/proxy\.example\.test\/recordings is inside the committed recordings\/: only a run against a Kling host writes there/,
    );
    expect(configProblems({ ...REHEARSE, RECORDINGS_DIR: 'recordings/omni' })).toHaveLength(1);
    const link = join(mkdtempSync(join(tmpdir(), 'link-')), 'r');
    symlinkSync(resolve('recordings'), link);
    expect(configProblems({ ...REHEARSE, RECORDINGS_DIR: link })).toHaveLength(1);
  });

  it('takes a round id that is one folder name, and refuses one that could leave reports/evidence', () => {
    expect(parseRunConfig({ ROUND_ID: 'rehearse-20261201-101500' }, fixtureRegistry).roundId).toBe('rehearse-20261201-101500');
    expect(parseRunConfig({}, fixtureRegistry).roundId).toBeUndefined();
    for (const bad of ['../../etc', '..', 'a/b', 'r 1']) {
      expect(configProblems({ ROUND_ID: bad })).toEqual([`ROUND_ID='${bad}' must be one folder name: letters, digits, '.', '_' or '-'`]);
    }
  });

  it('a misspelt KLING_ setting is refused in live mode, not left to fall back to the default host', () => {
    expect(configProblems({ ...LIVE, KLING_BASEURL: 'https://api-beijing.klingai.com' })).toEqual([
      'KLING_BASEURL is not a setting (the KLING_ settings are KLING_ACCESS_KEY, KLING_SECRET_KEY, KLING_BASE_URL); a misspelt one would fall back to its default',
    ]);
  });

  it('takes a loopback http base URL in live mode (a local proxy), and https anywhere', () => {
    expect(parseRunConfig(live({ KLING_BASE_URL: 'http://127.0.0.1:8080' }), fixtureRegistry).baseUrl).toBe('http://127.0.0.1:8080');
    expect(parseRunConfig(live({ KLING_BASE_URL: 'https://api-beijing.klingai.com/' }), fixtureRegistry).baseUrl).toBe(
      'https://api-beijing.klingai.com/',
    );
  });

  it('never echoes the user-info of a refused base URL', () => {
    const problems = configProblems({ ...LIVE, KLING_BASE_URL: 'https://ak:hunter2secret@api-singapore.klingai.com' });
    expect(problems).toEqual([
      'KLING_BASE_URL carries user-info (user:password@): credentials go in KLING_ACCESS_KEY and KLING_SECRET_KEY only',
    ]);
    expect(problems.join(' ')).not.toContain('hunter2secret');
  });

  it('rehearse under CI is allowed: it only reaches a sandbox on loopback', () => {
    expect(parseRunConfig({ ...REHEARSE, CI: 'true' }, fixtureRegistry).mode).toBe('rehearse');
  });

  it.each([
    ['an unknown mode', { HARNESS_MODE: 'record' }, "HARNESS_MODE must be replay, live or rehearse, got 'record'"],
    [
      'no APPROVE_ROWS in live',
      { ...LIVE, APPROVE_ROWS: undefined },
      'APPROVE_ROWS is empty: name the rows to spend on, e.g. APPROVE_ROWS=A,B',
    ],
    ['an empty APPROVE_ROWS', { ...LIVE, APPROVE_ROWS: ' ' }, 'APPROVE_ROWS is empty: name the rows to spend on, e.g. APPROVE_ROWS=A,B'],
    ['an unknown row', { ...LIVE, APPROVE_ROWS: 'A,Z' }, "APPROVE_ROWS: unknown row 'Z' (the rows are A, B, C, D, R)"],
    ['a lower-case row', { ...LIVE, APPROVE_ROWS: 'a' }, "APPROVE_ROWS: 'a' is not a row id; row ids are upper-case (A)"],
    ['a repeated row', { ...LIVE, APPROVE_ROWS: 'B,B' }, 'APPROVE_ROWS names B twice; one create per row per run'],
    ['"all"', { ...LIVE, APPROVE_ROWS: 'all' }, 'APPROVE_ROWS=all is not accepted: name each row to spend on (A,B,C,D)'],
    [
      'the replay-only row',
      { ...LIVE, APPROVE_ROWS: 'R' },
      'APPROVE_ROWS: row R is replay-only (a transcription of a past run) and never creates',
    ],
    ['an empty entry', { ...LIVE, APPROVE_ROWS: 'A,,B' }, "APPROVE_ROWS has an empty entry: 'A,,B'"],
    [
      'a missing access key',
      { ...LIVE, KLING_ACCESS_KEY: undefined },
      'KLING_ACCESS_KEY is missing: copy .env.example to .env and fill it in',
    ],
    ['a blank secret key', { ...LIVE, KLING_SECRET_KEY: '   ' }, 'KLING_SECRET_KEY is empty: copy .env.example to .env and fill it in'],
    [
      'a key with a space inside',
      { ...LIVE, KLING_ACCESS_KEY: 'ak 1234' },
      'KLING_ACCESS_KEY contains whitespace; paste the key exactly as the console shows it',
    ],
    ['a base URL that is not a URL', { ...LIVE, KLING_BASE_URL: 'api-singapore' }, "KLING_BASE_URL is not a URL: 'api-singapore'"],
    [
      'a base URL that is not http(s)',
      { ...LIVE, KLING_BASE_URL: 'ftp://example.test' },
      "KLING_BASE_URL must be http(s): 'ftp://example.test'",
    ],
    [
      'rehearse against a real host',
      { ...REHEARSE, KLING_BASE_URL: 'https://api-singapore.klingai.com' },
      'rehearse talks only to a sandbox on loopback; KLING_BASE_URL is https://api-singapore.klingai.com',
    ],
    [
      'rehearse against a host dressed as loopback',
      { ...REHEARSE, KLING_BASE_URL: 'http://localhost@api-singapore.klingai.com/' },
      'KLING_BASE_URL carries user-info (user:password@): credentials go in KLING_ACCESS_KEY and KLING_SECRET_KEY only',
    ],
    [
      'rehearse against a loopback-looking host name',
      { ...REHEARSE, KLING_BASE_URL: 'http://127.0.0.1.example.test:4010' },
      'rehearse talks only to a sandbox on loopback; KLING_BASE_URL is http://127.0.0.1.example.test:4010',
    ],
    [
      'plain http to a remote host',
      { ...LIVE, KLING_BASE_URL: 'http://api-singapore.klingai.com' },
      'KLING_BASE_URL is plain http to api-singapore.klingai.com: the token would cross the network in clear; use https',
    ],
    [
      'a base URL with a path',
      { ...LIVE, KLING_BASE_URL: 'https://api-singapore.klingai.com/v1' },
      "KLING_BASE_URL must be an origin such as https://api-singapore.klingai.com, with no path, query or fragment: 'https://api-singapore.klingai.com/v1'",
    ],
    ['a cap that is not a number', { ...LIVE, MAX_CREATES: 'two' }, "MAX_CREATES must be a whole number, got 'two'"],
  ])('refuses %s with one line', (_name, env, message) => {
    expect(configProblems(env)).toEqual([message]);
  });

  it('reports every problem, one line each, and never echoes a key', () => {
    const problems = configProblems({ HARNESS_MODE: 'live', APPROVE_ROWS: 'a,Z', KLING_SECRET_KEY: 'sk with space' });
    expect(problems).toHaveLength(4);
    for (const line of problems) expect(line).not.toContain('\n');
    expect(problems.join(' ')).not.toContain('sk with space');
  });
});
