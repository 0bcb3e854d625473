import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = '.github/workflows';
const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
const workflows = readdirSync(DIR).map((f) => ({ name: f, text: readFileSync(join(DIR, f), 'utf8') }));
/** The commands a workflow runs: every `run:` line (the workflows keep each command on one line). */
const runs = (text: string) => [...text.matchAll(/^\s*-?\s*run:\s*(.+)$/gm)].map((m) => (m[1] ?? '').trim());

describe('Workflows a team can copy', () => {
  it('run only commands that exist: every pnpm script they name is in package.json', () => {
    expect(workflows.map((w) => w.name).sort()).toEqual(['probe.yml', 'replay.yml']);
    for (const { name, text } of workflows) {
      const commands = runs(text);
      expect(commands.length, name).toBeGreaterThan(0);
      for (const command of commands) {
        const script = /^npx -y pnpm@10 ([\w:-]+)$/.exec(command)?.[1];
        expect(script, `${name}: ${command}`).toBeDefined();
        if (script !== 'install') expect(scripts[script ?? ''], `${name}: ${command}`).toBeDefined();
      }
    }
  });

  it('replay holds no secret and spends nothing; the probe gets the keys only as secrets and never creates', () => {
    const replay = workflows.find((w) => w.name === 'replay.yml')?.text ?? '';
    expect(replay).not.toMatch(/secrets\.|KLING_/);
    expect(runs(replay)).toContain('npx -y pnpm@10 test:replay');
    expect(scripts['test:replay']).toMatch(/^HARNESS_MODE=replay /);
    const probe = workflows.find((w) => w.name === 'probe.yml')?.text ?? '';
    expect(probe).toContain('KLING_SECRET_KEY: ${{ secrets.KLING_SECRET_KEY }}');
    expect(runs(probe)).not.toContain('npx -y pnpm@10 test:live');
  });
});
