import { randomUUID } from 'node:crypto';
import * as allure from 'allure-js-commons';
import { FileSystemWriter } from 'allure-js-commons/sdk/reporter';
import { scrubError, scrubText } from '../sinks/scrubber.ts';

/**
 * Where a row's evidence goes while it runs: the Allure report in a test run, a plain list in the harness's own
 * tests. The runner only knows this interface. This is the only module that talks to Allure, and both sinks scrub
 * everything they are given: titles, parameters, labels, attachments, and the error of a failing step.
 */
export interface EvidenceSink {
  step<T>(name: string, body: () => Promise<T>): Promise<T>;
  attach(name: string, content: string | Buffer, contentType: string): Promise<void>;
  /** A file attached by its path (a result video): never read into memory. */
  attachFile(name: string, path: string, contentType: string): Promise<void>;
  parameter(name: string, value: string): Promise<void>;
  label(name: string, value: string): Promise<void>;
  displayName(name: string): Promise<void>;
  description(markdown: string): Promise<void>;
}

/** Images and videos are bytes we checked (our assets, a download scanned for secrets); anything else is text. */
function scrubbedContent(content: string | Buffer, contentType: string): string | Buffer {
  if (/^(image|video)\//.test(contentType) && Buffer.isBuffer(content)) return content;
  return scrubText(typeof content === 'string' ? content : content.toString('utf8'));
}

/** Any sink, with every value it is handed scrubbed first, and the error of a failing step scrubbed in place. */
function scrubbing(sink: EvidenceSink): EvidenceSink {
  return {
    step: (name, body) =>
      sink.step(scrubText(name), async () => {
        try {
          return await body();
        } catch (error) {
          // The step records the error's message and stack: scrub them before the report sees them.
          scrubError(error);
          throw error;
        }
      }),
    attach: (name, content, contentType) => sink.attach(scrubText(name), scrubbedContent(content, contentType), contentType),
    attachFile: (name, path, contentType) => sink.attachFile(scrubText(name), path, contentType),
    parameter: (name, value) => sink.parameter(scrubText(name), scrubText(value)),
    label: (name, value) => sink.label(scrubText(name), scrubText(value)),
    displayName: (name) => sink.displayName(scrubText(name)),
    description: (markdown) => sink.description(scrubText(markdown)),
  };
}

export const allureSink: EvidenceSink = scrubbing({
  step: (name, body) => Promise.resolve(allure.step(name, body)),
  attach: (name, content, contentType) => Promise.resolve(allure.attachment(name, content, contentType)),
  attachFile: (name, path, contentType) => Promise.resolve(allure.attachmentPath(name, path, contentType)),
  parameter: (name, value) => Promise.resolve(allure.parameter(name, value)),
  label: (name, value) => Promise.resolve(allure.label(name, value)),
  displayName: (name) => Promise.resolve(allure.displayName(name)),
  description: (markdown) => Promise.resolve(allure.description(markdown)),
});

/** A text the round as a whole carries: its summary, the account before and after. */
export interface RoundAttachment {
  name: string;
  content: string;
  contentType: 'text/markdown' | 'application/json' | 'text/plain';
}

const EXTENSIONS: Readonly<Record<RoundAttachment['contentType'], string>> = {
  'text/markdown': 'md',
  'application/json': 'json',
  'text/plain': 'txt',
};

/**
 * The round's own attachments, written into the Allure results after the last row (the report's global
 * attachments), through Allure's own writer, scrubbed like everything else the report holds.
 */
export function attachToRound(resultsDir: string, attachments: readonly RoundAttachment[]): void {
  const writer = new FileSystemWriter({ resultsDir });
  const written = attachments.map((a) => {
    const source = `${randomUUID()}-attachment.${EXTENSIONS[a.contentType]}`;
    writer.writeAttachment(source, Buffer.from(scrubText(a.content), 'utf8'));
    return { name: scrubText(a.name), type: a.contentType, source, timestamp: Date.now() };
  });
  writer.writeGlobals(`${randomUUID()}-globals.json`, { attachments: written, errors: [] });
}

export type SinkEvent =
  | { kind: 'step'; name: string }
  | { kind: 'attach'; name: string; contentType: string; content: string | Buffer }
  | { kind: 'attachFile'; name: string; contentType: string; path: string }
  | { kind: 'parameter' | 'label'; name: string; value: string }
  | { kind: 'displayName' | 'description'; value: string };

/** A sink that keeps what it was given, in order, scrubbed as the report's would be: tests see what Allure gets. */
export function memorySink(): EvidenceSink & { events: SinkEvent[] } {
  const events: SinkEvent[] = [];
  const record = (event: SinkEvent) => {
    events.push(event);
    return Promise.resolve();
  };
  return {
    events,
    ...scrubbing({
      step: async (name, body) => {
        events.push({ kind: 'step', name });
        return body();
      },
      attach: (name, content, contentType) => record({ kind: 'attach', name, content, contentType }),
      attachFile: (name, path, contentType) => record({ kind: 'attachFile', name, path, contentType }),
      parameter: (name, value) => record({ kind: 'parameter', name, value }),
      label: (name, value) => record({ kind: 'label', name, value }),
      displayName: (value) => record({ kind: 'displayName', value }),
      description: (value) => record({ kind: 'description', value }),
    }),
  };
}
