import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../vitest.shared.js';

/**
 * The scripts' helper tests, and the cross-package end-to-end tests (e2e/: real data through several packages'
 * public entries). The benchmarks and `pnpm results` themselves take minutes to hours and are not tests.
 */
export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: { include: ['results/**/*.test.ts', 'bench/**/*.test.ts', 'e2e/**/*.test.ts'] },
  }),
);
