// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const FS_WRITES = ['writeFileSync', 'appendFileSync', 'createWriteStream', 'writeSync', 'writeFile', 'appendFile'];

export default defineConfig(
  { ignores: ['node_modules/', 'reports/', '.stryker-tmp/'] },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'stryker.config.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Test servers answer in one-line arrow handlers (`(req, res) => res.end(...)`); braces add nothing there.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
    },
  },
  {
    // The sinks (promises §5, §11): product code reaches a file, the terminal or the report only through the module that
    // scrubs on the way out. Each exception below writes bytes no server text can reach, or is that module.
    files: ['helpers/**/*.ts'],
    ignores: [
      'helpers/harness/sinks/scrubbed-files.ts',
      'helpers/harness/sinks/terminal.ts',
      'helpers/harness/evidence/evidence-sink.ts',
      // Binary result bytes, scanned for secrets as they stream (the downloader refuses a body that quotes one).
      'helpers/kling/downloader.ts',
      // The run lock holds our own pid, host and round.
      'helpers/harness/ledger/run-lock.ts',
      // Tools that print or write only what they made themselves: the sandbox's demo URL and keys, the drawn
      // asset, the benchmark's figures.
      'helpers/sandbox/cli.ts',
      'helpers/assets/make-assets.ts',
      'helpers/bench/**',
    ],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'node:fs', importNames: FS_WRITES, message: 'write files through helpers/harness/sinks/scrubbed-files.ts' },
            { name: 'node:fs/promises', importNames: FS_WRITES, message: 'write files through helpers/harness/sinks/scrubbed-files.ts' },
            { name: 'allure-js-commons', message: 'report through helpers/harness/evidence/evidence-sink.ts, which scrubs' },
          ],
        },
      ],
    },
  },
  {
    // One writer of the spend ledger (promises §2–§4): every line of a create's life goes through create-life.ts.
    files: ['helpers/**/*.ts'],
    ignores: ['helpers/harness/ledger/create-life.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='append'][callee.object.name=/[lL]edger$/]",
          message: 'write the ledger through helpers/harness/ledger/create-life.ts, its only writer',
        },
        {
          selector: "CallExpression[callee.property.name='append'][callee.object.property.name=/[lL]edger$/]",
          message: 'write the ledger through helpers/harness/ledger/create-life.ts, its only writer',
        },
      ],
    },
  },
);
