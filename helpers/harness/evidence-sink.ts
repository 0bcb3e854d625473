import * as allure from 'allure-js-commons';

/**
 * Where a row's evidence goes while it runs: the Allure report in a test run, a plain list in the harness's own
 * tests. The runner only knows this interface.
 */
export interface EvidenceSink {
  step<T>(name: string, body: () => Promise<T>): Promise<T>;
  attach(name: string, content: string | Buffer, contentType: string): Promise<void>;
  parameter(name: string, value: string): Promise<void>;
  label(name: string, value: string): Promise<void>;
  displayName(name: string): Promise<void>;
  description(markdown: string): Promise<void>;
}

export const allureSink: EvidenceSink = {
  step: (name, body) => Promise.resolve(allure.step(name, body)),
  attach: (name, content, contentType) => Promise.resolve(allure.attachment(name, content, contentType)),
  parameter: (name, value) => Promise.resolve(allure.parameter(name, value)),
  label: (name, value) => Promise.resolve(allure.label(name, value)),
  displayName: (name) => Promise.resolve(allure.displayName(name)),
  description: (markdown) => Promise.resolve(allure.description(markdown)),
};

export type SinkEvent =
  | { kind: 'step'; name: string }
  | { kind: 'attach'; name: string; contentType: string; content: string | Buffer }
  | { kind: 'parameter' | 'label'; name: string; value: string }
  | { kind: 'displayName' | 'description'; value: string };

/** A sink that keeps what it was given, in order. */
export function memorySink(): EvidenceSink & { events: SinkEvent[] } {
  const events: SinkEvent[] = [];
  return {
    events,
    step: async (name, body) => {
      events.push({ kind: 'step', name });
      return body();
    },
    attach: (name, content, contentType) => {
      events.push({ kind: 'attach', name, content, contentType });
      return Promise.resolve();
    },
    parameter: (name, value) => {
      events.push({ kind: 'parameter', name, value });
      return Promise.resolve();
    },
    label: (name, value) => {
      events.push({ kind: 'label', name, value });
      return Promise.resolve();
    },
    displayName: (value) => {
      events.push({ kind: 'displayName', value });
      return Promise.resolve();
    },
    description: (value) => {
      events.push({ kind: 'description', value });
      return Promise.resolve();
    },
  };
}
