// The Node platform: model files from disk, onnxruntime-node (onnxruntime-web for device 'wasm').
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError } from '@aekit/core';
import type { ModelSource } from './read-model.js';
import type { Runtime } from './runtime.js';
import { loadNodeRuntime } from './runtime-node.js';
import { createSessionOn, type OnnxSession, type Platform, type SessionOptions } from './session.js';

/** True when onnxruntime-node is installed with its CUDA provider (ONNXRUNTIME_NODE_INSTALL=cuda12). */
function hasCuda(): boolean {
  if (process.platform !== 'linux' && process.platform !== 'win32') return false;
  try {
    const main = createRequire(import.meta.url).resolve('onnxruntime-node');
    const bin = join(dirname(main), '..', 'bin', 'napi-v6', process.platform, process.arch);
    const lib =
      process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    return existsSync(join(bin, lib));
  } catch {
    return false;
  }
}

async function readPath(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (cause) {
    throw new DataError('DATA_NOT_FOUND', `cannot read ONNX model "${path}": ${(cause as Error).message}`, {
      cause,
    });
  }
}

const nodePlatform: Platform = {
  defaultRuntime: (device) => (device === 'wasm' ? 'web' : 'node'),
  runtimes: ['node', 'web'] satisfies Runtime[],
  load: loadNodeRuntime,
  readPath,
  hasWebGpu: () => false,
  hasCuda,
  // Its own ArrayBuffer (never a slice of Node's shared pool), not zeroed: the session writes every value.
  allocOutput: (length) => {
    const bytes = Buffer.allocUnsafeSlow(length * 4);
    return new Float32Array(bytes.buffer, bytes.byteOffset, length);
  },
};

/**
 * Loads an ONNX model (a path, bytes, or an `exportOnnx` result) into ONNX Runtime: onnxruntime-node for
 * devices auto/gpu/cpu/cuda/webgpu, onnxruntime-web for wasm (or `runtime: 'web'`). Both load on demand.
 */
export function createSession(source: ModelSource, options: SessionOptions = {}): Promise<OnnxSession> {
  return createSessionOn(nodePlatform, source, options);
}
