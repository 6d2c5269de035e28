import { defineConfig } from 'vitest/config';

/** Unit tests of the scripts' helpers only: the benchmarks and `pnpm results` themselves take minutes to hours. */
export default defineConfig({
  test: {
    include: ['results/**/*.test.ts', 'bench/**/*.test.ts'],
    pool: 'forks',
  },
});
