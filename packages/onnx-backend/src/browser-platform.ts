// The browser platform: models by URL, onnxruntime-web only (never onnxruntime-node or node: modules).
import { DataError } from '@aekit/core';
import type { ModelSource } from './read-model.js';
import { loadWebRuntime } from './runtime-web.js';
import { createSessionOn, type OnnxSession, type Platform, type SessionOptions } from './session.js';

const browserPlatform: Platform = {
  defaultRuntime: () => 'web',
  runtimes: ['web'],
  load: (_runtime, device) => loadWebRuntime(device),
  readPath: async (url) => {
    const response = await fetch(url);
    if (!response.ok)
      throw new DataError('DATA_NOT_FOUND', `cannot fetch ONNX model "${url}": HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  },
  hasWebGpu: () => typeof navigator !== 'undefined' && 'gpu' in navigator,
  hasCuda: () => false,
};

/** Loads an ONNX model (a URL, bytes, or an `exportOnnx` result) into onnxruntime-web (WebGPU or WASM). */
export function createSession(source: ModelSource, options: SessionOptions = {}): Promise<OnnxSession> {
  return createSessionOn(browserPlatform, source, options);
}
