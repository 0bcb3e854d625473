import { z } from 'zod';
import { readJsonFileAsIs } from '../sinks/json-file.ts';

/**
 * The parts of a HAR cassette the harness and Polly read and write (Polly's format, HAR 1.2), as a schema. Every
 * object is loose: a field HAR or Polly has and we do not name is kept as read, so a cassette re-writes unchanged.
 * Optional fields are exactOptional: JSON has no `undefined`, and the types stay those of the code that builds
 * cassettes (cassette-normalize.ts).
 */

const nameValue = z.looseObject({ name: z.string(), value: z.string() });

const request = z.looseObject({
  method: z.string(),
  url: z.string(),
  httpVersion: z.string(),
  headers: z.array(nameValue),
  headersSize: z.number(),
  queryString: z.array(nameValue),
  cookies: z.array(z.unknown()),
  bodySize: z.number().exactOptional(),
  postData: z
    .looseObject({ mimeType: z.string(), text: z.string().exactOptional(), params: z.array(z.unknown()).exactOptional() })
    .exactOptional(),
});

const response = z.looseObject({
  status: z.number(),
  statusText: z.string(),
  httpVersion: z.string(),
  headers: z.array(nameValue),
  headersSize: z.number(),
  cookies: z.array(z.unknown()),
  redirectURL: z.string(),
  bodySize: z.number().exactOptional(),
  content: z.looseObject({
    mimeType: z.string(),
    size: z.number().exactOptional(),
    text: z.string().exactOptional(),
    encoding: z.string().exactOptional(),
    comment: z.string().exactOptional(),
  }),
});

const entry = z.looseObject({
  _id: z.string(),
  _order: z.number(),
  startedDateTime: z.string(),
  time: z.number(),
  timings: z.record(z.string(), z.number()),
  cache: z.looseObject({}),
  request,
  response,
});

export const harSchema = z.looseObject({
  log: z.looseObject({
    _recordingName: z.string(),
    creator: z.looseObject({ name: z.string(), version: z.string(), comment: z.string() }),
    version: z.string(),
    pages: z.array(z.unknown()),
    entries: z.array(entry),
    comment: z.string().exactOptional(),
  }),
});

export type NameValue = z.infer<typeof nameValue>;
export type HarEntry = z.infer<typeof entry>;
export type Har = z.infer<typeof harSchema>;

/** The cassette file as read, once the schema accepts it, or a FormatError naming the file and the field. */
export function readHarFile(file: string): Har {
  return readJsonFileAsIs(file, harSchema);
}
