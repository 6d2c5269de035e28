import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset URLs: the static build works from any path (GitHub Pages, a sub-folder, file servers).
  base: './',
  resolve: {
    // Workspace packages resolve to their TypeScript sources, as in tests.
    conditions: ['source', 'module', 'browser', 'development|production'],
  },
  // onnxruntime-web finds its .wasm through `new URL(..., import.meta.url)`: pre-bundling would break that.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: {
    target: 'es2022',
    // The ORT runtime is large by nature; the app's own code is small.
    chunkSizeWarningLimit: 1024,
  },
  server: { host: '127.0.0.1' },
});
