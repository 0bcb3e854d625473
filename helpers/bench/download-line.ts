import { z } from 'zod';

/** The one line a benchmark child prints about a download it made: its time, size and memory (bytes). */
const downloadLineSchema = z.object({
  ms: z.number(),
  bytes: z.number(),
  /** At the child's start, before any request. */
  rssCold: z.number(),
  /** Just before the download (after the child's first requests). */
  rssBefore: z.number(),
  /** The child's peak resident set. */
  peakRss: z.number(),
});

export type DownloadLine = z.infer<typeof downloadLineSchema>;

export function downloadLine(line: DownloadLine): string {
  return JSON.stringify(line);
}

/** The child's last output line, read back; a child that printed something else fails the figure, naming it. */
export function readDownloadLine(out: string): DownloadLine {
  const last = out.trim().split('\n').at(-1) ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(last);
  } catch {
    throw new Error(`benchmark child printed no result line: ${out.trim().slice(-500)}`);
  }
  const checked = downloadLineSchema.safeParse(parsed);
  if (!checked.success) throw new Error(`benchmark child printed an unexpected line: ${last.slice(0, 300)}`);
  return checked.data;
}

export const megabytes = (bytes: number) => bytes / 1024 / 1024;
