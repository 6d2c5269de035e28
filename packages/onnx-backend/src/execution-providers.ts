import { type ConcreteDevice, type Device, GPU_DEVICES, OptionError } from '@aekit/core';
import type { Runtime } from './runtime.js';

/**
 * One way to run a device word on ONNX Runtime: the execution providers to ask for, or why that way cannot
 * work here (known before trying) and how to fix it.
 */
export interface ProviderCandidate {
  /** The concrete device it stands for, as named in messages: `cuda`, `webgpu`, `cpu`, `wasm`. */
  name: string;
  /** Execution providers for `InferenceSession.create`, in order. */
  providers: string[];
  /** Why it cannot run here, when that is known without trying. */
  unavailable?: string;
  /**
   * What to do when it fails. Absent for the CPU and WASM providers: they run every valid model, so when
   * they fail the model is at fault, not the device.
   */
  fix?: string;
}

/** What a platform knows about its hardware before a session is created. */
export interface ProviderEnvironment {
  /** onnxruntime-node's CUDA provider binaries are installed. */
  hasCuda: boolean;
  /** The page has WebGPU (`navigator.gpu`); always false in Node. */
  hasWebGpu: boolean;
  /**
   * The execution providers the loaded onnxruntime-node build ships (`listSupportedBackends()`), or
   * undefined when that build cannot say.
   */
  nodeProviders?: readonly string[];
}

const CUDA_FIX =
  'install the CUDA binaries with ONNXRUNTIME_NODE_INSTALL=cuda12 pnpm install (needs CUDA 12 and cuDNN 9), or use device "cpu"';
const NODE_WEBGPU_FIX =
  'onnxruntime-node\'s WebGPU provider needs a GPU adapter (Dawn: Vulkan on Linux, D3D12 on Windows, Metal on macOS; without a GPU, the SwiftShader Vulkan driver of Debian\'s chromium: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json with XDG_RUNTIME_DIR set); or use device "cpu" or "wasm"';
const WEB_WEBGPU_FIX = 'use a browser with WebGPU, or device "wasm"';

/** Fails with OptionError for device words this runtime never runs, before any package is loaded. */
export function checkRuntimeDevice(runtime: Runtime, device: Device): void {
  if (device === 'js') {
    throw new OptionError(
      'device "js": ONNX Runtime has no plain-JavaScript execution provider; use device "wasm" (onnxruntime-web, runs anywhere) or "cpu"',
      { details: { device, runtime } },
    );
  }
  if (runtime === 'web' && device === 'cuda')
    throw new OptionError(`device "cuda" needs runtime "node" (onnxruntime-node), got runtime "web"`);
  if (runtime === 'node' && device === 'wasm')
    throw new OptionError(`device "wasm" needs runtime "web" (onnxruntime-web), got runtime "node"`);
}

function cuda(env: ProviderEnvironment, runtime: Runtime, tryAnyway: boolean): ProviderCandidate {
  if (runtime === 'web') {
    return {
      name: 'cuda',
      providers: ['cuda'],
      unavailable: 'onnxruntime-web has no CUDA provider (only onnxruntime-node has)',
      fix: 'use device "webgpu" or "wasm" here, or runtime "node" in Node',
    };
  }
  const candidate: ProviderCandidate = { name: 'cuda', providers: ['cuda'], fix: CUDA_FIX };
  // An explicit `cuda` is always tried: ONNX Runtime's own message says what is missing.
  if (!env.hasCuda && !tryAnyway) candidate.unavailable = 'the CUDA provider binaries are not installed';
  return candidate;
}

function webgpu(env: ProviderEnvironment, runtime: Runtime, tryAnyway: boolean): ProviderCandidate {
  if (runtime === 'web') {
    const candidate: ProviderCandidate = { name: 'webgpu', providers: ['webgpu'], fix: WEB_WEBGPU_FIX };
    if (!env.hasWebGpu && !tryAnyway) candidate.unavailable = 'no WebGPU here (navigator.gpu is missing)';
    return candidate;
  }
  const candidate: ProviderCandidate = { name: 'webgpu', providers: ['webgpu'], fix: NODE_WEBGPU_FIX };
  if (env.nodeProviders && !env.nodeProviders.includes('webgpu')) {
    candidate.unavailable = `this onnxruntime-node build ships no WebGPU provider (only ${env.nodeProviders.join(', ')})`;
  }
  return candidate;
}

/**
 * The candidates a device word tries on a runtime, in order; the first that creates a session wins. Node
 * (onnxruntime-node): auto = CUDA when its binaries are installed, else CPU; gpu = CUDA when installed, else
 * WebGPU; cpu, cuda, webgpu = that provider. Web (onnxruntime-web): auto = WebGPU when the page has it, else
 * WASM; gpu and webgpu = WebGPU; cpu and wasm = WASM. Call `checkRuntimeDevice` first.
 */
export function providerCandidates(
  runtime: Runtime,
  device: Device,
  env: ProviderEnvironment,
): ProviderCandidate[] {
  const concrete = (name: ConcreteDevice, tryAnyway: boolean): ProviderCandidate => {
    if (name === 'cuda') return cuda(env, runtime, tryAnyway);
    if (name === 'webgpu') return webgpu(env, runtime, tryAnyway);
    return { name, providers: [], unavailable: `ONNX Runtime has no "${name}" GPU provider` };
  };
  if (device === 'gpu') return GPU_DEVICES.map((name) => concrete(name, false));
  if (device === 'cuda' || device === 'webgpu') return [concrete(device, true)];
  if (runtime === 'web') {
    // `auto` hands ONNX Runtime both providers: it falls back to WASM by itself.
    if (device === 'auto' && env.hasWebGpu) return [{ name: 'webgpu', providers: ['webgpu', 'wasm'] }];
    return [{ name: 'wasm', providers: ['wasm'] }];
  }
  const cpu: ProviderCandidate = { name: 'cpu', providers: ['cpu'] };
  if (device === 'auto' && env.hasCuda) return [cuda(env, runtime, true), cpu];
  return [cpu];
}
