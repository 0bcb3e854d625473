import { ageText } from '../../helpers/harness/evidence/evidence-age.ts';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAILURE_CLASSES } from '../../helpers/kling/classifier.ts';
import { reportRound, roundReportFile, roundToReport } from '../../helpers/harness/evidence/report.ts';
import { writeRoundAnswer, type RoundAnswer } from '../../helpers/harness/evidence/round-answer.ts';
import { roundAt, roundResultsDir } from '../../helpers/harness/evidence/round.ts';
import { allureCategories, answerVariables, reportTitle } from '../../helpers/harness/vitest/allure-options.ts';
import { embeddedCalls, embeddedFiles } from '../../helpers/harness/sinks/single-file-report.ts';
import { workspace } from '../support/harness-env.ts';
import { matrix } from '../support/matrix.ts';
import { notCi } from '../support/not-ci.ts';
import { runNode } from '../support/child-run.ts';

function answer(round: string, finishedAt: string, extra: Partial<RoundAnswer> = {}): RoundAnswer {
  return {
    round,
    mode: 'live',
    finishedAt,
    rowsRun: 2,
    headline: 'Inconclusive',
    endState: 'Inconclusive: row B: asset-quality (the image is too small); row C has no answer yet.',
    spend: {
      label: 'spent in this run',
      figure: '1 unit, unknown for 1 task',
      line: 'Spent in this run: 1 unit, and unknown for 1 task (row B: no final_unit_deduction) (sum of final_unit_deduction).',
    },
    rows: [
      { row: 'A', line: 'unchanged · success · task 860000000000000001' },
      { row: 'B', line: 'inconclusive · asset-quality' },
    ],
    closed: [{ row: 'A', taskId: '860000000000000001', on: '2026-12-01' }],
    ...extra,
  };
}

/** One Allure result of a row, as the rows project writes it: its class as a label, its status from the run. */
function result(dir: string, name: string, status: 'passed' | 'failed' | 'broken' | 'skipped', klass?: string, message?: string): void {
  const uuid = randomUUID();
  writeFileSync(
    join(dir, `${uuid}-result.json`),
    JSON.stringify({
      uuid,
      historyId: uuid,
      name,
      fullName: `specs/rows/${name}.spec.ts#${name}`,
      status,
      stage: 'finished',
      start: 1,
      stop: 2,
      labels: klass ? [{ name: 'class', value: klass }] : [],
      ...(message ? { statusDetails: { message } } : {}),
      steps: [],
      attachments: [],
      parameters: [],
    }),
  );
}

describe('Harness | the round report', () => {
  it('pnpm report builds the last round that ran a row; a newer round that skipped every row does not hide it', () => {
    const ws = workspace();
    writeRoundAnswer(roundAt(ws.reportsDir, 'live-20261201-100000'), answer('live-20261201-100000', '2026-12-01T10:00:00.000Z'));
    writeRoundAnswer(roundAt(ws.reportsDir, 'rehearse-20261201-110000'), answer('rehearse-20261201-110000', '2026-12-01T11:00:00.000Z'));
    expect(roundToReport(ws.reportsDir).round.id).toBe('rehearse-20261201-110000');

    // The next live run skips every row (all closed): a round with nothing to show.
    writeRoundAnswer(
      roundAt(ws.reportsDir, 'live-20261201-120000'),
      answer('live-20261201-120000', '2026-12-01T12:00:00.000Z', { rowsRun: 0, rows: [] }),
    );
    const picked = roundToReport(ws.reportsDir);
    expect(picked.round.id).toBe('rehearse-20261201-110000');
    expect(picked.note).toBe('round live-20261201-120000 ran no row; this is the last round that did');
    // Named, it is built all the same; a name that is no round says which there are.
    expect(roundToReport(ws.reportsDir, 'live-20261201-120000').round.id).toBe('live-20261201-120000');
    expect(() => roundToReport(ws.reportsDir, 'live-1')).toThrow(
      `no finished round 'live-1' in ${join(ws.reportsDir, 'rounds')} (rounds: live-20261201-120000, rehearse-20261201-110000, live-20261201-100000)`,
    );
  });

  it('says what to run when no round ran a row', () => {
    const ws = workspace();
    expect(() => roundToReport(ws.reportsDir)).toThrow(
      `no round in ${join(ws.reportsDir, 'rounds')} ran a row yet: run a rehearsal, pnpm test:replay or a live round first`,
    );
  });

  it('opens on the round answer: the title says the end state, the first panel the spend, each row and the closed rows', () => {
    const live = answer('live-1', '2026-12-01T10:00:00.000Z');
    expect(reportTitle(live)).toBe('Round live-1: Inconclusive');
    expect(reportTitle({ ...live, mode: 'rehearse' })).toBe('Round live-1 (sandbox rehearsal): Inconclusive');
    expect(answerVariables(live)).toMatchObject({
      'end state': 'Inconclusive',
      'spent in this run': '1 unit, unknown for 1 task',
      'row A': 'unchanged · success · task 860000000000000001',
      'row B': 'inconclusive · asset-quality',
      // With its age as of the report, so an old closed row reads as one to verify again.
      'closed rows': `A by task 860000000000000001 (2026-12-01, ${ageText('2026-12-01')})`,
      why: live.endState,
    });
    expect(Object.keys(answerVariables(live))[0]).toBe('end state');
  });

  it('files each failed row under its failure class, and a broken one under harness error, in the built report', () => {
    expect(allureCategories.map((c) => c.name)).toEqual([...FAILURE_CLASSES.filter((c) => c !== 'harness-error'), 'harness error']);
    const ws = workspace();
    const round = roundAt(ws.reportsDir, 'live-2');
    writeRoundAnswer(round, answer('live-2', '2026-12-01T10:00:00.000Z'));
    const dir = roundResultsDir(round);
    mkdirSync(dir, { recursive: true });
    result(dir, 'A', 'passed', 'success');
    result(dir, 'B', 'failed', 'asset-quality', '[asset-quality] row B: the image is too small');
    result(dir, 'C', 'failed', 'environment-auth-transient', '[environment-auth-transient] row C: 401');
    result(dir, 'D', 'broken', undefined, '[harness-error] row D: TypeError');
    result(dir, 'E', 'failed', 'harness-error', '[harness-error] row E: the answer is not a task');

    expect(reportRound(ws.reportsDir, 'live-2')).toBe(true);
    const html = readFileSync(roundReportFile(round), 'utf8');
    expect(embeddedFiles(html)).toHaveLength(embeddedCalls(html));
    expect(html).toContain('"reportName":"Round live-2: Inconclusive"');
    const categories = Object.fromEntries(
      embeddedFiles(html)
        .filter((f) => f.path.startsWith('data/test-results/'))
        .map((f) => JSON.parse(f.content.toString('utf8')) as { name: string; categories?: { name: string }[] })
        .map((t) => [t.name, (t.categories ?? []).map((c) => c.name)]),
    );
    expect(categories).toEqual({
      A: [],
      B: ['asset-quality'],
      C: ['environment-auth-transient'],
      D: ['harness error'],
      E: ['harness error'],
    });
    const variables =
      embeddedFiles(html)
        .find((f) => f.path === 'widgets/variables.json')
        ?.content.toString('utf8') ?? '';
    expect(variables).toContain('"end state"');
    expect(variables).toContain('1 unit, unknown for 1 task');
  }, 60_000);

  it("a run of the rows with another project keeps one round, of the rows' results only, and says its summary once", async () => {
    const ws = workspace();
    // The floor is a project with the matrix's own setup and a test that is not a row: the harness's own tests.
    const run = await runNode(['node_modules/vitest/vitest.mjs', 'run', '--project', 'rows', '--project', 'floor'], {
      ...notCi(),
      HARNESS_MODE: 'replay',
      RECORDINGS_DIR: '',
      REPORTS_DIR: ws.reportsDir,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.match(/summary at /g)).toHaveLength(1);
    const rounds = readdirSync(join(ws.reportsDir, 'rounds'));
    expect(rounds).toHaveLength(1);
    const dir = roundResultsDir(roundAt(ws.reportsDir, rounds[0] ?? 'none'));
    const names = readdirSync(dir)
      .filter((f) => f.endsWith('-result.json'))
      .map((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { fullName: string }).fullName);
    expect(names).toHaveLength(matrix.rows.length);
    for (const name of names) expect(name).toMatch(/\/[A-Z][A-Z0-9]*-[^/]+\.spec\.ts#/);
  }, 120_000);
});
