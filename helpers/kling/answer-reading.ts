import { envelopeHead } from './response-schemas.ts';

/**
 * What an HTTP answer says, before anything else reads it: the API's success, the API's refusal in its own words,
 * or not the API at all. Only a Kling envelope carrying a code from the table of kling-api §6 is the API
 * deciding; a redirect, a gateway's page, a JSON body with no code or an unknown one, or code 0 under an error
 * status says nothing about what the API did (promises §11).
 */

/** kling-api §6: every code the API documents, 0 included. */
export const KLING_CODES: ReadonlySet<number> = new Set([
  0, 1000, 1001, 1002, 1003, 1004, 1100, 1101, 1102, 1103, 1200, 1201, 1202, 1203, 1300, 1301, 1302, 1303, 1304, 5000, 5001, 5002,
]);

/** kling-api §6: the server-side failures; at create they may come after the task was made. */
export const SERVER_ERROR_CODES: ReadonlySet<number> = new Set([5000, 5001, 5002]);

export type AnswerReading =
  | { kind: 'ok' }
  | { kind: 'kling-error'; code: number; message: string | undefined; requestId: string | undefined }
  | { kind: 'not-kling'; why: string };

export interface RawAnswer {
  httpStatus: number;
  /** The parsed body; undefined when it is not JSON. */
  json: unknown;
  retryAfterMs: number | undefined;
  /** The Location header of a redirect, never followed. */
  location: string | undefined;
}

function whereTo(location: string | undefined): string {
  if (location === undefined) return '';
  try {
    return ` to ${new URL(location, 'http://relative.invalid').host}`;
  } catch {
    return ' to an unreadable location';
  }
}

export function readAnswer(raw: RawAnswer): AnswerReading {
  const status = raw.httpStatus;
  if (status >= 300 && status < 400) return { kind: 'not-kling', why: `HTTP ${status} redirect${whereTo(raw.location)}, not followed` };
  if (raw.json === undefined) return { kind: 'not-kling', why: `HTTP ${status} with a body that is not JSON` };
  const head = envelopeHead.safeParse(raw.json);
  if (!head.success) return { kind: 'not-kling', why: `HTTP ${status} with no Kling code in the body` };
  const { code, message, request_id: requestId } = head.data;
  if (!KLING_CODES.has(code)) return { kind: 'not-kling', why: `HTTP ${status} with code ${code}, which is not a Kling code` };
  if (code === 0) return status < 300 ? { kind: 'ok' } : { kind: 'not-kling', why: `HTTP ${status} with code 0` };
  return { kind: 'kling-error', code, message, requestId };
}
