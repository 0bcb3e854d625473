import { existsSync } from 'node:fs';
import FetchAdapter from '@pollyjs/adapter-fetch';
import { Polly } from '@pollyjs/core';
import { TransportAbort } from '../../kling/errors.ts';
import type { FetchContext } from '../../kling/http-context.ts';
import { readHarFile, type Har } from './cassette-format.ts';
import { matchBody, matchUrl } from './cassette-matching.ts';
import { CassettePersister, cassettePath, type CassettePersisterOptions } from './cassette-persister.ts';
import { describeDifferences, diffJson } from './replay-diff.ts';

/**
 * The one place Polly is used, so it can be replaced (its last release is from 2025). Record or replay one row's
 * cassette through the harness's fetch context.
 */

Polly.register(FetchAdapter);
Polly.register(CassettePersister);

export type CassetteMode = 'record' | 'replay';

export interface CassetteSession {
  /** Requests answered from the cassette so far (replay). */
  replayed: () => number;
  /** Entries the cassette holds (replay). */
  recorded: () => number;
  stop: () => Promise<void>;
}

/** A replay request with no recording, explained as a diff against what was recorded; it carries no secret. */
export class ReplayMismatchError extends TransportAbort {
  override readonly name = 'ReplayMismatchError';
}

export class MissingCassetteError extends TransportAbort {
  override readonly name = 'MissingCassetteError';
}

/**
 * The committed cassette of a row, or a one-line error saying how to make it (missing) or what is wrong with it
 * (FormatError). The one validated reader: a replay row reads its cassette once and hands it to startCassette.
 */
export function readCassette(row: string, dir: string): Har {
  const file = cassettePath(dir);
  if (!existsSync(file))
    throw new MissingCassetteError(`row ${row} has no cassette at ${file}: record it first (pnpm recordings:rerecord)`);
  return readHarFile(file);
}

/** `/v1/videos/text2video/{task_id}`: the path as matching sees it, readable. */
function matchedPath(url: string): string {
  return decodeURIComponent(new URL(matchUrl(url)).pathname);
}

function explainMismatch(row: string, har: Har, method: string, url: string, body: unknown): string {
  const where = matchedPath(url);
  const candidates = har.log.entries.filter((e) => e.request.method === method && matchedPath(e.request.url) === where);
  const head = `replay of row ${row}: no recorded answer for ${method} ${where}`;
  if (candidates.length === 0) {
    const recorded = [...new Set(har.log.entries.map((e) => `${e.request.method} ${matchedPath(e.request.url)}`))];
    return `${head}; the cassette has only: ${recorded.join(', ')}`;
  }
  const today = matchBody(body);
  const first = candidates[0];
  const recordedBody = matchBody(first?.request.postData?.text);
  if (today !== recordedBody) {
    const differences = diffJson(JSON.parse(recordedBody || 'null'), JSON.parse(today || 'null'));
    return `${head}: the body differs from the recording: ${describeDifferences(differences)}`;
  }
  return `${head}: the cassette holds ${candidates.length} such request(s) and this run made more`;
}

export function startCassette(options: {
  row: string;
  dir: string;
  mode: CassetteMode;
  provenance: string;
  context: FetchContext;
  /** Replay: the cassette readCassette returned for this row, so it is not read again; ignored when recording. */
  har?: Har | undefined;
}): CassetteSession {
  const har = options.mode === 'replay' ? (options.har ?? readCassette(options.row, options.dir)) : undefined;
  const persisterOptions: CassettePersisterOptions = {
    dir: options.dir,
    provenance: options.provenance,
    // Recording starts afresh: the row's earlier cassette is replaced whole, never merged, and never read at the
    // save that follows a paid create (where a broken earlier file would cost the row its result).
    recording: () => har ?? null,
  };
  const polly = new Polly(options.row, {
    mode: options.mode,
    logLevel: 'silent',
    adapters: ['fetch'],
    adapterOptions: { fetch: { context: options.context } },
    persister: 'kling-cassette',
    persisterOptions: { 'kling-cassette': persisterOptions, keepUnusedRequests: false },
    recordIfMissing: false,
    recordFailedRequests: true,
    flushRequestsOnStop: true,
    matchRequestsBy: {
      method: true,
      // Headers carry the JWT, dates and lengths: never part of a request's identity.
      headers: false,
      body: (body: unknown) => matchBody(body),
      order: true,
      url: (url: string) => matchUrl(url),
    },
  });
  let replayed = 0;
  polly.server.any().on('beforeReplay', () => {
    replayed += 1;
  });

  if (har !== undefined) {
    // Polly's own "not found" error dumps the request, headers (the JWT) included: replace it with a diff.
    const pollyFetch = options.context.fetch;
    options.context.fetch = (async (url: string, init?: { method?: string; body?: unknown }) => {
      try {
        return await pollyFetch(url, init as Parameters<typeof pollyFetch>[1]);
      } catch (error) {
        if (error instanceof Error && error.message.includes('Recording for the following request is not found')) {
          throw new ReplayMismatchError(explainMismatch(options.row, har, (init?.method ?? 'GET').toUpperCase(), url, init?.body));
        }
        throw error;
      }
    }) as typeof options.context.fetch;
  }

  return {
    replayed: () => replayed,
    recorded: () => har?.log.entries.length ?? 0,
    stop: () => polly.stop(),
  };
}
