import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportRound } from '../../helpers/harness/evidence/report.ts';
import type { FaultRule, ReflectPlace } from '../../helpers/sandbox/faults.ts';
import type { Family } from '../../helpers/kling/families.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox/server.ts';
import { recordFigure } from '../support/figures.ts';
import { workspace } from '../support/harness-env.ts';
import { liveEnv, runRows } from '../support/child-run.ts';
import { filesUnder, hitsIn, scanForSecrets } from '../support/secret-scan.ts';
import { FAMILIES } from '../../helpers/kling/families.ts';
import { matrix } from '../support/matrix.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';

/**
 * Secrets never touch disk (promises §5), tried the hard way: whole live runs (`test:live` in a child process)
 * against the sandbox with canary keys — once against a polite server, then against one that quotes the
 * Authorization header and the access key back in every place it can — and then every file the runs wrote (the
 * built report decoded), and everything they printed, is searched for the keys, for any JWT and any Bearer value.
 */

const CANARY = { accessKey: 'CANARYak7Q2fXw9LmZ', secretKey: 'CANARYsk4Vt8Rp1NcYh3' };

/** A file written as-is, bypassing the harness's scrubbing writer: the planted secret must reach disk. */
function writeTextFileForTest(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

const servers = serversStoppedAfterEach();

/** What a live run of the next-round rows needs from the operator (row-inputs.ts); the sandbox fetches nothing. */
const NEXT_ROUND_INPUTS = { OMNI_REFERENCE_VIDEO_URL: 'https://cdn.example.test/clips/previous-shot.mp4', OMNI_ELEMENT_IDS: '1001' };

/** `pnpm test:live` for the given rows against the sandbox, its report built; the run's outputs, for scanning. */
async function liveRun(sb: Sandbox, ws: ReturnType<typeof workspace>, approve: string, round: string, inputs: Record<string, string> = {}) {
  // Asynchronous: the sandbox answers from this process, whose event loop must keep running meanwhile.
  const run = await runRows(
    liveEnv({ url: sb.url, credentials: CANARY }, ws.reportsDir, { APPROVE_ROWS: approve, ROUND_ID: round, ...inputs }),
  );
  // The round's own report, built the way `pnpm report <round>` builds it (its title and panel from answer.json).
  expect(reportRound(ws.reportsDir, round)).toBe(true);
  return run;
}

const reflect = (route: FaultRule['route'], where: ReflectPlace, family?: Family): FaultRule => ({
  route,
  calls: 'every',
  ...(family ? { family } : {}),
  fault: { kind: 'reflect', where },
});

describe('Faults | secret canary', () => {
  it('a live run with canary keys leaves them in no file it wrote and no line it printed', async () => {
    const sandbox = await startSandbox({ credentials: CANARY, timeScale: 0.05 });
    servers.sandbox = sandbox;
    const ws = workspace();
    const rows = matrix.liveRows;
    // Next-round rows are never approved beside the default round's: they run in a round of their own.
    const alone = rows.filter((r) => r.approvedAlone !== undefined);
    const current = rows.filter((r) => r.approvedAlone === undefined);
    const run = await liveRun(sandbox, ws, current.map((r) => r.id).join(','), 'live-canary');
    expect(run.status, run.stderr).toBe(0);
    const next =
      alone.length === 0 ? undefined : await liveRun(sandbox, ws, alone.map((r) => r.id).join(','), 'live-canary-next', NEXT_ROUND_INPUTS);
    expect(next?.status ?? 0, next?.stderr).toBe(0);
    expect(sandbox.state.tasksCreated).toEqual(Object.fromEntries(FAMILIES.map((f) => [f, rows.filter((r) => r.family === f).length])));

    const written = filesUnder(ws.root).map((f) => f.slice(ws.root.length + 1));
    for (const expected of [
      // Not a Kling host: recorded as what it is, beside the reports, never over the committed recordings.
      new RegExp(`^reports/hosts/127\\.0\\.0\\.1_\\d+/recordings/${rows[0]?.name ?? 'none'}/cassette\\.har$`),
      /^reports\/rounds\/live-canary\/allure-results\/.*-result\.json$/,
      /^reports\/rounds\/live-canary\/report\/index\.html$/,
      /^reports\/rounds\/live-canary\/answer\.json$/,
      /^reports\/evidence\/.*\/B\.json$/,
      /^reports\/hosts\/127\.0\.0\.1_\d+\/ledger\.jsonl$/,
      /^reports\/evidence\/live-canary\/account\.json$/,
    ]) {
      expect(
        written.some((f) => expected.test(f)),
        `${String(expected)} among ${written.join(', ')}`,
      ).toBe(true);
    }
    const { scanned, hits } = scanForSecrets(ws.root, CANARY, {
      stdout: run.stdout + (next?.stdout ?? ''),
      stderr: run.stderr + (next?.stderr ?? ''),
    });
    recordFigure({ kind: 'secret-scan', name: 'live run with canary keys', filesScanned: scanned, hits: hits.length });
    expect(hits).toEqual([]);
  }, 200_000);

  it('a server that quotes the token and the key back everywhere it can gets them onto no disk and no screen', async () => {
    const sandbox = await startSandbox({
      credentials: CANARY,
      timeScale: 0.05,
      faults: [
        // Row A succeeds through answers that carry the secrets in a field, a header, the Content-Type and the status.
        ...(['create', 'query', 'download'] as const).flatMap((route) => [
          reflect(route, 'header', 'omni-video'),
          reflect(route, 'content-type', 'omni-video'),
        ]),
        reflect('create', 'extra-field', 'omni-video'),
        reflect('query', 'extra-field', 'omni-video'),
        reflect('query', 'status-message', 'omni-video'),
        // Row B's create is refused with a 1201 that quotes them; row C's video is an HTML page that quotes them.
        reflect('create', 'create-error', 'text2video'),
        reflect('download', 'html-video', 'image2video'),
        // Row D's result URL carries them in its query string.
        reflect('query', 'video-url', 'multi-image2video'),
        // The account check, before and after each run: a pack named after them, an extra field, a header.
        reflect('account', 'pack-name'),
        reflect('account', 'extra-field'),
        reflect('account', 'header'),
        // Row B again, in a later run: a 401/1002 whose message quotes them.
        { route: 'create', calls: [5], fault: { kind: 'reflect', where: 'auth-error' } },
      ],
    });
    servers.sandbox = sandbox;
    const ws = workspace();
    const runs = [
      await liveRun(sandbox, ws, 'A,B,C', 'live-hostile-1'),
      await liveRun(sandbox, ws, 'D', 'live-hostile-2'),
      await liveRun(sandbox, ws, 'B', 'live-hostile-3'),
    ];
    // The hostile answers did what they should to the rows (so the secrets really were in play), and no more.
    expect(sandbox.state.createsReceived).toEqual({ 'omni-video': 1, text2video: 2, image2video: 1, 'multi-image2video': 1 });
    expect(sandbox.state.tasksCreated).toEqual({ 'omni-video': 1, text2video: 0, image2video: 1, 'multi-image2video': 1 });
    const downloads = sandbox.state.requests.filter((r) => r.route === 'download').map((r) => r.path);
    expect(downloads.some((p) => p.includes('token='))).toBe(false);

    const texts = Object.fromEntries(
      runs.flatMap((r, i) => [[`stdout ${i + 1}`, r.stdout] as const, [`stderr ${i + 1}`, r.stderr] as const]),
    );
    const { scanned, hits } = scanForSecrets(ws.root, CANARY, texts);
    recordFigure({
      kind: 'hostile',
      name: 'live runs against a server quoting the secrets in 9 places, the account check included',
      creates: sandbox.state.createsReceived.text2video,
      doubleCreates: 0,
      filesScanned: scanned,
      hits: hits.length,
    });
    expect(hits).toEqual([]);
    expect(scanned).toBeGreaterThan(50);
  }, 300_000);

  it('the committed recordings hold no key, JWT or Bearer value either', () => {
    const { scanned, hits } = scanForSecrets('recordings', { accessKey: 'CANARY-not-here', secretKey: 'CANARY-not-here' });
    recordFigure({ kind: 'secret-scan', name: 'committed recordings', filesScanned: scanned, hits: hits.length });
    expect(hits).toEqual([]);
  });

  it('the scan finds what it looks for (a planted JWT and key are caught, and so is one inside a report)', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJDQU5BUllhayJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    expect(hitsIn('planted', `{"authorization":"Bearer ${jwt}","key":"${CANARY.secretKey}"}`, CANARY)).toEqual([
      'secret key in planted',
      'a JWT in planted',
      'a Bearer value in planted',
    ]);
    const ws = workspace();
    const embedded = Buffer.from(`{"message":"key ${CANARY.accessKey}"}`).toString('base64');
    writeTextFileForTest(join(ws.root, 'index.html'), `<script>d("data/attachments/x.json","${embedded}")</script>`);
    expect(scanForSecrets(ws.root, CANARY).hits).toEqual([`access key in ${join(ws.root, 'index.html')} → data/attachments/x.json`]);
  });
});
