// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig({ ignores: ['node_modules/', 'reports/'] }, js.configs.recommended, tseslint.configs.strictTypeChecked, {
  languageOptions: {
    parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
  },
  rules: {
    '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    // Test servers answer in one-line arrow handlers (`(req, res) => res.end(...)`); braces add nothing there.
    '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
  },
});
