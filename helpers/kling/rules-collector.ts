/**
 * How a request rule reports (kling-api §3): a Collector takes the errors (the API refuses the body) and the
 * warnings (the plan and the docs disagree, the docs are silent, or the API may ignore a field), and `cite`
 * makes the docs reference every message ends with.
 */

export interface Collector {
  error(path: string, message: string): void;
  warn(path: string, message: string): void;
}

export const cite = (section: string): string => `(docs/kling-api.md ${section})`;
