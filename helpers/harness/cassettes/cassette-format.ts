/** The parts of a HAR cassette the harness reads and writes (Polly's format, HAR 1.2). */

export interface NameValue {
  name: string;
  value: string;
}

export interface HarEntry {
  _id: string;
  _order: number;
  startedDateTime: string;
  time: number;
  timings: Record<string, number>;
  cache: object;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    headers: NameValue[];
    headersSize: number;
    queryString: NameValue[];
    cookies: unknown[];
    bodySize?: number;
    postData?: { mimeType: string; text?: string; params?: unknown[] };
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    headers: NameValue[];
    headersSize: number;
    cookies: unknown[];
    redirectURL: string;
    bodySize?: number;
    content: { mimeType: string; size?: number; text?: string; encoding?: string; comment?: string };
  };
}

export interface Har {
  log: {
    _recordingName: string;
    creator: { name: string; version: string; comment: string };
    version: string;
    pages: unknown[];
    entries: HarEntry[];
    comment?: string;
  };
}
