import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Har, HarEntry, NameValue } from '../../helpers/harness/cassettes/cassette-format.ts';
import { RECORDED_ORIGIN } from '../../helpers/harness/cassettes/cassette-matching.ts';
import { normalizeHar } from '../../helpers/harness/cassettes/cassette-normalize.ts';
import { Fixturizer, taskIdsOf } from '../../helpers/harness/cassettes/fixturizer.ts';

/**
 * Cassette normalization on recordings built here, one concern each, where the committed before/after pair
 * (cassette-normalize.test.ts) has no case: a large base64 in an answer, bodies that are not JSON, headers in
 * any case, an answer with no body, and each volatile value's stand-in and its edges.
 */

const EPOCH = Date.UTC(2026, 0, 1);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function entry(fields: {
  url: string;
  method?: string;
  requestBody?: string;
  requestHeaders?: NameValue[];
  status?: number;
  content?: HarEntry['response']['content'];
  responseHeaders?: NameValue[];
}): HarEntry {
  return {
    _id: `id-${fields.url}`,
    _order: 0,
    startedDateTime: '2026-11-24T03:58:21.123Z',
    time: 38,
    timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: 37, receive: 0, ssl: -1 },
    cache: {},
    request: {
      method: fields.method ?? 'GET',
      url: fields.url,
      httpVersion: 'HTTP/1.1',
      headers: fields.requestHeaders ?? [],
      headersSize: 312,
      queryString: [],
      cookies: [],
      ...(fields.requestBody === undefined ? {} : { postData: { mimeType: 'application/json', text: fields.requestBody }, bodySize: 9 }),
    },
    response: {
      status: fields.status ?? 200,
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      headers: fields.responseHeaders ?? [],
      headersSize: 180,
      cookies: [],
      redirectURL: '',
      content: fields.content ?? { mimeType: 'application/json', size: 2, text: '{}' },
    },
  };
}

const har = (...entries: HarEntry[]): Har => ({
  log: { _recordingName: 'T', creator: { name: 'Polly.JS', version: '6.0.6', comment: 'persister' }, version: '1.2', pages: [], entries },
});

const normalized = (...entries: HarEntry[]) => normalizeHar(har(...entries), { comment: 'provenance: test' }).log.entries;
const json = (text: string | undefined): unknown => JSON.parse(text ?? 'null');

describe('Cassette normalization | what an answer may keep', () => {
  it('a large base64 in an answer becomes its digest token, as in a request', () => {
    const image = Buffer.alloc(60, 5);
    const [stored] = normalized(
      entry({
        url: 'http://127.0.0.1:1/v1/videos/image2video',
        content: { mimeType: 'application/json', text: JSON.stringify({ code: 0, data: { echo: image.toString('base64') } }) },
      }),
    );
    expect(json(stored?.response.content.text)).toEqual({ code: 0, data: { echo: `[base64 binary 60 bytes sha256:${sha(image)}]` } });
  });

  it('an answer that is not JSON keeps its text with task ids stood in; our own request body that is not JSON is kept as sent', () => {
    const id = '860000111122223333';
    const [create, page] = normalized(
      entry({
        url: 'http://127.0.0.1:1/v1/videos/text2video',
        method: 'POST',
        requestBody: `not json ${id}`,
        content: { mimeType: 'application/json', text: JSON.stringify({ code: 0, data: { task_id: id } }) },
      }),
      entry({ url: 'http://127.0.0.1:1/v1/videos/text2video/x', content: { mimeType: 'text/html', text: `<p>task ${id} failed</p>` } }),
    );
    expect(create?.request.postData).toEqual({ mimeType: 'application/json', text: `not json ${id}` });
    expect(create?.request.bodySize).toBe(Buffer.byteLength(`not json ${id}`));
    expect(page?.response.content).toEqual({ mimeType: 'text/html', size: 37, text: '<p>task 900000000000001000 failed</p>' });
  });

  it('an answer with no body has size 0 and no text; a request without a body has neither body nor size', () => {
    const [stored] = normalized(entry({ url: 'http://127.0.0.1:1/v1/videos/text2video/1', content: { mimeType: 'application/json' } }));
    expect(stored?.response.content).toEqual({ mimeType: 'application/json', size: 0 });
    expect(stored?.response.bodySize).toBe(0);
    expect(stored?.request).not.toHaveProperty('postData');
    expect(stored?.request).not.toHaveProperty('bodySize');
  });

  it('keeps only content-type on requests, content-type and retry-after on answers, whatever their case, named in lower case', () => {
    const [stored] = normalized(
      entry({
        url: 'http://127.0.0.1:1/v1/videos/text2video',
        method: 'POST',
        requestBody: '{}',
        requestHeaders: [
          { name: 'Authorization', value: 'Bearer eyJabc.def.ghi' },
          { name: 'Content-Type', value: 'application/json' },
          { name: 'Retry-After', value: '1' },
        ],
        status: 429,
        responseHeaders: [
          { name: 'Date', value: 'x' },
          { name: 'Retry-After', value: '7' },
          { name: 'CONTENT-TYPE', value: 'application/json' },
          { name: 'Set-Cookie', value: 'a=b' },
        ],
      }),
    );
    expect(stored?.request.headers).toEqual([{ name: 'content-type', value: 'application/json' }]);
    expect(stored?.response.headers).toEqual([
      { name: 'retry-after', value: '7' },
      { name: 'content-type', value: 'application/json' },
    ]);
    expect(stored?.response.status).toBe(429);
    expect(stored?.request.postData?.mimeType).toBe('application/json');
  });

  it('a post body with no mime type is stored as JSON', () => {
    const raw = entry({ url: 'http://127.0.0.1:1/v1/videos/text2video', method: 'POST', requestBody: '{"a":1}' });
    raw.request.postData = { text: '{"a":1}' } as NonNullable<HarEntry['request']['postData']>;
    expect(normalized(raw)[0]?.request.postData).toEqual({ mimeType: 'application/json', text: '{"a":1}' });
  });

  it('clocks, timings and the query string are fixed; the entry keeps its id and order', () => {
    const [first, second] = normalized(
      entry({ url: 'http://127.0.0.1:1/v1/videos/text2video?pageNum=2&pageSize=500' }),
      entry({ url: 'http://127.0.0.1:1/v1/videos/text2video?pageNum=3' }),
    );
    expect(first).toMatchObject({
      _id: 'id-http://127.0.0.1:1/v1/videos/text2video?pageNum=2&pageSize=500',
      _order: 0,
      startedDateTime: new Date(EPOCH).toISOString(),
      time: 0,
      timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: 0, receive: 0, ssl: -1 },
      cache: {},
    });
    expect(first?.request).toMatchObject({
      url: `${RECORDED_ORIGIN}/v1/videos/text2video?pageNum=2&pageSize=500`,
      headersSize: -1,
      queryString: [
        { name: 'pageNum', value: '2' },
        { name: 'pageSize', value: '500' },
      ],
      cookies: [],
    });
    expect(first?.response).toMatchObject({ headersSize: -1, cookies: [], redirectURL: '', statusText: 'OK', httpVersion: 'HTTP/1.1' });
    expect(second?.startedDateTime).toBe(new Date(EPOCH + 1000).toISOString());
  });
});

/** The content a video body becomes in a cassette: a note of its size and sha256, the note its own body. */
function standInFor(video: Buffer) {
  const note = `stand-in for a video/mp4 body of ${video.length} bytes, sha256 ${sha(video)}; the file itself is kept with the round's evidence, not in the cassette`;
  return {
    mimeType: 'video/mp4',
    size: Buffer.byteLength(note),
    text: Buffer.from(note).toString('base64'),
    encoding: 'base64',
    comment: note,
  };
}

describe('Cassette normalization | the result video', () => {
  const video = Buffer.from('\u0000\u0000\u0000\u0018ftypmp42 fake video bytes');
  const binary = { mimeType: 'video/mp4', size: video.length, text: video.toString('base64'), encoding: 'base64' };

  it('is a stand-in naming its size and sha256, and a stand-in stays itself when normalized again', () => {
    const [stored] = normalized(entry({ url: 'https://cdn.example.test/v.mp4?sig=1', content: binary }));
    const content = standInFor(video);
    expect(stored?.response.content).toEqual(content);
    expect(stored?.response.bodySize).toBe(content.size);
    expect(stored?.request.url).toBe(`${RECORDED_ORIGIN}/v.mp4`);
    expect(stored?.request.queryString).toEqual([]);
    const again = normalized(stored as HarEntry)[0];
    expect(again?.response.content).toEqual(stored?.response.content);
  });

  it('a base64 body with no text is the stand-in of an empty body', () => {
    const [stored] = normalized(entry({ url: 'https://cdn.example.test/v.mp4', content: { mimeType: 'video/mp4', encoding: 'base64' } }));
    expect(stored?.response.content.comment).toBe(
      `stand-in for a video/mp4 body of 0 bytes, sha256 ${sha(Buffer.alloc(0))}; the file itself is kept with the round's evidence, not in the cassette`,
    );
  });
});

describe('Cassette normalization | the stand-ins for volatile values', () => {
  it("collects every answer's task ids in order of first appearance, once each, skipping binary and non-JSON answers", () => {
    const answers = har(
      entry({ url: 'u1', content: { mimeType: 'application/json', text: JSON.stringify({ data: { task_id: 'B-task-0002' } }) } }),
      entry({
        url: 'u2',
        content: {
          mimeType: 'application/json',
          text: JSON.stringify({ data: [{ task_id: 'A-task-0001' }, { task_id: 'B-task-0002' }, { task_id: '' }, { task_id: 7 }] }),
        },
      }),
      entry({ url: 'u3', content: { mimeType: 'text/plain', text: 'task_id: C-task-0003' } }),
      entry({ url: 'u4', content: { mimeType: 'application/json', text: JSON.stringify({ task_id: 'D' }), encoding: 'base64' } }),
      entry({ url: 'u5', content: { mimeType: 'application/json' } }),
    );
    expect(taskIdsOf(answers)).toEqual(['B-task-0002', 'A-task-0001']);
  });

  it('task ids, request ids and external ids each get numbered stand-ins, the same for the same value', () => {
    const fx = new Fixturizer(true, ['t-first-0001', 't-second-002']);
    expect([fx.taskId('t-second-002'), fx.taskId('t-first-0001'), fx.taskId('t-new')]).toEqual([
      '900000000000001001',
      '900000000000001000',
      '900000000000001002',
    ]);
    expect([fx.requestId('r1'), fx.requestId('r2'), fx.requestId('r1')]).toEqual([
      '00000000-0000-4000-8000-000000000001',
      '00000000-0000-4000-8000-000000000002',
      '00000000-0000-4000-8000-000000000001',
    ]);
    expect([fx.externalId('round-1-B'), fx.externalId('round-1-C'), fx.externalId('round-1-B')]).toEqual([
      'external-task-1',
      'external-task-2',
      'external-task-1',
    ]);
  });

  it('timestamps keep their distance from the first one seen, which moves to 2026-01-01', () => {
    const fx = new Fixturizer(true, []);
    expect([fx.timestamp(5000), fx.timestamp(8500), fx.timestamp(4000)]).toEqual([EPOCH, EPOCH + 3500, EPOCH - 1000]);
  });

  it('in text, only ids of 8 characters or more, and only standing whole, are replaced', () => {
    const fx = new Fixturizer(true, ['1234567', '12345678', 'abcdefghij']);
    expect(fx.text('ids 1234567 and 12345678, x12345678 and 12345678y, abcdefghij.mp4')).toBe(
      'ids 1234567 and 900000000000001001, x12345678 and 12345678y, 900000000000001002.mp4',
    );
    expect(fx.text('a longer id first: abcdefghij12345678')).toBe('a longer id first: abcdefghij12345678');
  });

  it('a transcription keeps every task id, in text and in paths, and still stands in for request ids and clocks', () => {
    const fx = new Fixturizer(false, ['860000000000000001']);
    expect(fx.taskId('860000000000000001')).toBe('860000000000000001');
    expect(fx.text('task 860000000000000001')).toBe('task 860000000000000001');
    expect(fx.url('http://h/v1/videos/text2video/860000000000000001')).toBe(`${RECORDED_ORIGIN}/v1/videos/text2video/860000000000000001`);
    expect(fx.json({ request_id: 'r', created_at: 10 }, false)).toEqual({
      request_id: '00000000-0000-4000-8000-000000000001',
      created_at: EPOCH,
    });
  });

  it("an API path names a task only in its last segment, decoded; another URL's path may carry the id anywhere", () => {
    const fx = new Fixturizer(true, ['a+b/c==', '860000000000000001']);
    expect(fx.url('http://h/v1/videos/text2video/a%2Bb%2Fc%3D%3D')).toBe(`${RECORDED_ORIGIN}/v1/videos/text2video/900000000000001000`);
    expect(fx.url('http://h/v1/videos/text2video/860000000000000001?x=1')).toBe(
      `${RECORDED_ORIGIN}/v1/videos/text2video/900000000000001001?x=1`,
    );
    expect(fx.url('http://h/v1/videos/text2video/unknown-id')).toBe(`${RECORDED_ORIGIN}/v1/videos/text2video/unknown-id`);
    expect(fx.url('http://h/v1/videos/text2video/%E0%A4%A')).toBe(`${RECORDED_ORIGIN}/v1/videos/text2video/%E0%A4%A`);
    expect(fx.url('http://h/v1/860000000000000001/videos')).toBe(`${RECORDED_ORIGIN}/v1/860000000000000001/videos`);
    expect(fx.url('https://cdn.test/860000000000000001/860000000000000001.mp4?sig=9')).toBe(
      `${RECORDED_ORIGIN}/900000000000001001/900000000000001001.mp4`,
    );
  });

  it('in an answer: ids by their key, clocks by theirs, URLs and text by their ids; our own request keeps all but its ids', () => {
    const fx = new Fixturizer(true, ['860000000000000001']);
    const answer = {
      task_id: '860000000000000001',
      request_id: 'req',
      created_at: 100,
      updated_at: 150,
      started_at: 7,
      created: '860000000000000001',
      task_info: { external_task_id: 'round-B' },
      list: [{ url: 'https://cdn.test/860000000000000001.mp4', n: 5, ok: true, none: null }],
    };
    expect(fx.json(answer, false)).toEqual({
      task_id: '900000000000001000',
      request_id: '00000000-0000-4000-8000-000000000001',
      created_at: EPOCH,
      updated_at: EPOCH + 50,
      started_at: 7,
      created: '900000000000001000',
      task_info: { external_task_id: 'external-task-1' },
      list: [{ url: `${RECORDED_ORIGIN}/900000000000001000.mp4`, n: 5, ok: true, none: null }],
    });
    expect(
      fx.json(
        { task_id: '860000000000000001', prompt: 'a 860000000000000001', request_id: 'req', external_task_id: 'round-B', created_at: 1 },
        true,
      ),
    ).toEqual({
      task_id: '860000000000000001',
      prompt: 'a 860000000000000001',
      request_id: '00000000-0000-4000-8000-000000000001',
      external_task_id: 'external-task-1',
      created_at: EPOCH + 1 - 100,
    });
    expect(fx.json('ftp://cdn.test/860000000000000001', false)).toBe('ftp://cdn.test/900000000000001000');
    expect(fx.json('https://cdn.test/x?id=860000000000000001', false)).toBe(`${RECORDED_ORIGIN}/x`);
  });
});

describe('Cassette normalization | edges of the stand-ins', () => {
  it('a base64 body with a comment of its own is still a stand-in: only our own stand-in note is left as it is', () => {
    // The "already a stand-in" check keys on the note's opening words; any other comment (a recorder's) is no proof.
    const video = Buffer.from('real video bytes');
    const [stored] = normalized(
      entry({
        url: 'https://cdn.example.test/v.mp4',
        content: {
          mimeType: 'video/mp4',
          size: video.length,
          text: video.toString('base64'),
          encoding: 'base64',
          comment: 'recorded by Polly',
        },
      }),
    );
    const content = standInFor(video);
    expect(stored?.response.content).toEqual(content);
  });

  it('an id holding regex characters is matched literally in text: replaced where it stands, not where a pattern would match', () => {
    // Task ids are opaque: `.` and `+` in one are the characters themselves, so the id is escaped before it becomes a pattern.
    const fx = new Fixturizer(true, ['task.id+0001']);
    expect(fx.text('see task.id+0001 now')).toBe('see 900000000000001000 now');
    expect(fx.text('see taskXidd0001 now')).toBe('see taskXidd0001 now');
  });

  it('in text, a long id that holds a shorter one is replaced whole, before the shorter one can cut it apart', () => {
    // '12345678' stands whole inside '12345678-9abc' (a '-' bounds it): replaced first, it would leave '…-9abc' behind.
    const fx = new Fixturizer(true, ['12345678', '12345678-9abc']);
    expect(fx.text('video 12345678-9abc and 12345678')).toBe('video 900000000000001001 and 900000000000001000');
  });

  it('a transcription keeps answer text byte for byte, even when a task id holds `$` (a replacement pattern to String.replace)', () => {
    // Kept ids are not run through replace at all: replacing an id by itself would turn its '$$' into '$'.
    const id = 'task$$id-0001';
    const answer = JSON.stringify({ code: 0, data: { task_id: id, task_status_msg: `${id} finished` } });
    const recording = har(
      entry({ url: 'http://127.0.0.1:1/v1/videos/text2video/x', content: { mimeType: 'application/json', text: answer } }),
    );
    const [stored] = normalizeHar(recording, { comment: 'transcription', keepTaskIds: true }).log.entries;
    expect(json(stored?.response.content.text)).toEqual({ code: 0, data: { task_id: id, task_status_msg: `${id} finished` } });
    expect(new Fixturizer(false, [id]).text(`a ${id} b`)).toBe(`a ${id} b`);
  });

  it('only a value that starts with a URL is rebased as one; a message that mentions a URL stays text', () => {
    // Rebasing "failed, see https://…" as a URL would make the whole sentence a path on the recorded origin.
    const fx = new Fixturizer(true, ['860000000000000001']);
    expect(fx.json({ task_status_msg: 'failed, see https://cdn.test/860000000000000001.mp4?sig=1' }, false)).toEqual({
      task_status_msg: 'failed, see https://cdn.test/900000000000001000.mp4?sig=1',
    });
  });
});
