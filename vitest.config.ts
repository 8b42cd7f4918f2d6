import { defineConfig } from 'vitest/config';

/*
 * Time limits are bounds for a hang, never speed checks: CI machines are shared, and a suite that
 * fails under load is a suite that fails. The slowest test takes about 20 s on an idle 2-core
 * machine, and a loaded one has been seen several times slower (a 33 s hook, a 14-minute suite).
 * Memory is checked by measured RSS (test/cli/bin.test.ts), a hung run of main by the robustness
 * harness (RUN_TIMEOUT_MS, 2 min), a hung child process by CHILD_TIMEOUT_MS (test/helpers/child.ts, 5 min).
 */
const TEN_MINUTES = 10 * 60_000;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: TEN_MINUTES,
    // vitest's default is 10 s; hooks make and remove the heavy fixtures (a browser, a database, a checkout).
    hookTimeout: TEN_MINUTES,
  },
});
