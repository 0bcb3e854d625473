import { scrubText } from './scrubber.ts';

/**
 * Allure's single-file report embeds each data file as `d("path","<base64>")`. A plain scrub of the page would
 * see none of their text, and would break them besides: the base64 of any JSON starts `eyJ`, the shape of a JWT,
 * so a text scrub turns every embedded JSON file into `[redacted-jwt]` and the page into "Failed to fetch". Each
 * embedded file is therefore decoded, scrubbed and encoded again, and only the page around them is scrubbed as text.
 */

const EMBEDDED = /d\("([^"\\]+)","([A-Za-z0-9+/=]*)"\)/g;

/** Every embedded data file of a single-file report, decoded. */
export function embeddedFiles(html: string): { path: string; content: Buffer }[] {
  return [...html.matchAll(EMBEDDED)].map((m) => ({ path: m[1] ?? '', content: Buffer.from(m[2] ?? '', 'base64') }));
}

/** How many `d("…",` calls the page makes: equal to embeddedFiles().length when every one of them is intact. */
export function embeddedCalls(html: string): number {
  return html.match(/\bd\("[^"\\]+",/g)?.length ?? 0;
}

function scrubEmbedded(path: string, data: string): string {
  const bytes = Buffer.from(data, 'base64');
  // Binary files (a video, an image) hold no text to scrub: they were checked before they were attached.
  if (bytes.includes(0)) return `d("${path}","${data}")`;
  const text = bytes.toString('utf8');
  const scrubbed = scrubText(text);
  return `d("${path}","${scrubbed === text ? data : Buffer.from(scrubbed, 'utf8').toString('base64')}")`;
}

/** The page with every embedded text file scrubbed decoded, and the text between them scrubbed as it is. */
export function scrubReportPage(html: string): string {
  let out = '';
  let from = 0;
  for (const match of html.matchAll(EMBEDDED)) {
    out += scrubText(html.slice(from, match.index)) + scrubEmbedded(match[1] ?? '', match[2] ?? '');
    from = match.index + match[0].length;
  }
  return out + scrubText(html.slice(from));
}
