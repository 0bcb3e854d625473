import { join } from 'node:path';
import { tmpdir } from 'node:os';
import AllureVitestReporter from 'allure-vitest/reporter';
import type { TestModule, Vitest } from 'vitest/node';
import type { Reporter } from 'vitest/reporters';
import { roundResultsDir } from '../evidence/round.ts';
import { ROWS_PROJECT } from './rows-project.ts';

/**
 * The Allure results of a round, and only of a round: the rows project's tests, written into that round's own
 * folder (`reports/rounds/<round>/allure-results`), never the harness's own tests and never another round's.
 *
 * allure-vitest writes every result of a run at its end into one folder fixed when the reporter is made, and the
 * round is opened later, by the global setup. So one allure-vitest reporter installs its setup file and runner in
 * every project at the start (the rows' evidence calls need them) and writes nothing; at the end, a second one,
 * made for the round's folder the global setup provided, writes the rows' results.
 */

export default class RoundAllureReporter implements Reporter {
  private vitest: Vitest | undefined;
  // Never asked to write: its folder is a placeholder.
  private readonly collector = new AllureVitestReporter({ resultsDir: join(tmpdir(), 'allure-unused'), reportMatchers: false });

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
    this.collector.onInit(vitest);
  }

  onTestRunEnd(modules: readonly TestModule[]): void {
    const rows = modules.filter((m) => m.project.name === ROWS_PROJECT);
    // No round when the global setup refused the run: there is nothing to report then.
    const round = rows[0]?.project.getProvidedContext().round;
    if (this.vitest === undefined || round === undefined) return;
    const writer = new AllureVitestReporter({ resultsDir: roundResultsDir(round), reportMatchers: false });
    writer.onInit(this.vitest);
    writer.onTestRunEnd(rows);
  }
}
