import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Golden cases run the CLI in-process; a few spawn the built binary and need more time.
    testTimeout: 20000,
  },
});
