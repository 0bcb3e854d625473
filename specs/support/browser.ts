import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * The system's Chromium, driven by playwright-core, for tests that open what the harness built as a person would.
 * playwright-core never downloads a browser: it is always given this one (Debian's package; .ci/run installs it).
 */

/** Where Debian's `chromium` package puts the browser. */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** What a test says when it has no browser to run in. */
export const NO_CHROMIUM = `no Chromium at ${SYSTEM_CHROMIUM} or on PATH; set CHROMIUM_PATH`;

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * CHROMIUM_PATH, else Debian's Chromium, else `chromium` on PATH. CHROMIUM_PATH is taken as given, even when nothing
 * is there: a wrong path then fails at launch, rather than quietly skipping the tests it was set for.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH;
  if (isExecutable(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  return (env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, 'chromium'))
    .find(isExecutable);
}

/**
 * Headless, and quiet: without the background-networking, component-update and sync switches Chromium calls
 * Google's services at start, which a closed network refuses (and a test of "nothing leaves the file" must not see).
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/** The schemes a page opened from disk may load from: the file itself and what it unpacks in memory. */
export const LOCAL_SCHEMES = ['file:', 'data:', 'blob:'] as const;

export function isLocalUrl(url: string): boolean {
  return LOCAL_SCHEMES.some((scheme) => url.startsWith(scheme));
}

export interface LocalFileSession {
  context: BrowserContext;
  page: Page;
  /** The file's own URL, to go back to its first screen. */
  url: string;
  /**
   * Every URL the session asked for, in order: requests of every page, and WebSockets (which are not requests).
   * While the route below is on, Chromium does not report blob: loads as requests; every other scheme it does.
   */
  requests: string[];
  /** The requests that were refused for not being local (a subset of `requests`). */
  blocked: string[];
  close(): Promise<void>;
}

/**
 * A fresh context (no storage from another session, so the page opens as it would for a first-time reader) with one
 * page on the file. Anything not file:, data: or blob: is aborted and recorded, in every page of the context: a test
 * asserts on the record, and nothing leaks even when that assertion fails.
 */
export async function openLocalFile(
  browser: Browser,
  file: string,
  viewport: { width: number; height: number } = { width: 1280, height: 800 },
): Promise<LocalFileSession> {
  // Offline too: a request the route did not see (a service worker's, say) still cannot reach a network.
  const context = await browser.newContext({ viewport, offline: true, serviceWorkers: 'block' });
  const requests: string[] = [];
  const blocked: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocalUrl(url)) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  // A routed WebSocket that is not connected onwards never reaches its server.
  await context.routeWebSocket(/.*/, (socket) => {
    requests.push(socket.url());
    blocked.push(socket.url());
    return socket.close();
  });
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  await page.goto(url);
  return { context, page, url, requests, blocked, close: () => context.close() };
}
