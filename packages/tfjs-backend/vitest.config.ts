import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

const { resolve, ssr, test } = sharedTestConfig;

/**
 * Two runs: every test as Node 20 starts (aekit's kernels in their plain SIMD build), then the kernel tests
 * again with relaxed SIMD turned on first (their fused multiply-add build, what Node 22+ and browsers load).
 */
export default defineConfig({
  resolve,
  ssr,
  test: {
    projects: [
      { resolve, ssr, test: { ...test, name: 'plain SIMD' } },
      {
        resolve,
        ssr,
        test: {
          ...test,
          name: 'relaxed SIMD',
          include: ['src/kernels/**/*.test.ts', 'src/device/relaxed-simd.test.ts'],
          exclude: ['src/kernels/webgpu/**', 'src/kernels/wasm/native-module.test.ts'],
          setupFiles: ['src/test-utils/relaxed-simd-setup.ts'],
        },
      },
    ],
  },
});
