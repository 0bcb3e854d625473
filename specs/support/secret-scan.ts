import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Credentials } from '../../helpers/kling/auth.ts';
import { embeddedFiles } from '../../helpers/harness/sinks/single-file-report.ts';

/**
 * What the secret canaries look for in everything a run left behind: the keys themselves, any JWT, any Bearer
 * value. A single-file Allure report embeds its data base64-encoded, so a report is decoded before it is searched.
 */

const JWT = /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/;
const BEARER = /Bearer [A-Za-z0-9._-]{10,}/i;

export function hitsIn(name: string, text: string, keys: Credentials): string[] {
  const found: [string, boolean][] = [
    ['access key', text.includes(keys.accessKey)],
    ['secret key', text.includes(keys.secretKey)],
    ['a JWT', JWT.test(text)],
    ['a Bearer value', BEARER.test(text)],
  ];
  return found.filter(([, hit]) => hit).map(([what]) => `${what} in ${name}`);
}

export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

/** Every file under `dir` (a report's embedded files decoded too), and each extra text, searched for the keys. */
export function scanForSecrets(dir: string, keys: Credentials, texts: Record<string, string> = {}): { scanned: number; hits: string[] } {
  const hits: string[] = [];
  let scanned = 0;
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(file);
    scanned += 1;
    hits.push(...hitsIn(file, bytes.toString('latin1'), keys));
    if (file.endsWith('.html')) {
      for (const embedded of embeddedFiles(bytes.toString('utf8'))) {
        scanned += 1;
        hits.push(...hitsIn(`${file} → ${embedded.path}`, embedded.content.toString('latin1'), keys));
      }
    }
  }
  for (const [name, text] of Object.entries(texts)) {
    scanned += 1;
    hits.push(...hitsIn(name, text, keys));
  }
  return { scanned, hits };
}
