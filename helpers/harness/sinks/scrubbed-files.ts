import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { scrubJson, scrubText } from './scrubber.ts';
import { scrubReportPage } from './single-file-report.ts';

/**
 * The only module that writes the harness's text files (cassettes, meta, evidence, summaries, the journal and
 * the ledger): every write goes through the scrubber, so nothing a server sent back can put a secret on disk.
 * ESLint refuses the node:fs write functions anywhere else in helpers/.
 */

/** Written whole to a temporary file, then renamed: a crash leaves the old file or the new one, never half. */
export function writeTextFile(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, scrubText(text));
  renameSync(`${file}.tmp`, file);
}

/** A single-file report page: its embedded files scrubbed decoded, never its base64 as text (single-file-report.ts). */
export function writeReportPage(file: string, html: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, scrubReportPage(html));
  renameSync(`${file}.tmp`, file);
}

/**
 * An image the harness encoded itself from decoded pixels (a video frame, re-encoded by sharp with no metadata): no
 * text a server sent is in it, so there is nothing to scrub; written whole, then renamed, like every other file.
 */
export function writeImageFile(file: string, png: Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, png);
  renameSync(`${file}.tmp`, file);
}

/** Pretty-printed, with a final newline, scrubbed value by value (the JSON stays valid). */
export function writeJsonFile(file: string, value: unknown): void {
  writeTextFile(file, `${JSON.stringify(scrubJson(value), null, 2)}\n`);
}

/** One JSON value appended as a line, fsynced before returning: what it says has happened survives a crash. */
export function appendJsonLine(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, 'a');
  try {
    appendFileSync(fd, `${JSON.stringify(scrubJson(value))}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The non-empty lines of a JSONL file with their 1-based line numbers (none when the file does not exist). */
export function jsonLines(file: string): { line: number; text: string }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((text, i) => ({ line: i + 1, text }))
    .filter((l) => l.text.trim() !== '');
}
