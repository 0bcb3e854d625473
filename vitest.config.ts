import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['specs/**/*.test.ts', 'specs/**/*.spec.ts'],
    // loopback-only.ts refuses every socket that is not on loopback, in every test file, so no test can
    // reach a real Kling host by mistake.
    setupFiles: ['allure-vitest/setup', 'specs/setup/loopback-only.ts'],
    reporters: ['default', ['allure-vitest/reporter', { resultsDir: 'reports/allure-results', reportMatchers: false }]],
  },
});
