import { MissingDependencyError } from '@aekit/core';
import type { Device, OrtModule } from './runtime.js';

/** Loads onnxruntime-web (its WebGPU build for device 'webgpu'); never touches onnxruntime-node. */
export async function loadWebRuntime(device: Device): Promise<OrtModule> {
  try {
    const mod = (
      device === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web')
    ) as unknown;
    return ((mod as { default?: OrtModule }).default ?? mod) as OrtModule;
  } catch (error) {
    throw new MissingDependencyError('onnxruntime-web', 'Running ONNX models with WASM or WebGPU', error);
  }
}
