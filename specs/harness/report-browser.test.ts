import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rehearse } from '../../helpers/harness/cli/rehearse.ts';
import { ciReason, ciVariables } from '../../helpers/harness/config/ci.ts';
import { reportRound, roundReportFile } from '../../helpers/harness/evidence/report.ts';
import { readRoundAnswer, type RoundAnswer } from '../../helpers/harness/evidence/round-answer.ts';
import { roundAt } from '../../helpers/harness/evidence/round.ts';
import { NO_CHROMIUM, findChromium, isLocalUrl, launchChromium, openLocalFile, type LocalFileSession } from '../support/browser.ts';
import { workspace } from '../support/harness-env.ts';

/**
 * The round report as an operator meets it: the file the harness built, opened from disk in Chromium at a laptop's
 * 1280x800. The other report tests read the HTML; this one looks at what the page shows once its script has run.
 */

const chromium = findChromium();
const onCi = ciReason(process.env);
// Skipped on a machine without Chromium, but never on CI: CI installs it (.ci/run), so a missing one is a failure there.
const skip = chromium === undefined && onCi === undefined;

/** The little of the DOM the in-page checks touch: this project's TypeScript has Node's library, not the DOM's. */
interface PageNode {
  outerHTML: string;
  contains(other: PageNode | null): boolean;
  ownerDocument: { elementFromPoint(x: number, y: number): PageNode | null };
}
interface PageVideo {
  readyState: number;
  networkState: number;
  duration: number;
  currentSrc: string;
  error: { code: number; message: string } | null;
  addEventListener(type: 'loadedmetadata' | 'error', listener: () => void, options: { once: true; capture?: true }): void;
}

/** Variables the rehearsal must not inherit from this suite: a CI machine's, and ones that pick another matrix or forbid its sockets. */
const INHERITED = [...ciVariables(), 'RECORDINGS_DIR', 'ROWS_DIR', 'HARNESS_NO_SOCKETS'];

/** rehearse() hands its child this process's environment: run it with those variables cleared, then put them back. */
async function withoutInherited<T>(run: () => Promise<T>): Promise<T> {
  const saved = INHERITED.filter((name) => name in process.env).map((name) => [name, process.env[name]] as const);
  for (const [name] of saved) Reflect.deleteProperty(process.env, name);
  try {
    return await run();
  } finally {
    for (const [name, value] of saved) process.env[name] = value;
  }
}

/**
 * Resolves once the page has held still for a while: Allure focuses the tree's first row after it renders and scrolls
 * its pane to that row, so a look taken before that would see a screen no operator sees.
 */
async function settled(page: Page): Promise<void> {
  await page.getByTestId('tree-leaf').first().waitFor();
  await page.evaluate(
    (quietMs) =>
      new Promise<void>((resolve) => {
        const doc = (globalThis as unknown as { document: EventTarget }).document;
        let timer = setTimeout(resolve, quietMs);
        // Scroll events do not bubble; a capturing listener on the document sees every scroller's.
        doc.addEventListener(
          'scroll',
          () => {
            clearTimeout(timer);
            timer = setTimeout(resolve, quietMs);
          },
          { capture: true },
        );
      }),
    500,
  );
}

/**
 * Why the element is not on the screen as first shown, or undefined when it is: rendered, inside the viewport, and
 * not clipped or covered (the point at its centre hits it, not the pane edge or header scrolled over it).
 */
async function offScreen(page: Page, locator: Locator): Promise<string | undefined> {
  if (!(await locator.isVisible())) return 'not visible';
  const box = await locator.boundingBox();
  const viewport = page.viewportSize();
  if (box === null || viewport === null) return 'no box';
  const edges = `${Math.round(box.y)}..${Math.round(box.y + box.height)} of 0..${viewport.height}`;
  if (box.x < 0 || box.y < 0 || box.x + box.width > viewport.width || box.y + box.height > viewport.height)
    return `outside the viewport (top..bottom ${edges})`;
  const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const covered = await locator.evaluate((el: PageNode, at) => {
    const hit = el.ownerDocument.elementFromPoint(at.x, at.y);
    return el.contains(hit) ? undefined : (hit?.outerHTML.slice(0, 120) ?? 'nothing');
  }, centre);
  return covered === undefined ? undefined : `hidden under ${covered} (top..bottom ${edges})`;
}

/** A value of the report's Variables panel, by its key. */
function variable(page: Page, key: string): Locator {
  return page
    .getByTestId('report-variables')
    .getByTestId('metadata-item')
    .filter({ has: page.getByTestId('metadata-item-key').getByText(key, { exact: true }) })
    .getByTestId('metadata-item-value');
}

/** A row's title in the tree, opening the verdict group it must be in when that group is closed. */
async function rowInTree(page: Page, row: string, group: string): Promise<Locator> {
  const title = page.getByTestId('tree-leaf-title').filter({ hasText: new RegExp(`^${row} · `) });
  if (!(await title.isVisible())) await page.getByTestId('tree-section-title').getByText(group, { exact: true }).click();
  await title.waitFor();
  return title;
}

describe.skipIf(skip)(`Harness | the round report, opened in Chromium${skip ? ` (skipped: ${NO_CHROMIUM})` : ''}`, () => {
  /** The workspace's screenshots folder, where each look is saved for a person to see. */
  let screenshots = '';
  let roundId = '';
  let answer: RoundAnswer | undefined;
  let browser: Browser | undefined;
  let session: LocalFileSession | undefined;

  const open = (): LocalFileSession => {
    if (session === undefined) throw new Error('the report did not open (see the failure of the setup)');
    return session;
  };
  /**
   * Back to the report's tree. An empty fragment is the report's own route to it, within the page: a reload would
   * unpack the whole file again (more than a second each time).
   */
  const home = async (): Promise<Page> => {
    const { page, url } = open();
    await page.goto(`${url}#`);
    await settled(page);
    return page;
  };

  beforeAll(async () => {
    if (chromium === undefined)
      throw new Error(`${NO_CHROMIUM}: on CI (${onCi ?? ''}) this test must run; .ci/run installs Debian's chromium`);
    const ws = workspace();
    screenshots = join(ws.root, 'screenshots');
    // B's prompt is refused by moderation (code 1301): a failed row with a class, beside A and C that succeed.
    const result = await withoutInherited(() =>
      rehearse({ reportsDir: ws.reportsDir, timeScale: 0.1, sandbox: { submitBlockTerms: ['paper boat'] }, quiet: true }),
    );
    roundId = result.roundId;
    expect(reportRound(ws.reportsDir, roundId)).toBe(true);
    answer = readRoundAnswer(roundAt(ws.reportsDir, roundId));
    mkdirSync(screenshots, { recursive: true });
    browser = await launchChromium(chromium);
    session = await openLocalFile(browser, roundReportFile(roundAt(ws.reportsDir, roundId)));
    // A failing look says what it waited for well before the test's own timeout would cut it short.
    session.page.setDefaultTimeout(10_000);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    await browser?.close();
  });

  it("opens on the round's end state and spend: on the first 1280x800 screen, without a scroll or a click", async () => {
    const { page } = open();
    await settled(page);
    await page.screenshot({ path: join(screenshots, 'first-screen.png') });
    console.log(`first screen: ${join(screenshots, 'first-screen.png')}`);

    const title = page.getByRole('heading', { name: `Round ${roundId}` });
    const endState = variable(page, 'end state');
    const spend = variable(page, 'spent in this run');
    expect(await title.innerText()).toBe(`Round ${roundId} (sandbox rehearsal): Inconclusive`);
    expect(await endState.innerText()).toBe('Inconclusive');
    expect(await spend.innerText()).toMatch(/^\d+(\.\d+)? units? \(not billed: sandbox\)$/);
    expect(await spend.innerText()).toBe(answer?.spend.figure);
    // On open, the viewer scrolls its tree's first row clear of the filter bar, which takes the title above an
    // 800 px screen; the end state and the spend are the first row of the Variables panel and stay in view.
    expect({
      'end state': await offScreen(page, endState),
      spend: await offScreen(page, spend),
    }).toEqual({ 'end state': undefined, spend: undefined });
  }, 30_000);

  it("shows each row's verdict and class: B failed as moderation-content-risk, D and R not run with their reason", async () => {
    const page = await home();
    // The answer panel, one line per row that ran.
    const lines = {
      A: await variable(page, 'row A').innerText(),
      B: await variable(page, 'row B').innerText(),
      C: await variable(page, 'row C').innerText(),
    };
    expect(lines.A).toMatch(/^(unchanged|tightened) · success · task \d+$/);
    expect(lines.B).toBe('inconclusive · moderation-content-risk');
    expect(lines.C).toMatch(/^(unchanged|tightened) · success · task \d+$/);
    expect(Object.entries(lines).map(([row, line]) => ({ row, line }))).toEqual(answer?.rows);

    // The tree, grouped by verdict: a succeeded row sits under its verdict and says it in its title.
    for (const row of ['A', 'C'] as const) {
      const verdict = lines[row].split(' · ')[0] ?? '';
      expect(await (await rowInTree(page, row, verdict)).innerText()).toMatch(new RegExp(`^${row} · .* · ${verdict} \\(sandbox\\)$`));
    }
    const rowB = await rowInTree(page, 'B', 'unchanged');
    expect(await rowB.innerText()).toMatch(/^B · .* · unchanged, inconclusive \(sandbox\)$/);

    // Opened, the failed row says so, with its class and the error an operator acts on.
    await rowB.click();
    await page.getByTestId('test-result-error-message').first().waitFor();
    await page.screenshot({ path: join(screenshots, 'failed-row.png') });
    console.log(`failed row: ${join(screenshots, 'failed-row.png')}`);
    expect(await page.getByTestId('test-result-info-title').innerText()).toMatch(/^B · /);
    expect(await page.getByTestId('test-result-status-failed').innerText()).toBe('Failed');
    expect(await page.getByText('Category: moderation-content-risk', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByTestId('test-result-error-message').first().innerText()).toMatch(/^\[moderation-content-risk\] row B: /);

    // The rows that did not run, each with why.
    await home();
    expect(await (await rowInTree(page, 'D', 'not run')).innerText()).toMatch(/ · not run: row D is not approved for this run\b/);
    expect(await (await rowInTree(page, 'R', 'not run')).innerText()).toMatch(/ · not run: row R is replay-only\b/);
    for (const row of ['D', 'R'])
      expect(
        await page
          .getByTestId('tree-leaf')
          .filter({ has: page.getByTestId('tree-leaf-title').filter({ hasText: new RegExp(`^${row} · `) }) })
          .getByTestId('tree-leaf-status-skipped')
          .count(),
      ).toBe(1);

    // The Categories tab: the failure classes that occurred, here B's.
    await page.getByTestId('nav-tab-categories').click();
    await page.getByText('moderation-content-risk', { exact: true }).click();
    await page.getByTestId('tree-leaf-title').filter({ hasText: /^B · / }).waitFor();
    const listed = await page.getByTestId('tree-leaf-title').allInnerTexts();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatch(/^B · /);
  }, 60_000);

  it.each(['A', 'C'])(
    "plays row %s's result video from inside the file",
    async (row) => {
      const page = await home();
      const verdict = (await variable(page, `row ${row}`).innerText()).split(' · ')[0] ?? '';
      await (await rowInTree(page, row, verdict)).click();
      await page.getByTestId('test-result-tab-attachments').click();
      const attachment = page.getByTestId('test-result-attachment').filter({ hasText: 'result video' });
      expect(await attachment.innerText()).toContain('video/mp4');
      await attachment.getByRole('button', { name: /result video/ }).click();
      const video = attachment.locator('video');
      await video.waitFor();
      const media = await video.evaluate(
        (v: PageVideo, waitMs) =>
          new Promise<{ readyState: number; duration: number; src: string; problem: string | undefined }>((resolve) => {
            // NETWORK_NO_SOURCE: every <source> was tried and none could be played.
            const problem = () =>
              v.error ? `error ${v.error.code}: ${v.error.message}` : v.networkState === 3 ? 'no playable source' : undefined;
            const done = () => resolve({ readyState: v.readyState, duration: v.duration, src: v.currentSrc, problem: problem() });
            // HAVE_METADATA: the duration is known. A failure settles it too, so the test says why instead of timing
            // out: a bad <source> reports on itself, not on the video, hence the capturing listener.
            if (v.readyState >= 1 || problem() !== undefined) {
              done();
              return;
            }
            v.addEventListener('loadedmetadata', done, { once: true });
            v.addEventListener('error', done, { once: true, capture: true });
            setTimeout(done, waitMs);
          }),
        10_000,
      );
      expect(media.problem).toBeUndefined();
      expect(media.readyState).toBeGreaterThanOrEqual(1);
      expect(media.duration).toBeGreaterThan(0);
      expect(isLocalUrl(media.src), media.src).toBe(true);
    },
    30_000,
  );

  // Last: the record covers everything the tests above made the page do.
  it('asked for nothing but file:, data: and blob: URLs the whole session', () => {
    const { requests, blocked } = open();
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((url) => !isLocalUrl(url))).toEqual([]);
    expect(blocked).toEqual([]);
  });
});
