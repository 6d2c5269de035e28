// Node entry: the shared API, sessions on onnxruntime-node / onnxruntime-web, and file writing.
export * from './api.js';
export { createSession } from './node-platform.js';
export { saveOnnx } from './save-onnx.js';
