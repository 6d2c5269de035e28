import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset URLs: the static build works from any path (GitHub Pages, a sub-folder, file servers).
  base: './',
  resolve: {
    // Workspace packages resolve to their TypeScript sources, as in tests.
    conditions: ['source', 'module', 'browser', 'development|production'],
    // The default onnxruntime-web bundle loads the 28 MB JSEP wasm even for plain WASM; the WASM-only
    // bundle loads the 14 MB one. WebGPU goes through onnxruntime-web/webgpu (src/ort-preload.ts).
    alias: [{ find: /^onnxruntime-web$/, replacement: 'onnxruntime-web/wasm' }],
  },
  // onnxruntime-web finds its .wasm through `new URL(..., import.meta.url)`: pre-bundling would break that.
  optimizeDeps: { exclude: ['onnxruntime-web', 'onnxruntime-web/wasm', 'onnxruntime-web/webgpu'] },
  // The training worker imports chunks on demand (tfjs flavours, ONNX Runtime): ES module workers split.
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // The ORT runtime is large by nature; the app's own code is small.
    chunkSizeWarningLimit: 1024,
  },
  server: { host: '127.0.0.1' },
});
