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
  /**
   * Replay: the cassette the row already read (readCassette), answered instead of reading the file again; record:
   * null, a fresh recording. A function, because Polly's config merge (lodash mergeWith) deep-copies plain objects
   * and would hand over a copy.
   */
  recording: () => Har | null;
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
    const har = this.settings.recording();
    // Polly types a found recording as its HAR class (with addEntries); it reads the plain object, and wraps it
    // itself (new HAR(recording)) before adding to it.
    return Promise.resolve(har as PollyHar | null);
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
