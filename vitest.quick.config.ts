import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/*
 * `npm run test:quick`: the unit, contract and golden tests, in-process from the TypeScript
 * sources, with no build. `npm test` runs these and the ones left out here: those that need dist/
 * (the built binary, the worker threads of a parallel read, a child importing dist/), a browser,
 * a database (PostgreSQL, DuckDB), the README's CI recipe, and the robustness suites.
 */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      // Every core: vitest leaves one to its main process by default (on 2 cores, one file at a
      // time), and here that process has little to do.
      maxWorkers: '100%',
      exclude: [
        ...configDefaults.exclude,
        'test/browser/**', // Chromium, on pages the built binary writes
        'test/cli/bin.test.ts', // the built binary, and its memory on inputs built to exhaust it
        'test/cli/recipe.test.ts', // installs nps from a clone of this repository
        'test/cli/postgres.test.ts', // a throwaway PostgreSQL
        'test/cli/counts.test.ts', // DuckDB
        'test/cli/parquet.test.ts', // DuckDB
        'test/io/parallel.test.ts', // its worker threads load dist/io/scan-worker.js
        'test/core/text.test.ts', // a child process imports dist/core/text.js
        'test/robustness/**', // thousands of generated inputs, 20 MB fields, 100,000 columns
      ],
    },
  }),
);
