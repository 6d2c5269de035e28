import { OptionError } from './errors.js';

/**
 * The device words of the whole project, one per piece of hardware (as transformers.js does): training
 * (tfjs) and inference (ONNX Runtime) say the same word for the same hardware, and each engine maps the
 * words it supports to its own packages or execution providers. Resolution goes through a `BackendRegistry`.
 */
export const DEVICES = Object.freeze({
  /** The best device that loads here: GPUs first, then native CPU code, WebAssembly, plain JavaScript. */
  auto: 'auto',
  /** Any GPU: CUDA, else WebGPU on a hardware adapter. */
  gpu: 'gpu',
  /** An NVIDIA GPU through CUDA (tfjs: `@tensorflow/tfjs-node-gpu`; ONNX Runtime: the CUDA provider). */
  cuda: 'cuda',
  /** A GPU through WebGPU (browsers; Node through Dawn). */
  webgpu: 'webgpu',
  /** Native CPU code (tfjs: `@tensorflow/tfjs-node`; ONNX Runtime: the CPU provider of onnxruntime-node). */
  cpu: 'cpu',
  /** WebAssembly, SIMD and threads where available (tfjs-backend-wasm; onnxruntime-web). */
  wasm: 'wasm',
  /** Plain JavaScript (tfjs-backend-cpu): runs anywhere, slowly. */
  js: 'js',
} as const);

export type Device = keyof typeof DEVICES;
/** A device that names one piece of hardware (not a choice among several). */
export type ConcreteDevice = Exclude<Device, 'auto' | 'gpu'>;

/** The device names, in the order of `DEVICES`. */
export const DEVICE_NAMES: readonly Device[] = Object.freeze(Object.keys(DEVICES) as Device[]);

/** The concrete devices a `gpu` request tries, in order. */
export const GPU_DEVICES: readonly ConcreteDevice[] = Object.freeze(['cuda', 'webgpu'] as const);

export function isDevice(value: unknown): value is Device {
  return typeof value === 'string' && Object.hasOwn(DEVICES, value);
}

/** Checks a device word (from an option or AEKIT_DEVICE); throws OptionError listing the valid ones. */
export function parseDevice(value: unknown, what = 'device'): Device {
  if (isDevice(value)) return value;
  throw new OptionError(`Unknown ${what} "${String(value)}". Should be one of: ${DEVICE_NAMES.join(', ')}`, {
    details: { expected: [...DEVICE_NAMES], actual: value },
  });
}
