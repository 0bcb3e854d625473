import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDotenvForLive } from '../../helpers/harness/config/load-env.ts';
import { configProblems } from '../support/config-problems.ts';

function dotenv(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'dotenv-')), '.env');
  writeFileSync(file, text);
  return file;
}

describe('Harness | .env loading', () => {
  it('takes the credentials and base URL in live mode; the environment wins over the file', () => {
    const env: Record<string, string | undefined> = { HARNESS_MODE: 'live', KLING_BASE_URL: 'https://api-beijing.klingai.com' };
    loadDotenvForLive(env, dotenv('KLING_ACCESS_KEY=ak-file\nKLING_SECRET_KEY=sk-file\nKLING_BASE_URL=https://other.example.test\n'));
    expect(env).toEqual({
      HARNESS_MODE: 'live',
      KLING_ACCESS_KEY: 'ak-file',
      KLING_SECRET_KEY: 'sk-file',
      KLING_BASE_URL: 'https://api-beijing.klingai.com',
    });
  });

  it('never takes approval from the file: APPROVE_ROWS and MAX_CREATES must be given per run', () => {
    const env: Record<string, string | undefined> = { HARNESS_MODE: 'live' };
    const ignored = loadDotenvForLive(env, dotenv('APPROVE_ROWS=A,B,C\nMAX_CREATES=3\nKLING_ACCESS_KEY=ak\n'));
    expect(env.APPROVE_ROWS).toBeUndefined();
    expect(env.MAX_CREATES).toBeUndefined();
    expect(ignored).toEqual(['APPROVE_ROWS', 'MAX_CREATES']);
  });

  it('a misspelt KLING_ key in the file reaches the run configuration, which refuses it: no silent fallback to the default host', () => {
    const env: Record<string, string | undefined> = { HARNESS_MODE: 'live', APPROVE_ROWS: 'B', CI: 'false' };
    loadDotenvForLive(
      env,
      dotenv('KLING_ACCESS_KEY=ak-file-1\nKLING_SECRET_KEY=sk-file-1\nKLING_BASEURL=https://api-beijing.klingai.com\n'),
    );
    expect(configProblems(env)).toEqual([
      'KLING_BASEURL is not a setting (the KLING_ settings are KLING_ACCESS_KEY, KLING_SECRET_KEY, KLING_BASE_URL); a misspelt one would fall back to its default',
    ]);
  });

  it('reads nothing outside live mode', () => {
    const env: Record<string, string | undefined> = { HARNESS_MODE: 'rehearse' };
    loadDotenvForLive(env, dotenv('KLING_ACCESS_KEY=ak\n'));
    expect(env).toEqual({ HARNESS_MODE: 'rehearse' });
  });
});
