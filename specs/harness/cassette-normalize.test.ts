import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Har } from '../../helpers/harness/cassettes/cassette-format.ts';
import { RECORDED_ORIGIN, matchBody, matchUrl } from '../../helpers/harness/cassettes/cassette-matching.ts';
import { normalizeHar } from '../../helpers/harness/cassettes/cassette-normalize.ts';
import { base64Token, redactBody } from '../../helpers/harness/cassettes/redact.ts';
import { knownGoodBase64 } from '../support/images.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/cassettes/${name}`, import.meta.url), 'utf8')) as Har;
const RAW = fixture('raw-sandbox-C.har');
const NORMALIZED = fixture('normalized-sandbox-C.har');
const options = { comment: 'provenance: sandbox' };

/** The same recording made a second time: new task id, request ids, round, port, clock and signature. */
function reRecorded(raw: Har): Har {
  const text = JSON.stringify(raw)
    .replaceAll('860000433895884002', '860000987654321007')
    .replaceAll('6f1c2b0e-7a3d-4e55-9a61-0b7c4de2a9f3', '11111111-2222-4333-8444-555555555555')
    .replaceAll('rehearse-20261124-035824-C', 'rehearse-20261201-101010-C')
    .replaceAll('127.0.0.1:40123', '127.0.0.1:51999')
    .replaceAll('sig=3f9a', 'sig=77aa')
    .replaceAll('1795924704123', '1796000000000')
    .replaceAll('1795924707623', '1796000003500');
  return JSON.parse(text) as Har;
}

describe('Harness | cassette normalization (committed before/after pair)', () => {
  it('turns the raw capture into exactly the committed normalized cassette', () => {
    expect(normalizeHar(RAW, options)).toEqual(NORMALIZED);
  });

  it('leaves no credential: no Authorization header, no JWT, no Bearer value', () => {
    const text = JSON.stringify(normalizeHar(RAW, options));
    expect(JSON.stringify(RAW)).toMatch(/eyJ/);
    expect(text).not.toMatch(/eyJ|Bearer|authorization/i);
  });

  it('stores the base64 image as kind, size and sha256', () => {
    const body = JSON.parse(NORMALIZED.log.entries[0]?.request.postData?.text ?? '{}') as { image: string };
    expect(body.image).toMatch(/^\[base64 png 100 bytes sha256:[0-9a-f]{64}\]$/);
  });

  it('keeps a stand-in instead of the video, naming its real size and sha256', () => {
    const content = NORMALIZED.log.entries[2]?.response.content;
    expect(content?.comment).toMatch(/^stand-in for a video\/mp4 body of 212 bytes, sha256 [0-9a-f]{64}/);
    expect(Buffer.from(content?.text ?? '', 'base64').toString('utf8')).toBe(content?.comment);
    expect(NORMALIZED.log.entries[2]?.response.headers).toEqual([{ name: 'content-type', value: 'video/mp4' }]);
  });

  it('re-recording an unchanged API gives the same bytes: ids, rounds, ports, clocks and signatures are normalized', () => {
    expect(JSON.stringify(normalizeHar(reRecorded(RAW), options))).toBe(JSON.stringify(NORMALIZED));
  });

  it('is idempotent', () => {
    expect(normalizeHar(NORMALIZED, options)).toEqual(NORMALIZED);
  });

  it('keeps request identities: matching a stored API request equals matching the recorded one', () => {
    // The pair predates downloads leaving the recorder: its result entry is still stored (as a stand-in), but
    // no request is matched against it any more.
    RAW.log.entries.forEach((raw, i) => {
      if (!new URL(raw.request.url).pathname.startsWith('/v1/')) return;
      const stored = NORMALIZED.log.entries[i];
      expect(matchUrl(stored?.request.url ?? '')).toBe(matchUrl(raw.request.url));
      expect(matchBody(stored?.request.postData?.text)).toBe(matchBody(raw.request.postData?.text));
    });
  });

  it('normalizes an opaque 22-character task id (request_id equal to it) as it does an 18-digit one, stable across re-records', () => {
    const opaque = (id: string) => JSON.parse(JSON.stringify(RAW).replaceAll('860000433895884002', id)) as Har;
    const first = normalizeHar(opaque('CjI17WevH1IAAAAAAHmgsw'), options);
    expect(JSON.stringify(first)).not.toContain('CjI17WevH1IAAAAAAHmgsw');
    expect(JSON.stringify(first)).toBe(JSON.stringify(normalizeHar(opaque('DkJ28XfwI2JBBBBBBInhtx'), options)));
    expect(JSON.stringify(first)).toBe(JSON.stringify(NORMALIZED));
  });

  it.each([
    ['"5", which is also a duration', '5'],
    ['the name of the endpoint', 'text2video'],
    ['URL-unsafe characters', 'a+b/c=='],
  ])('a hostile task id (%s) is stood in for where it names the task, and nowhere else', (_name, id) => {
    const raw = JSON.parse(JSON.stringify(RAW).replaceAll('860000433895884002', id.replaceAll('/', '%2F'))) as Har;
    for (const entry of raw.log.entries) {
      const text = entry.response.content.text;
      if (text?.startsWith('{')) entry.response.content.text = text.replaceAll(id.replaceAll('/', '%2F'), id);
    }
    const normalized = normalizeHar(raw, options);
    const create = normalized.log.entries[0];
    expect(create?.request.url).toBe(`${RECORDED_ORIGIN}/v1/videos/image2video`);
    expect(JSON.parse(create?.request.postData?.text ?? '{}')).toMatchObject({ duration: '5', mode: 'std' });
    expect(JSON.parse(create?.response.content.text ?? '{}')).toMatchObject({ data: { task_id: '900000000000001000' } });
    expect(normalized.log.entries[1]?.request.url).toBe(`${RECORDED_ORIGIN}/v1/videos/image2video/900000000000001000`);
  });

  it('keeps the task ids of a transcription: they are the preserved facts', () => {
    const kept = normalizeHar(RAW, { ...options, keepTaskIds: true });
    expect(JSON.stringify(kept)).toContain('860000433895884002');
  });
});

describe('Harness | request matching', () => {
  it.each([
    ['http://127.0.0.1:4010/v1/videos/text2video', `${RECORDED_ORIGIN}/v1/videos/text2video`],
    ['https://api-singapore.klingai.com/v1/videos/text2video/867314916859576411', `${RECORDED_ORIGIN}/v1/videos/text2video/{task_id}`],
    ['http://127.0.0.1:9/v1/videos/omni-video?pageSize=10&pageNum=1', `${RECORDED_ORIGIN}/v1/videos/omni-video?pageSize=10&pageNum=1`],
    [
      'https://api-singapore.klingai.com/v1/videos/image2video/CjI17WevH1IAAAAAAHmgsw',
      `${RECORDED_ORIGIN}/v1/videos/image2video/{task_id}`,
    ],
    ['https://cdn.example.test/bs2/abc/860000433895884002.mp4?x-sig=1&exp=2', `${RECORDED_ORIGIN}/bs2/abc/860000433895884002.mp4`],
  ])('%s matches as %s', (url, expected) => {
    expect(matchUrl(url)).toBe(expected);
  });

  it('ignores external_task_id and key order, and compares images by digest', () => {
    const a = JSON.stringify({ prompt: 'p', image: knownGoodBase64, external_task_id: 'round-1-C' });
    const b = JSON.stringify({ external_task_id: 'round-2-C', image: knownGoodBase64, prompt: 'p' });
    expect(matchBody(a)).toBe(matchBody(b));
    expect(matchBody(a)).not.toBe(matchBody(JSON.stringify({ prompt: 'q', image: knownGoodBase64 })));
  });
});

describe('Harness | redaction', () => {
  it('replaces large base64 anywhere in a body, data: URIs included, and leaves words alone', () => {
    const redacted = redactBody({
      image_list: [{ image_url: knownGoodBase64 }, { image_url: `data:image/png;base64,${knownGoodBase64}` }],
      prompt: 'abcd',
    });
    expect(redacted).toEqual({
      image_list: [{ image_url: base64Token(knownGoodBase64) }, { image_url: `[data-uri ${base64Token(knownGoodBase64).slice(1)}` }],
      prompt: 'abcd',
    });
    expect(base64Token(knownGoodBase64)).toMatch(/^\[base64 png 23019 bytes sha256:[0-9a-f]{64}\]$/);
  });
});
