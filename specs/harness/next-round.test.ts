import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../helpers/harness/config/run-config.ts';
import { resolveRowInputs } from '../../helpers/harness/rows/row-inputs.ts';
import { buildOmniMultiShot, buildOmniVideoContinuation, buildOmniVideoWithElements } from '../../helpers/kling/builders.ts';
import { judgeCreate } from '../../helpers/sandbox/judge.ts';
import { readMeta, writeMeta } from '../../helpers/harness/cassettes/cassette-meta.ts';
import { registryRow } from '../../helpers/harness/rows/registry.ts';
import { startSandbox } from '../../helpers/sandbox/server.ts';
import { Ledger } from '../../helpers/harness/ledger/ledger.ts';
import { runRow } from '../../helpers/harness/rows/runner.ts';
import { liveLike, rowEnvironment, workspace } from '../support/harness-env.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';
import { approvedLive } from '../support/approved-plan.ts';
import { configProblems } from '../support/config-problems.ts';
import { matrix } from '../support/matrix.ts';

/**
 * The plan's next round (its "Phase 3 current priority note"): video_list, then Elements, then both, and
 * multi-shot with its index. Each row is named on its own, never beside the default round; what it needs from
 * the operator is asked for before any request; and the sandbox judges the contract rules its payload rests on.
 */

const servers = serversStoppedAfterEach();
const KEYS = { KLING_ACCESS_KEY: 'ak-1234', KLING_SECRET_KEY: 'sk-5678' };
const nextRound = matrix.rows.filter((r) => r.approvedAlone !== undefined);
const reportsDir = () => mkdtempSync(join(tmpdir(), 'next-round-'));
const liveEnv = (extra: Record<string, string>) => ({ ...KEYS, HARNESS_MODE: 'live', REPORTS_DIR: reportsDir(), ...extra });
const VIDEO = 'https://cdn.example.test/clips/previous-shot.mp4';

describe('Harness | the next round, gated apart', () => {
  it('has the four rows the plan names next, none in the default round', () => {
    expect(nextRound.map((r) => r.id)).toEqual(['E', 'F', 'G', 'H']);
    for (const row of nextRound) expect(matrix.defaultRound).not.toContain(row.id);
    expect(matrix.defaultRound).toEqual(['A', 'B', 'C']);
  });

  it.each(nextRound.map((r) => [r.id, r.approvedAlone ?? ''] as const))(
    'refuses %s approved together with A–C, quoting the plan, before any request',
    (id, reason) => {
      for (const current of matrix.defaultRound) {
        const problems = configProblems(liveEnv({ APPROVE_ROWS: `${current},${id}` }), matrix);
        expect(problems).toContain(
          `APPROVE_ROWS: row ${id} is next-round and is never approved together with ${current} (${reason}); approve it in a run of its own`,
        );
      }
      expect(configProblems(liveEnv({ APPROVE_ROWS: `A,B,C,${id}` }), matrix)).toContain(
        `APPROVE_ROWS: row ${id} is next-round and is never approved together with A, B, C (${reason}); approve it in a run of its own`,
      );
    },
  );

  it("quotes the plan's own words for Elements and multi-shot", () => {
    expect(matrix.get('F').approvedAlone).toContain('"no element-backed generation yet"');
    expect(matrix.get('G').approvedAlone).toContain('"no element-backed generation yet"');
    expect(matrix.get('H').approvedAlone).toContain('"no Omni multi-shot retesting in the same approval batch"');
  });

  it('a next-round row alone is accepted, with its inputs', () => {
    const env = approvedLive(liveEnv({ APPROVE_ROWS: 'F', OMNI_ELEMENT_IDS: '101,202' }), matrix);
    const config = parseRunConfig(env, matrix);
    expect(config.approved).toEqual(['F']);
    expect(config.inputs?.F).toEqual({ values: { elementIds: '101,202' }, sources: { elementIds: 'OMNI_ELEMENT_IDS' } });
  });
});

describe('Harness | a next-round row is checked as a row', () => {
  const spec = (fields: Record<string, unknown>) => ({ ...matrix.get('F'), ...fields });
  it('refuses one in the default round, and an input read from a KLING_ variable', () => {
    expect(() => registryRow('/x/F-omni-elements.spec.ts', spec({ defaultRound: true }))).toThrow(
      '/x/F-omni-elements.spec.ts: row F is approved alone, so it cannot be in the default round',
    );
    const inputs = { elementIds: { ...matrix.get('F').inputs?.elementIds, env: 'KLING_ELEMENT_IDS' } };
    expect(() => registryRow('/x/F-omni-elements.spec.ts', spec({ inputs }))).toThrow(
      "field 'inputs.elementIds.env' must be an upper-case variable name not starting with KLING_",
    );
  });

  it('replays from the inputs its recording was made with, and fails naming them when the meta has none', async () => {
    const ws = workspace(true);
    const row = matrix.get('G');
    const dir = join(ws.recordingsDir, row.name);
    expect(readMeta(dir)?.inputs).toEqual({ videoUrl: 'https://sandbox.invalid/reference/previous-shot.mp4', elementIds: '1001' });
    const { env } = rowEnvironment(ws, { mode: 'replay' });
    expect((await runRow(row, env)).status).toBe('done');
    const recorded = readMeta(dir);
    if (recorded === undefined) throw new Error('row G has no committed meta');
    delete recorded.inputs;
    writeMeta(dir, recorded);
    await expect(runRow(row, rowEnvironment(ws, { mode: 'replay' }).env)).rejects.toThrow(
      "row G: its recording's meta.json has no videoUrl, elementIds: record it again (pnpm recordings:rerecord)",
    );
  });
});

describe('Harness | a row refuses to run without what it needs', () => {
  it('names the variable to set, in one line, for each missing input', () => {
    expect(configProblems(liveEnv({ APPROVE_ROWS: 'F' }), matrix)).toEqual([
      'row F needs OMNI_ELEMENT_IDS: the ids of 1 to 3 Elements made in your Kling account, comma-separated (element_list[].element_id); set it on the command line of the run',
    ]);
    expect(configProblems(liveEnv({ APPROVE_ROWS: 'G' }), matrix)).toEqual([
      'row G needs OMNI_REFERENCE_VIDEO_URL: an https URL of an MP4 or MOV of 3 s or more, 720–2160 px a side (kling-api §3g), or a closed row A under 30 days old; set it on the command line of the run',
      'row G needs OMNI_ELEMENT_IDS: the ids of 1 to 3 Elements made in your Kling account, comma-separated (element_list[].element_id); set it on the command line of the run',
    ]);
  });

  it.each([
    ['OMNI_ELEMENT_IDS', 'abc', 'F', 'must be 1 to 7 element ids (whole numbers), comma-separated'],
    ['OMNI_ELEMENT_IDS', '1,,2', 'F', 'must be 1 to 7 element ids (whole numbers), comma-separated'],
    ['OMNI_ELEMENT_IDS', '9007199254740993', 'F', 'holds 9007199254740993, larger than a JSON number carries exactly here (2^53 - 1)'],
    ['OMNI_REFERENCE_VIDEO_URL', 'http://cdn.example.test/a.mp4', 'E', 'must be an https URL that Kling can fetch'],
    ['OMNI_REFERENCE_VIDEO_URL', 'https://user:pw@cdn.example.test/a.mp4', 'E', 'must not carry a user name or password'],
    ['OMNI_REFERENCE_VIDEO_URL', 'not a url', 'E', 'is not a URL'],
  ])('%s=%s is refused for row %s: %s', (name, value, row, why) => {
    expect(configProblems(liveEnv({ APPROVE_ROWS: row, [name]: value }), matrix)).toEqual([`row ${row}: ${name} ${why}`]);
  });

  it('takes a closed row A result under 30 days old as the reference video, and refuses one Kling has deleted', () => {
    const row = matrix.get('E');
    const closedA = (daysAgo: number) => [
      { row: 'A', round: 'r1', externalTaskId: 'x', at: '2026-10-01T00:00:00.000Z', stage: 'intent' as const, payloadDigest: 'd' },
      {
        row: 'A',
        round: 'r1',
        externalTaskId: 'x',
        at: new Date(Date.parse('2026-12-01T12:00:00.000Z') - daysAgo * 86_400_000).toISOString(),
        stage: 'terminal' as const,
        outcome: 'succeed' as const,
        taskId: '860000000000000001',
        resultUrl: VIDEO,
      },
    ];
    const now = Date.parse('2026-12-01T12:00:00.000Z');
    expect(resolveRowInputs(row, { mode: 'live', env: {}, ledgerEntries: closedA(10), now })).toEqual({
      resolved: {
        values: { videoUrl: VIDEO },
        sources: { videoUrl: "row A's result (task 860000000000000001, closed 2026-11-21, 10 day(s) ago)" },
      },
      problems: [],
    });
    expect(resolveRowInputs(row, { mode: 'live', env: {}, ledgerEntries: closedA(31), now }).problems).toEqual([
      "row E needs OMNI_REFERENCE_VIDEO_URL: an https URL of an MP4 or MOV of 3 s or more, 720–2160 px a side (kling-api §3g), or a closed row A under 30 days old; row A's result (task 860000000000000001, closed 2026-10-31, 31 day(s) ago) is past Kling's 30 days: its video is deleted; set it on the command line of the run",
    ]);
    // The variable wins over the ledger; and a result URL is the server's word, checked like any other value.
    expect(
      resolveRowInputs(row, {
        mode: 'live',
        env: { OMNI_REFERENCE_VIDEO_URL: VIDEO.replace('previous', 'other') },
        ledgerEntries: closedA(1),
        now,
      }).resolved?.sources,
    ).toEqual({ videoUrl: 'OMNI_REFERENCE_VIDEO_URL' });
    const hostile = closedA(1).map((e) => (e.stage === 'terminal' ? { ...e, resultUrl: 'http://127.0.0.1:9/a.mp4' } : e));
    expect(resolveRowInputs(row, { mode: 'live', env: {}, ledgerEntries: hostile, now }).problems).toEqual([
      "row E: row A's result (task 860000000000000001, closed 2026-11-30, 1 day(s) ago) must be an https URL that Kling can fetch",
    ]);
  });

  it("a closed row's result URL goes on the ledger, and is checked like any value before it is reused", async () => {
    const sb = await startSandbox({ timeScale: 0.01 });
    servers.sandbox = sb;
    const ws = workspace();
    const { env } = rowEnvironment(ws, liveLike(sb.url, sb.credentials, ['A']));
    expect((await runRow(matrix.get('A'), env)).status).toBe('done');
    const entries = new Ledger(env.config.ledgerFile ?? '').entries();
    const state = new Ledger('').rowState('A', entries);
    expect(state.status === 'closed' ? state.resultUrl : undefined).toMatch(new RegExp(`^${sb.url}/`));
    // The sandbox's result is plain http on loopback: a live payload may not carry it.
    expect(resolveRowInputs(matrix.get('E'), { mode: 'live', env: {}, ledgerEntries: entries }).problems).toEqual([
      expect.stringMatching(
        /^row E: row A's result \(task \d+, closed \d{4}-\d{2}-\d{2}, 0 day\(s\) ago\) must be an https URL that Kling can fetch$/,
      ),
    ]);
  });

  it('a rehearsal uses the sandbox stand-ins and says so', () => {
    const { resolved } = resolveRowInputs(matrix.get('G'), { mode: 'rehearse', env: {} });
    expect(resolved?.sources).toEqual({
      videoUrl: 'the sandbox stand-in (a live run needs OMNI_REFERENCE_VIDEO_URL)',
      elementIds: 'the sandbox stand-in (a live run needs OMNI_ELEMENT_IDS)',
    });
  });
});

describe("Harness | the sandbox judges the next round's contract rules, so a wrong builder fails for free", () => {
  const video = buildOmniVideoContinuation({ prompt: 'next shot', videoUrl: VIDEO }).body;
  const withElements = (n: number) =>
    buildOmniVideoWithElements({ prompt: 'p', videoUrl: VIDEO, elementIds: Array.from({ length: n }, (_, i) => i + 1) }).body;
  const shots = buildOmniMultiShot({
    shots: [
      { prompt: 'a', duration: 2 },
      { prompt: 'b', duration: 3 },
    ],
  }).body;
  const { video_list: videos = [] } = video;
  it.each([
    ['two video_list entries', { ...video, video_list: [...videos, ...videos] }, 'video_list: may hold at most 1 video'],
    ['sound on with a video', { ...video, sound: 'on' }, "sound: must be 'off' when video_list is present"],
    ['5 elements with a video (at most 4)', withElements(5), 'images + elements total 5; at most 4 with a reference video'],
    [
      '8 elements and images without a video (at most 7)',
      { ...withElements(4), video_list: undefined, image_list: [1, 2, 3, 4].map(() => ({ image_url: 'https://cdn.example.test/i.png' })) },
      'images + elements total 8; at most 7 without a reference video',
    ],
    ['shot durations not summing to the total', { ...shots, duration: '6' }, 'shot durations add up to 5, but duration is 6'],
    [
      'a shot without its index',
      { ...shots, multi_prompt: shots.multi_prompt?.map(({ prompt, duration }) => ({ prompt, duration })) },
      'multi_prompt[0].index',
    ],
  ])('refuses %s with 1201', (_case, body, field) => {
    const judged = judgeCreate('omni-video', JSON.parse(JSON.stringify(body)));
    expect(judged).toMatchObject({ httpStatus: 400, code: 1201 });
    expect('message' in judged ? judged.message : '').toContain(field);
  });

  it.each(nextRound.map((r) => [r.id] as const))("accepts row %s's own payload as built", (id) => {
    const row = matrix.get(id);
    const { resolved } = resolveRowInputs(row, { mode: 'rehearse', env: {} });
    const built = row.payload(resolved?.values ?? {});
    expect(judgeCreate(built.family, JSON.parse(JSON.stringify(built.body)))).toHaveProperty('accepted');
  });
});
