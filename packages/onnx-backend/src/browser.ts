// Browser entry (`exports` condition "browser"): onnxruntime-web only, never onnxruntime-node or node:fs.
export * from './api.js';
export { createSession } from './browser-platform.js';
