import { describe, expect, it } from 'vitest';
import { signToken } from '../../helpers/kling/auth.ts';
import {
  MIN_SECRET_LENGTH,
  knownSecrets,
  registerSecret,
  registerToken,
  scrubError,
  scrubJson,
  scrubText,
} from '../../helpers/harness/sinks/scrubber.ts';
import { forTerminal } from '../../helpers/harness/sinks/terminal.ts';

const AK = 'AKscrubberTest4d7e9';
const SK = 'SKscrubberTest1b2c3x';

describe('Scrubber | what it removes', () => {
  it('a registered key, wherever it appears, however often', () => {
    registerSecret(AK);
    expect(scrubText(`iss=${AK}; again ${AK}.`)).toBe('iss=[redacted]; again [redacted].');
  });

  it('a signed token, and its payload and signature on their own', async () => {
    const jwt = await signToken({ accessKey: AK, secretKey: SK }, Date.now());
    registerToken(jwt);
    const [, payload = '', signature = ''] = jwt.split('.');
    expect(scrubText(`token ${jwt}`)).toBe('token [redacted]');
    expect(scrubText(`payload ${payload} sig ${signature}`)).toBe('payload [redacted] sig [redacted]');
    expect(knownSecrets()).toEqual(expect.arrayContaining([jwt, payload, signature]));
  });

  it('any JWT, Bearer value and URL user-info, registered or not', () => {
    const foreign = 'eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJzb21lb25lIn0.c2lnbmF0dXJlLWZvcmVpZ24';
    expect(scrubText(`a ${foreign} b`)).toBe('a [redacted-jwt] b');
    expect(scrubText('authorization: bearer abc.def-ghi_jkl')).toBe('authorization: Bearer [redacted]');
    expect(scrubText('see https://user:pa55word@cdn.example.test/v.mp4')).toBe('see https://[redacted]@cdn.example.test/v.mp4');
    expect(scrubText('eyJzdWIiOiJwYXlsb2FkIn0 alone')).toBe('[redacted-jwt] alone');
  });

  it('a key spelled with percent escapes goes, with the run of text that carries it', () => {
    registerSecret(AK);
    const spelled = AK.replace('s', '%73');
    expect(scrubText(`video https://cdn.example.test/v.mp4?k=${spelled}&x=1 ok`)).toBe('video [redacted] ok');
    expect(scrubText('a 100% honest answer, 50%off and a%2Fb')).toBe('a 100% honest answer, 50%off and a%2Fb');
  });

  it('leaves a long base64 body alone when "eyJ" merely occurs inside it', () => {
    const base64 = `iVBORw0KGgoAAAANSUhEUgAAeyJ${'A'.repeat(40)}`;
    expect(scrubText(base64)).toBe(base64);
  });

  it('ignores values too short to be a key (they would mangle every text)', () => {
    registerSecret('ak');
    registerSecret('x'.repeat(MIN_SECRET_LENGTH - 1));
    expect(scrubText('break the ak xxxxx')).toBe('break the ak xxxxx');
  });

  it('scrubs every string of a JSON value, keys included, and keeps its shape', () => {
    expect(scrubJson({ [AK]: [1, { msg: `for ${AK}` }], n: 5, none: null })).toEqual({
      '[redacted]': [1, { msg: 'for [redacted]' }],
      n: 5,
      none: null,
    });
  });

  it("scrubs an error's message, stack and cause in place, keeping its class", () => {
    class Api extends Error {}
    const error = new Api(`HTTP 401: Bearer ${AK}`, { cause: new Error(`cause ${AK}`) });
    scrubError(error);
    expect(error).toBeInstanceOf(Api);
    expect(error.message).toBe('HTTP 401: Bearer [redacted]');
    expect(error.stack).not.toContain(AK);
    expect((error.cause as Error).message).toBe('cause [redacted]');
  });
});

describe('Terminal | what a line may show', () => {
  it('strips escape sequences, control and bidi characters, and turns line breaks into spaces', () => {
    expect(forTerminal('task \u001b[31m123\u001b[0m ok')).toBe('task 123 ok');
    expect(forTerminal('a\u001b]0;owned\u0007b')).toBe('ab');
    expect(forTerminal('line\n✓ faked\rover\u0008\u0000')).toBe('line ✓ fakedover');
    expect(forTerminal('abc\u202Edcba')).toBe('abcdcba');
  });

  it('scrubs before it shows, and after stripping, so nothing stripped can join a key back together', () => {
    registerSecret(SK);
    expect(forTerminal(`echo ${SK}`)).toBe('echo [redacted]');
    for (const joiner of ['\u0007', '\u001b[0m', '\u200b', '\u200e', '\u0000', '\ufeff']) {
      expect(forTerminal(`key ${SK.slice(0, 6)}${joiner}${SK.slice(6)}`)).toBe('key [redacted]');
    }
    expect(forTerminal(`key ${SK.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))}`)).toBe('key [redacted]');
  });
});

describe('Scrubber | what a reader would still see', () => {
  it('a key with an invisible character or an escape sequence inside it is still the key, in a file too', () => {
    registerSecret(AK);
    for (const hidden of ['\u200b', '\u0007', '\u001b[0m', '\u00ad', '\ufeff']) {
      expect(scrubText(`key ${AK.slice(0, 5)}${hidden}${AK.slice(5)} end`)).toBe('key [redacted] end');
    }
    expect(scrubText(`plain \u200b text ${AK}`)).toBe('plain \u200b text [redacted]');
  });
});
