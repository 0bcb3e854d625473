import { z } from 'zod';

/**
 * What a Stryker run left undetected, told apart from what was accepted before (stryker/equivalent-mutants.json).
 * A mutant id changes with every run and a line number with every edit above it, so a known mutant is named by
 * what does not move: its file, its mutator, the code it replaces and the replacement.
 */

const position = z.object({ line: z.number(), column: z.number() });

const reportSchema = z.object({
  files: z.record(
    z.string(),
    z.object({
      source: z.string(),
      mutants: z.array(
        z.object({
          id: z.string(),
          mutatorName: z.string(),
          replacement: z.string().optional(),
          status: z.string(),
          location: z.object({ start: position, end: position }),
        }),
      ),
    }),
  ),
});

export type MutationReport = z.infer<typeof reportSchema>;

export function parseReport(json: unknown): MutationReport {
  return reportSchema.parse(json);
}

const knownSchema = z.array(
  z.object({
    file: z.string(),
    mutator: z.string(),
    original: z.string(),
    replacement: z.string(),
    reason: z.string().min(1),
  }),
);

export type KnownMutant = z.infer<typeof knownSchema>[number];

export function parseKnown(json: unknown): KnownMutant[] {
  return knownSchema.parse(json);
}

/** The mutant's key: whitespace folded, and a long span (a whole block) cut in the middle so the key stays a line. */
export function foldCode(code: string): string {
  const folded = code.replace(/\s+/g, ' ').trim();
  return folded.length <= 160 ? folded : `${folded.slice(0, 100).trimEnd()} … ${folded.slice(-50).trimStart()}`;
}

/** The code a mutant replaces: the report's positions are 1-based, the end exclusive. */
export function originalCode(source: string, location: { start: { line: number; column: number }; end: { line: number; column: number } }) {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: { line: number; column: number }) => (lineStarts[p.line - 1] ?? source.length) + p.column - 1;
  return source.slice(offset(location.start), offset(location.end));
}

/** Statuses that count against the score: a mutant no test noticed, or one no test even reached. */
export const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const DETECTED = new Set(['Killed', 'Timeout']);

export interface Undetected {
  file: string;
  line: number;
  column: number;
  status: string;
  mutator: string;
  original: string;
  replacement: string;
}

export interface Comparison {
  /** Undetected and not listed: a test is missing, or the mutant is equivalent and needs its line in the list. */
  fresh: Undetected[];
  /** Undetected and listed, with the listed reason. */
  accepted: (Undetected & { reason: string })[];
  /** Listed for a file this run mutated, but no longer undetected there: killed now, or the code moved on. */
  stale: KnownMutant[];
}

export function undetectedOf(report: MutationReport): Undetected[] {
  return Object.entries(report.files).flatMap(([file, { source, mutants }]) =>
    mutants
      .filter((m) => UNDETECTED.has(m.status))
      .map((m) => ({
        file,
        line: m.location.start.line,
        column: m.location.start.column,
        status: m.status,
        mutator: m.mutatorName,
        original: foldCode(originalCode(source, m.location)),
        replacement: foldCode(m.replacement ?? ''),
      })),
  );
}

const sameMutant = (k: KnownMutant, u: Undetected) =>
  k.file === u.file && k.mutator === u.mutator && foldCode(k.original) === u.original && foldCode(k.replacement) === u.replacement;

/** Each listed entry accounts for one undetected mutant at most: two identical spans need two entries. */
export function compare(report: MutationReport, known: readonly KnownMutant[]): Comparison {
  const unused = [...known];
  const fresh: Undetected[] = [];
  const accepted: Comparison['accepted'] = [];
  for (const mutant of undetectedOf(report)) {
    const at = unused.findIndex((k) => sameMutant(k, mutant));
    if (at === -1) {
      fresh.push(mutant);
      continue;
    }
    const [entry] = unused.splice(at, 1);
    accepted.push({ ...mutant, reason: entry?.reason ?? '' });
  }
  const mutated = new Set(Object.keys(report.files));
  return { fresh, accepted, stale: unused.filter((k) => mutated.has(k.file)) };
}

export interface Tally {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  errors: number;
  /** Stryker's score: detected over detected and undetected (compile and runtime errors count in neither). */
  score: number | undefined;
}

export function tally(report: MutationReport, files: readonly string[]): Tally {
  const mutants = files.flatMap((f) => report.files[f]?.mutants ?? []);
  const count = (status: string) => mutants.filter((m) => m.status === status).length;
  const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
  const valid = detected + mutants.filter((m) => UNDETECTED.has(m.status)).length;
  return {
    killed: count('Killed'),
    timeout: count('Timeout'),
    survived: count('Survived'),
    noCoverage: count('NoCoverage'),
    errors: count('CompileError') + count('RuntimeError'),
    score: valid === 0 ? undefined : (100 * detected) / valid,
  };
}
