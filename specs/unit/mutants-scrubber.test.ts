import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64Token, digestOf, redactBody } from '../../helpers/harness/cassettes/redact.ts';
import {
  MIN_SECRET_LENGTH,
  REDACTED,
  knownSecrets,
  registerSecret,
  registerToken,
  scrubError,
  scrubJson,
  scrubText,
  scrubbedMessage,
} from '../../helpers/harness/sinks/scrubber.ts';

/**
 * The scrubber and the base64 redaction to the letter: which shapes go and exactly how much of the text with them,
 * the edges of every length and reach, and what is left alone. The registry of secrets is process-wide, so each
 * secret here is one no other text of this file contains.
 */

const spell = (text: string, at: number) => `${text.slice(0, at)}%${text.charCodeAt(at).toString(16).toUpperCase()}${text.slice(at + 1)}`;

describe('Scrubber | which secrets it learns', () => {
  it(`a value of ${MIN_SECRET_LENGTH} characters is a secret; one of ${MIN_SECRET_LENGTH - 1}, or none, is not`, () => {
    expect(MIN_SECRET_LENGTH).toBe(6);
    registerSecret('Qk7sx6');
    registerSecret('Qk7s5');
    registerSecret(undefined);
    expect(scrubText('a Qk7sx6 b Qk7s5 c')).toBe('a [redacted] b Qk7s5 c');
    expect(knownSecrets()).toContain('Qk7sx6');
    expect(knownSecrets()).not.toContain('Qk7s5');
  });

  it('longest first, so a secret inside a longer one never leaves the rest of it behind', () => {
    registerSecret('Wm4short');
    registerSecret('Wm4shortAndThenSomeMore');
    expect(scrubText('x Wm4shortAndThenSomeMore y Wm4short z')).toBe('x [redacted] y [redacted] z');
    const order = knownSecrets();
    expect(order.indexOf('Wm4shortAndThenSomeMore')).toBeLessThan(order.indexOf('Wm4short'));
    for (let i = 1; i < order.length; i++) expect((order[i - 1] ?? '').length).toBeGreaterThanOrEqual((order[i] ?? '').length);
  });

  it("a token's payload and signature go on their own, its header (the same for every token) does not", () => {
    const header = 'eyJhbGciOiJIUzI1NiJ9';
    const payload = 'eyJpc3MiOiJQdjlvd24ifQ';
    const signature = 'Zx9sigZx9sigZx9sigZx9sig';
    registerToken(`${header}.${payload}.${signature}`);
    expect(scrubText(`${header}.${payload}.${signature}`)).toBe(REDACTED);
    expect(scrubText(`sig=${signature}; body=${payload}`)).toBe('sig=[redacted]; body=[redacted]');
    expect(knownSecrets()).not.toContain(header);
  });
});

describe('Scrubber | secrets of shapes it knows without being told', () => {
  it.each([
    ['authorization: Bearer abc.def', 'authorization: Bearer [redacted]'],
    ['BEARER\tabc', 'Bearer [redacted]'],
    ['{"authorization":"Bearer tok-123"}', '{"authorization":"Bearer [redacted]"}'],
    ["header 'Bearer tok' end", "header 'Bearer [redacted]' end"],
    ['<b>Bearer tok</b>', '<b>Bearer [redacted]</b>'],
    ['Bearer tok,next', 'Bearer [redacted],next'],
    ['Bearer tok;next', 'Bearer [redacted];next'],
    ['two: Bearer one and Bearer two', 'two: Bearer [redacted] and Bearer [redacted]'],
  ])('a Bearer value ends where a header value or a quoted string does: %j', (text, scrubbed) => {
    expect(scrubText(text)).toBe(scrubbed);
  });

  it('"Bearer" alone, or inside a word, is no Bearer value', () => {
    expect(scrubText('the Bearer scheme')).toBe('the Bearer [redacted]');
    expect(scrubText('a Bearer')).toBe('a Bearer');
    expect(scrubText('Bearer ')).toBe('Bearer ');
    expect(scrubText('NoBearer value')).toBe('NoBearer value');
  });

  it.each([
    ['eyJabcdefgh', '[redacted-jwt]'],
    ['eyJabcdefg', 'eyJabcdefg'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_', '[redacted-jwt]'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln.extra', '[redacted-jwt].extra'],
    ['(eyJhbGciOiJIUzI1NiJ9)', '([redacted-jwt])'],
    ['x=eyJhbGciOiJIUzI1NiJ9', 'x=[redacted-jwt]'],
    ['AAeyJhbGciOiJIUzI1NiJ9', 'AAeyJhbGciOiJIUzI1NiJ9'],
    ['9eyJhbGciOiJIUzI1NiJ9', '9eyJhbGciOiJIUzI1NiJ9'],
    ['+eyJhbGciOiJIUzI1NiJ9', '+eyJhbGciOiJIUzI1NiJ9'],
    ['/eyJhbGciOiJIUzI1NiJ9', '/eyJhbGciOiJIUzI1NiJ9'],
    ['_eyJhbGciOiJIUzI1NiJ9', '_eyJhbGciOiJIUzI1NiJ9'],
    ['-eyJhbGciOiJIUzI1NiJ9', '-eyJhbGciOiJIUzI1NiJ9'],
    ['a eyJhbGciOiJIUzI1NiJ9 and eyJzdWIiOiJ4In0 b', 'a [redacted-jwt] and [redacted-jwt] b'],
  ])('a JWT: eyJ and eight more, up to two dots, not inside base64: %j', (text, scrubbed) => {
    expect(scrubText(text)).toBe(scrubbed);
  });

  it.each([
    ['https://user:pass@cdn.test/v.mp4', 'https://[redacted]@cdn.test/v.mp4'],
    ['HTTPS://USER@cdn.test/', 'HTTPS://[redacted]@cdn.test/'],
    ['s3+x.y-z://key@bucket/o', 's3+x.y-z://[redacted]@bucket/o'],
    ['a https://u@h.test/ and ftp://v@w.test/', 'a https://[redacted]@h.test/ and ftp://[redacted]@w.test/'],
    ['https://cdn.test/a@b', 'https://cdn.test/a@b'],
    ['mailto:someone@example.test', 'mailto:someone@example.test'],
    ['"https://u "@x', '"https://u "@x'],
    ['9ttp://u@h', '9ttp://u@h'],
  ])('URL user-info, and only before the host: %j', (text, scrubbed) => {
    expect(scrubText(text)).toBe(scrubbed);
  });
});

describe('Scrubber | a secret spelled with percent escapes', () => {
  const SECRET = 'Pe7cent0Secret';

  it('goes with the run of text that carries it, up to the separators around it, and the rest stays', () => {
    registerSecret(SECRET);
    for (const separator of [' ', '\t', '\n', '\r', '"', "'", '<', '>', '\\']) {
      expect(scrubText(`a${separator}x=${spell(SECRET, 3)}&y${separator}b`)).toBe(`a${separator}[redacted]${separator}b`);
    }
    expect(scrubText(spell(SECRET, 0))).toBe(REDACTED);
    expect(scrubText(`one ${spell(SECRET, 2)} two ${spell(SECRET, 5)} three`)).toBe('one [redacted] two [redacted] three');
  });

  it('a run with two escapes in one secret is redacted once', () => {
    registerSecret(SECRET);
    expect(scrubText(`k=${spell(spell(SECRET, 1), 8)};z end`)).toBe('[redacted] end');
  });

  it('lower-case escapes too; a bare % or a broken escape is text', () => {
    registerSecret(SECRET);
    expect(scrubText(`u ${SECRET.replace('n', '%6e')} v`)).toBe('u [redacted] v');
    expect(scrubText(`u ${SECRET.replace('n', '%6E')} v`)).toBe('u [redacted] v');
    expect(scrubText(`u ${SECRET.slice(0, 4)}%7${SECRET.slice(5)} v`)).toBe(`u ${SECRET.slice(0, 4)}%7${SECRET.slice(5)} v`);
    expect(scrubText(`${SECRET.replace('e', '%6')} 5%`)).toBe(`${SECRET.replace('e', '%6')} 5%`);
    expect(scrubText(`${SECRET.replace('e', '%g5')} %zz`)).toBe(`${SECRET.replace('e', '%g5')} %zz`);
  });

  it('a JWT or a Bearer value spelled with escapes goes too; an escape carrying nothing stays', () => {
    expect(scrubText('u=%65yJhbGciOiJIUzI1NiJ9 ok')).toBe('[redacted] ok');
    expect(scrubText('h=Bearer%20tok ok')).toBe('[redacted] ok');
    expect(scrubText('path/a%2Fb?q=%7E ok')).toBe('path/a%2Fb?q=%7E ok');
  });

  it('looks 4096 characters each side of an escape and no further: the run beyond stays as it was', () => {
    registerSecret(SECRET);
    const spelled = spell(SECRET, 3);
    const escape = 100 + 3;
    const after = `${'x'.repeat(100)}${spelled}${'y'.repeat(5000)}`;
    expect(scrubText(after)).toBe(`${REDACTED}${after.slice(escape + 4096)}`);
    const lead = 5000;
    const before = `${'x'.repeat(lead)}${spelled}${'y'.repeat(10)}`;
    expect(scrubText(before)).toBe(`${before.slice(0, lead + 3 - 4096)}${REDACTED}`);
  });
});

describe('Scrubber | a secret with invisible characters inside it', () => {
  const SECRET = 'Hi6denSecretValue';

  it('is redacted with what hides in it, and nothing around it', () => {
    registerSecret(SECRET);
    expect(scrubText(`[${SECRET.slice(0, 4)}\u200b${SECRET.slice(4)}]`)).toBe('[[redacted]]');
    expect(scrubText(`a ${SECRET.slice(0, 1)}\u200b${SECRET.slice(1)} b`)).toBe('a [redacted] b');
    expect(scrubText(`a ${SECRET.slice(0, -1)}\u00ad${SECRET.slice(-1)} b`)).toBe('a [redacted] b');
    expect(scrubText(`a ${SECRET.slice(0, 3)}\u001b[31m${SECRET.slice(3, 9)}\u001b[0m${SECRET.slice(9)} b`)).toBe('a [redacted] b');
  });

  it('two hidden secrets, near each other or far apart, both go; the hidden characters between them stay', () => {
    registerSecret(SECRET);
    const hidden = `${SECRET.slice(0, 5)}\u200c${SECRET.slice(5)}`;
    expect(scrubText(`${hidden}\u200b${hidden}`)).toBe('[redacted]\u200b[redacted]');
    expect(scrubText(`${hidden}${' '.repeat(200)}${hidden}`)).toBe(`[redacted]${' '.repeat(200)}[redacted]`);
    expect(scrubText(`\u200b${'z'.repeat(100)} ${hidden} end`)).toBe(`\u200b${'z'.repeat(100)} [redacted] end`);
  });

  it('hidden characters with no secret around them are left as they are', () => {
    registerSecret(SECRET);
    expect(scrubText('tab\u200bs\u0007 and\u00ad words')).toBe('tab\u200bs\u0007 and\u00ad words');
  });
});

describe('Scrubber | JSON values and errors', () => {
  const SECRET = 'Js0nSecretKey';

  it('every string of a value, keys and arrays included, other values as they are', () => {
    registerSecret(SECRET);
    expect(scrubJson({ [`k-${SECRET}`]: [`v ${SECRET}`, 3, true, null, { deep: [SECRET] }], n: 0 })).toEqual({
      'k-[redacted]': ['v [redacted]', 3, true, null, { deep: ['[redacted]'] }],
      n: 0,
    });
    expect(scrubJson(`plain ${SECRET}`)).toBe('plain [redacted]');
    expect(scrubJson<unknown>(undefined)).toBeUndefined();
  });

  it("an error's message and stack, and its causes five deep, scrubbed in place", () => {
    registerSecret(SECRET);
    let error: Error = new Error(`level 5 ${SECRET}`);
    for (let level = 4; level >= 1; level--) error = new Error(`level ${level} ${SECRET}`, { cause: error });
    scrubError(error);
    const messages: string[] = [];
    for (let e: unknown = error; e instanceof Error; e = e.cause) {
      messages.push(e.message);
      expect(e.stack).not.toContain(SECRET);
    }
    expect(messages).toEqual([
      'level 1 [redacted]',
      'level 2 [redacted]',
      'level 3 [redacted]',
      'level 4 [redacted]',
      'level 5 [redacted]',
    ]);
  });

  it('an error that is its own cause ends; one without a stack keeps none; a thrown string is left alone', () => {
    registerSecret(SECRET);
    const loop = new Error(`loop ${SECRET}`);
    loop.cause = loop;
    scrubError(loop);
    expect(loop.message).toBe('loop [redacted]');
    const bare = new Error(`bare ${SECRET}`);
    delete bare.stack;
    scrubError(bare);
    expect(bare.message).toBe('bare [redacted]');
    expect(bare.stack).toBeUndefined();
    expect(() => scrubError(`thrown ${SECRET}`)).not.toThrow();
  });

  it('a one-line message of an error or of anything thrown, scrubbed', () => {
    registerSecret(SECRET);
    expect(scrubbedMessage(new TypeError(`bad ${SECRET}`))).toBe('bad [redacted]');
    expect(scrubbedMessage(`thrown ${SECRET}`)).toBe('thrown [redacted]');
    expect(scrubbedMessage(42)).toBe('42');
  });
});

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(40, 7)]);
const JPG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(45, 1)]);

describe('Redaction | large base64 becomes its digest', () => {
  it('names the kind by its first bytes: png, jpg, anything else binary', () => {
    expect(digestOf(PNG)).toEqual({ kind: 'png', bytes: 48, sha256: sha(PNG) });
    expect(digestOf(JPG)).toEqual({ kind: 'jpg', bytes: 48, sha256: sha(JPG) });
    for (const other of [
      Buffer.from([0xff, 0xd8, 0x00, 1]),
      Buffer.from([0xff, 0x00, 0xff]),
      Buffer.from([0x00, 0xd8, 0xff]),
      PNG.subarray(0, 7),
    ]) {
      expect(digestOf(other).kind).toBe('binary');
    }
    expect(base64Token(PNG.toString('base64'))).toBe(`[base64 png 48 bytes sha256:${sha(PNG)}]`);
  });

  it('from 64 characters: one shorter is a word, not an image', () => {
    const at64 = Buffer.alloc(48, 9).toString('base64');
    const at60 = Buffer.alloc(45, 9).toString('base64');
    expect(at64).toHaveLength(64);
    expect(redactBody(at64)).toBe(`[base64 binary 48 bytes sha256:${sha(Buffer.alloc(48, 9))}]`);
    expect(redactBody(at60)).toBe(at60);
  });

  it('a data: URI keeps its kind in the token; its base64 may run over lines', () => {
    const body = PNG.toString('base64');
    expect(redactBody(`data:image/png;base64,${body}`)).toBe(`[data-uri base64 png 48 bytes sha256:${sha(PNG)}]`);
    const wrapped = `${body.slice(0, 32)}\n${body.slice(32)}`;
    expect(redactBody(`data:image/png;base64,${wrapped}`)).toBe(`[data-uri base64 png 48 bytes sha256:${sha(PNG)}]`);
    const notData = `see data:image/png;base64,${body}`;
    expect(redactBody(notData)).toBe(notData);
  });

  it('a long URL, long text and broken base64 stay as they are', () => {
    for (const kept of [`https://cdn.example.test/${'a'.repeat(80)}.mp4`, 'word '.repeat(20), `${'A'.repeat(63)}!`]) {
      expect(redactBody(kept)).toBe(kept);
    }
  });

  it('anywhere in a value: arrays and objects keep their shape and keys, other values are untouched', () => {
    const big = PNG.toString('base64');
    const token = base64Token(big);
    expect(redactBody({ image: big, list: [big, 'short', 5, null], nested: { [big.slice(0, 10)]: big }, ok: true })).toEqual({
      image: token,
      list: [token, 'short', 5, null],
      nested: { [big.slice(0, 10)]: token },
      ok: true,
    });
    expect(redactBody(undefined)).toBeUndefined();
  });
});

describe('Scrubber | a process that has registered nothing', () => {
  // A second, untouched instance of the module (the query makes it a module of its own): the registry above is shared
  // by every test of this file, so only a fresh copy shows what the scrubber knows before anyone tells it anything.
  type Fresh = { knownSecrets: typeof knownSecrets; scrubText: typeof scrubText; registerSecret: typeof registerSecret };
  const FRESH: string = '../../helpers/harness/sinks/scrubber.ts?fresh-registry';

  it('knows no secret, so no text of any shape is taken for one until a secret is registered', async () => {
    const fresh = (await import(FRESH)) as Fresh;
    expect(fresh.knownSecrets()).toEqual([]);
    expect(fresh.scrubText('plain words, a\u200bzero-width space')).toBe('plain words, a\u200bzero-width space');
    fresh.registerSecret('Fr3shOnlySecret');
    expect(fresh.knownSecrets()).toEqual(['Fr3shOnlySecret']);
  });
});

describe('Scrubber | the edges of the shapes it knows', () => {
  it('a Bearer value after several spaces or tabs goes too', () => {
    expect(scrubText('Bearer  \t tok')).toBe('Bearer [redacted]');
  });

  it('a JWT spelled with escapes needs eyJ and eight more, as a plain one does', () => {
    // Seven characters after eyJ: not a JWT, so the run stays; eight: it goes.
    expect(scrubText('u=%65yJabcdefg ok')).toBe('u=%65yJabcdefg ok');
    expect(scrubText('u=%65yJabcdefgh ok')).toBe('[redacted] ok');
  });

  it('a Bearer value spelled with escapes may have several spaces after "Bearer"', () => {
    expect(scrubText('h=Bearer%20%20tok ok')).toBe('[redacted] ok');
    expect(scrubText('h=Bearer%09%20tok ok')).toBe('[redacted] ok');
  });
});

describe('Scrubber | what is and is not a percent escape', () => {
  const SECRET = 'Tw1ceSpelledKey';

  it('a bare % or a % with one hex digit beside a plain JWT: the JWT goes as a JWT, the run is no escape', () => {
    // Were either taken for an escape, the whole run would go as an encoded secret ("[redacted]").
    expect(scrubText('x eyJabcdefgh%zz y')).toBe('x [redacted-jwt]%zz y');
    expect(scrubText('x eyJabcdefgh%7z y')).toBe('x [redacted-jwt]%7z y');
    expect(scrubText('x eyJabcdefgh%7 y')).toBe('x [redacted-jwt]%7 y');
  });

  it('only the run around an escape is read for a secret, not the rest of the text', () => {
    expect(scrubText('a%2Fb and Bearer tok')).toBe('a%2Fb and Bearer [redacted]');
    expect(scrubText('a%2Fb and eyJabcdefgh')).toBe('a%2Fb and [redacted-jwt]');
  });

  it('one run that spells the secret twice is one redaction', () => {
    registerSecret(SECRET);
    expect(scrubText(`k=${spell(SECRET, 0)}&j=${spell(SECRET, 0)} end`)).toBe('[redacted] end');
  });

  it('a spelled secret right after the separator that ends another one goes too', () => {
    registerSecret(SECRET);
    expect(scrubText(`${spell(SECRET, 0)} ${spell(SECRET, 0)}`)).toBe('[redacted] [redacted]');
    expect(scrubText(`${spell(SECRET, 0)}"${spell(SECRET, 4)}`)).toBe('[redacted]"[redacted]');
  });
});

describe('Scrubber | hidden characters: where they are and how many', () => {
  const SECRET = 'Sec0ndCharHidden';
  const OUTER = 'Ov3rlapInnerAndOuter';
  const INNER = 'Ov3rlapInner';
  const SHORT = 'S0rtShortOne';
  const LONG = 'S0rtLongerSecretValue';

  it('a hidden character as the second character of the text still hides nothing', () => {
    registerSecret(SECRET);
    expect(scrubText(`${SECRET.slice(0, 1)}\u200b${SECRET.slice(1)}`)).toBe(REDACTED);
    expect(scrubText(`${SECRET.slice(0, 1)}\u200b${SECRET.slice(1)} tail`)).toBe('[redacted] tail');
  });

  it('a secret cut three times by escape sequences longer than any secret is one redaction', () => {
    registerSecret(SECRET);
    // Each sequence is far longer than the longest secret, so the windows around them only cover the secret once
    // they are joined: the secret is seen whole only by reading across all three.
    const escape = `\u001b[${'0'.repeat(2000)}m`;
    const cut = `${SECRET.slice(0, 2)}${escape}${SECRET.slice(2, 6)}${escape}${SECRET.slice(6, 10)}${escape}${SECRET.slice(10)}`;
    expect(scrubText(`a ${cut} b`)).toBe('a [redacted] b');
  });

  it('a hidden secret that holds a shorter hidden secret is redacted once, whole', () => {
    registerSecret(INNER);
    registerSecret(OUTER);
    expect(scrubText(`a ${OUTER.slice(0, 4)}\u200b${OUTER.slice(4)} b`)).toBe('a [redacted] b');
  });

  it('two different hidden secrets side by side, the shorter first, both go', () => {
    registerSecret(SHORT);
    registerSecret(LONG);
    const short = `${SHORT.slice(0, 4)}\u200b${SHORT.slice(4)}`;
    const long = `${LONG.slice(0, 10)}\u200b${LONG.slice(10)}`;
    expect(scrubText(`x ${short} ${long} y`)).toBe('x [redacted] [redacted] y');
    expect(scrubText(`x ${long} ${short} y`)).toBe('x [redacted] [redacted] y');
  });
});
