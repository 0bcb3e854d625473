import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport, remoteReferences, stripAnalytics } from '../../helpers/harness/evidence/report.ts';
import { embeddedCalls, embeddedFiles } from '../../helpers/harness/sinks/single-file-report.ts';
import { registerSecret } from '../../helpers/harness/sinks/scrubber.ts';
import { knownGoodPng } from '../support/images.ts';

const GTAG = `<body>
    <div id="app"></div>
    <script async src="https://www.googletagmanager.com/gtag/js?id=G-TEST"></script>
    <script>
        window.dataLayer = window.dataLayer || [];
        function gtag(){dataLayer.push(arguments);}
        gtag('js', new Date());
        gtag('config', 'G-TEST', { "report": "awesome" });
    </script>
    <script>window.allure = {};</script>
</body>`;

/** A results folder with one row result carrying an image and a video attachment. */
function resultsWithAttachments(): string {
  const dir = mkdtempSync(join(tmpdir(), 'allure-results-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'input-attachment.png'), knownGoodPng);
  writeFileSync(join(dir, 'result-attachment.mp4'), readFileSync('helpers/sandbox/fixtures/result.mp4'));
  const now = Date.now();
  writeFileSync(
    join(dir, `${randomUUID()}-result.json`),
    JSON.stringify({
      uuid: randomUUID(),
      historyId: 'row-c',
      name: 'C · image2video — tightened (sandbox)',
      fullName: 'specs/rows/C-image2video-no-model.spec.ts#C',
      status: 'passed',
      stage: 'finished',
      start: now,
      stop: now + 10,
      labels: [{ name: 'tag', value: 'verdict:tightened' }],
      parameters: [{ name: 'row', value: 'C' }],
      steps: [],
      attachments: [
        { name: 'input image 1', source: 'input-attachment.png', type: 'image/png' },
        { name: 'result video', source: 'result-attachment.mp4', type: 'video/mp4' },
      ],
    }),
  );
  return dir;
}

describe('Harness | report', () => {
  it('cuts the analytics tag out and keeps the rest of the page', () => {
    const html = stripAnalytics(GTAG);
    expect(html).not.toMatch(/googletagmanager|gtag/);
    expect(html).toContain('<script>window.allure = {};</script>');
    expect(remoteReferences(GTAG)).toEqual(['https://www.googletagmanager.com/gtag/js?id=G-TEST', 'analytics']);
    expect(remoteReferences(html)).toEqual([]);
  });

  it('builds one HTML file that opens from disk, holds the attachments, and phones nowhere', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'allure-report-')), 'report');
    const index = buildReport({ resultsDir: resultsWithAttachments(), outDir: out, name: 'test round' });
    const html = readFileSync(index, 'utf8');
    expect(index).toBe(join(out, 'index.html'));
    expect(remoteReferences(html)).toEqual([]);
    expect(html).not.toMatch(/googletagmanager|gtag\(/);
    // Single-file mode embeds attachments as base64 in the page itself.
    expect(html).toContain(knownGoodPng.toString('base64').slice(0, 200));
  }, 60_000);

  it('says what to do when there are no results', () => {
    const empty = mkdtempSync(join(tmpdir(), 'allure-empty-'));
    expect(() => buildReport({ resultsDir: empty, outDir: join(empty, 'out'), name: 'x' })).toThrow(
      `no Allure results in ${empty}: run the tests, a rehearsal or a live round first`,
    );
  });

  it('scrubs what a result holds even when it reached the results folder unscrubbed, and keeps every embedded file readable', () => {
    const secret = 'sk-report-canary-7Q2fXw9LmZ';
    registerSecret(secret);
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJhay1yZXBvcnQifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';
    const dir = resultsWithAttachments();
    writeFileSync(join(dir, 'quoted-attachment.txt'), `the server said: ${secret} and Bearer ${jwt}`);
    const result = readdirSync(dir).find((f) => f.endsWith('-result.json')) ?? 'none';
    const parsed = JSON.parse(readFileSync(join(dir, result), 'utf8')) as { attachments: unknown[]; statusDetails?: unknown };
    parsed.attachments.push({ name: `quoted ${secret}`, source: 'quoted-attachment.txt', type: 'text/plain' });
    parsed.statusDetails = { message: `failed with ${jwt}` };
    writeFileSync(join(dir, result), JSON.stringify(parsed));

    const index = buildReport({ resultsDir: dir, outDir: join(mkdtempSync(join(tmpdir(), 'allure-report-')), 'report'), name: 'r' });
    const html = readFileSync(index, 'utf8');
    const files = embeddedFiles(html);
    expect(files).toHaveLength(embeddedCalls(html));
    const texts = [html, ...files.map((f) => f.content.toString('utf8'))];
    expect(texts.filter((t) => t.includes(secret) || t.includes(jwt))).toEqual([]);
    // Scrubbed, not dropped: the attachment is still there, its secret replaced.
    expect(files.some((f) => f.content.toString('utf8').startsWith('the server said: '))).toBe(true);
    // The video is embedded byte for byte: a binary file is not text to scrub.
    expect(files.some((f) => f.content.equals(readFileSync('helpers/sandbox/fixtures/result.mp4')))).toBe(true);
  }, 60_000);
});
