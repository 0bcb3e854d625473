import { scrubText } from './scrubber.ts';

/**
 * The only way the harness writes to the terminal. Lines often carry server text (task ids, messages): each is
 * scrubbed of secrets and stripped of control characters, so an answer can neither show a credential nor move
 * the cursor, recolour the screen or fake a line of its own with an embedded newline.
 */

// CSI and OSC sequences first (so no stray "[31m" is left), then any other C0/C1 control and the bidi overrides
// that can make text read differently from what it is.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ESCAPE_SEQUENCE = /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)?)/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;

/**
 * One line as it may be shown: no control, zero-width or bidi characters, compatibility forms folded (a
 * full-width letter reads as the letter), any embedded line break made a space — and only then scrubbed, so
 * nothing stripped afterwards can join the two halves of a secret back together.
 */
export function forTerminal(text: string): string {
  return scrubText(
    text
      .normalize('NFKC')
      .replace(ESCAPE_SEQUENCE, '')
      .replace(/[\t\n]/g, ' ')
      .replace(CONTROL, ''),
  );
}

/** One line of progress or result, on stdout: any line break inside it (a server's) is shown as a space. */
export function say(line: string): void {
  console.log(forTerminal(line));
}

/** Several lines, each one line (a line break inside one is still a space, never a line of its own). */
export function sayLines(lines: readonly string[]): void {
  console.log(lines.map(forTerminal).join('\n'));
}

/** A problem, on stderr, as one line. */
export function complain(line: string): void {
  console.error(forTerminal(line));
}
