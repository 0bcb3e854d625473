import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import modules from '../../stryker/modules.json' with { type: 'json' };
import {
  compare,
  foldCode,
  originalCode,
  parseKnown,
  parseReport,
  tally,
  type KnownMutant,
  type MutationReport,
} from '../../stryker/survivors.ts';

const SOURCE = ['export function f(a: number) {', '  if (a > 1) return "big";', '  return "small";', '}', ''].join('\n');

type Mutant = MutationReport['files'][string]['mutants'][number];
const at = (line: number, column: number, endLine: number, endColumn: number) => ({
  start: { line, column },
  end: { line: endLine, column: endColumn },
});
const mutant = (id: string, status: string, mutatorName: string, replacement: string, location: Mutant['location']): Mutant => ({
  id,
  status,
  mutatorName,
  replacement,
  location,
});

/** Line 2 `a > 1` (columns 7–12), its string `"big"` (columns 20–25), line 3's `"small"` (columns 10–17). */
const report: MutationReport = {
  files: {
    'helpers/f.ts': {
      source: SOURCE,
      mutants: [
        mutant('0', 'Survived', 'EqualityOperator', 'a >= 1', at(2, 7, 2, 12)),
        mutant('1', 'Killed', 'StringLiteral', '""', at(2, 20, 2, 25)),
        mutant('2', 'NoCoverage', 'StringLiteral', '""', at(3, 10, 3, 17)),
        mutant('3', 'Timeout', 'ConditionalExpression', 'true', at(2, 7, 2, 12)),
        mutant('4', 'CompileError', 'BlockStatement', '{}', at(1, 30, 4, 2)),
      ],
    },
  },
};

const listed = (entry: Partial<KnownMutant>): KnownMutant => ({
  file: 'helpers/f.ts',
  mutator: 'EqualityOperator',
  original: 'a > 1',
  replacement: 'a >= 1',
  reason: 'a is an integer count here',
  ...entry,
});

describe('Mutation testing | new survivors told from the accepted ones', () => {
  it('names a mutant by the code it replaces, read from 1-based positions with an exclusive end', () => {
    expect(originalCode(SOURCE, at(2, 7, 2, 12))).toBe('a > 1');
    expect(originalCode(SOURCE, at(3, 10, 3, 17))).toBe('"small"');
    expect(foldCode(originalCode(SOURCE, at(1, 30, 4, 2)))).toBe('{ if (a > 1) return "big"; return "small"; }');
  });

  it('cuts a long span in the middle, the same way on both sides of the comparison', () => {
    const long = `{ ${'x = 1; '.repeat(40)}}`;
    expect(foldCode(long)).toBe(`${long.slice(0, 100).trimEnd()} … ${long.slice(-50).trimStart()}`);
    expect(foldCode(long).length).toBeLessThan(160);
    expect(foldCode(foldCode(long))).toBe(foldCode(long));
  });

  it('with nothing listed, every survivor and every mutant no test reached is new; killed, timed out and uncompiled ones are not', () => {
    const { fresh, accepted, stale } = compare(report, []);
    expect(fresh).toEqual([
      {
        file: 'helpers/f.ts',
        line: 2,
        column: 7,
        status: 'Survived',
        mutator: 'EqualityOperator',
        original: 'a > 1',
        replacement: 'a >= 1',
      },
      { file: 'helpers/f.ts', line: 3, column: 10, status: 'NoCoverage', mutator: 'StringLiteral', original: '"small"', replacement: '""' },
    ]);
    expect(accepted).toEqual([]);
    expect(stale).toEqual([]);
  });

  it('a listed mutant is accepted with its reason wherever its line moved; only an exact match counts', () => {
    const { fresh, accepted } = compare(report, [listed({})]);
    expect(accepted).toEqual([expect.objectContaining({ line: 2, original: 'a > 1', reason: 'a is an integer count here' })]);
    expect(fresh.map((m) => m.original)).toEqual(['"small"']);
    for (const other of [{ replacement: 'a < 1' }, { mutator: 'ConditionalExpression' }, { original: 'a > 2' }, { file: 'helpers/g.ts' }]) {
      expect(compare(report, [listed(other)]).fresh.map((m) => m.original)).toEqual(['a > 1', '"small"']);
    }
  });

  it('one entry accounts for one mutant: a second identical survivor is new', () => {
    const twice: MutationReport = {
      files: {
        'helpers/f.ts': {
          source: SOURCE,
          mutants: [
            mutant('0', 'Survived', 'EqualityOperator', 'a >= 1', at(2, 7, 2, 12)),
            mutant('9', 'Survived', 'EqualityOperator', 'a >= 1', at(2, 7, 2, 12)),
          ],
        },
      },
    };
    expect(compare(twice, [listed({})]).fresh).toHaveLength(1);
    expect(compare(twice, [listed({}), listed({})]).fresh).toHaveLength(0);
  });

  it('an entry no longer undetected is stale, but only for a file this run mutated', () => {
    const killedNow = listed({ mutator: 'StringLiteral', original: '"big"', replacement: '""' });
    const elsewhere = listed({ file: 'helpers/not-mutated-this-run.ts' });
    expect(compare(report, [killedNow, elsewhere]).stale).toEqual([killedNow]);
  });

  it("scores as Stryker does: killed and timed out over all that compiled, per file or per role's files", () => {
    expect(tally(report, ['helpers/f.ts'])).toEqual({ killed: 1, timeout: 1, survived: 1, noCoverage: 1, errors: 1, score: 50 });
    expect(tally(report, ['helpers/none.ts']).score).toBeUndefined();
  });

  it('refuses a list entry without a reason, and a report that is not one', () => {
    expect(() => parseKnown([{ ...listed({}), reason: '' }])).toThrow();
    expect(() => parseReport({ files: { 'a.ts': { mutants: [] } } })).toThrow();
  });

  it('the committed list parses, and names only files that are mutated, each with its reason', () => {
    const known = parseKnown(JSON.parse(readFileSync('stryker/equivalent-mutants.json', 'utf8')));
    const mutated = new Set(modules.flatMap((m) => m.files));
    for (const entry of known) expect(mutated.has(entry.file), entry.file).toBe(true);
  });
});
