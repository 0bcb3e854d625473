import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Persister from '@pollyjs/persister';
import type { Har as PollyHar } from '@pollyjs/persister';
import type { Har } from './cassette-format.ts';
import { normalizeHar } from './cassette-normalize.ts';
import { writeJsonFile } from '../sinks/scrubbed-files.ts';

/**
 * Polly persister for one row: `<dir>/cassette.har`, pretty-printed, normalized and redacted on the way to disk
 * (cassette-normalize.ts). A file of our own rather than persister-fs, whose folder names carry a hash and which
 * pulls in an HTTP server package the harness does not need.
 */
export interface CassettePersisterOptions {
  dir: string;
  /** Where the recording came from, written into the cassette: live, sandbox or transcribed. */
  provenance: string;
}

export const CASSETTE_FILE = 'cassette.har';

export function cassettePath(dir: string): string {
  return join(dir, CASSETTE_FILE);
}

export class CassettePersister extends Persister<CassettePersisterOptions> {
  static override readonly id = 'kling-cassette';

  private get settings(): CassettePersisterOptions {
    return this.options;
  }

  override onFindRecording(): Promise<PollyHar | null> {
    const file = cassettePath(this.settings.dir);
    return Promise.resolve(existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PollyHar) : null);
  }

  override onSaveRecording(_recordingId: string, har: PollyHar): Promise<void> {
    const normalized = normalizeHar(JSON.parse(JSON.stringify(har)) as Har, {
      comment: `provenance: ${this.settings.provenance}`,
      keepTaskIds: this.settings.provenance === 'transcribed',
    });
    // Scrubbed and written whole, then renamed into place: every header and body, JSON or not, as stored.
    writeJsonFile(cassettePath(this.settings.dir), normalized);
    return Promise.resolve();
  }

  override onDeleteRecording(): Promise<void> {
    // Cassettes are removed by people, in review, never by a run.
    return Promise.resolve();
  }
}
