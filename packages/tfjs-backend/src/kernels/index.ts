import { getKernel, type KernelConfig, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { registerConvGradient } from './conv-gradient.js';
import { adamUpdateConfig as cpuAdamUpdate } from './cpu/AdamUpdate.js';
import { conv2DBackpropFilterConfig as cpuConv2DBackpropFilter } from './cpu/Conv2DBackpropFilter.js';
import {
  binaryCrossEntropyConfigs as cpuBinaryCrossEntropy,
  sigmoidCrossEntropyConfigs as cpuSigmoidCrossEntropy,
} from './cpu/CrossEntropy.js';
import { maxPoolGradConfig as cpuMaxPoolGrad } from './cpu/MaxPoolGrad.js';
import { reluGradConfig as cpuReluGrad } from './cpu/ReluGrad.js';
import { resizeNearestNeighborGradConfig as cpuResizeNearestNeighborGrad } from './cpu/ResizeNearestNeighborGrad.js';
import { registerCrossEntropyGradients } from './cross-entropy-gradient.js';
import { registerDenseGradient } from './dense-gradient.js';
import { denseConfig } from './dense-kernel.js';
import { registerReluGradient } from './relu-gradient.js';
import { rememberStockKernel } from './stock-kernels.js';
import { adamUpdateConfig as wasmAdamUpdate } from './wasm/AdamUpdate.js';
import {
  batchMatMulConfig as wasmBatchMatMul,
  fusedMatMulConfig as wasmFusedMatMul,
} from './wasm/BatchMatMul.js';
import { conv2DConfig as wasmConv2D } from './wasm/Conv2D.js';
import { conv2DBackpropFilterConfig as wasmConv2DBackpropFilter } from './wasm/Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig as wasmConv2DBackpropInput } from './wasm/Conv2DBackpropInput.js';
import { conv2dBiasConfig as wasmConv2DBias } from './wasm/Conv2DBias.js';
import { conv2dTransposeBiasConfig as wasmConv2DTransposeBias } from './wasm/Conv2DTransposeBias.js';
import {
  binaryCrossEntropyConfigs as wasmBinaryCrossEntropy,
  sigmoidCrossEntropyConfigs as wasmSigmoidCrossEntropy,
} from './wasm/CrossEntropy.js';
import { identityConfig as wasmIdentity } from './wasm/Identity.js';
import { maxPoolGradConfig as wasmMaxPoolGrad } from './wasm/MaxPoolGrad.js';
import { reluGradConfig as wasmReluGrad } from './wasm/ReluGrad.js';
import { resizeNearestNeighborConfig as wasmResizeNearestNeighbor } from './wasm/ResizeNearestNeighbor.js';
import { resizeNearestNeighborGradConfig as wasmResizeNearestNeighborGrad } from './wasm/ResizeNearestNeighborGrad.js';
import { sigmoidConfig as wasmSigmoid } from './wasm/Sigmoid.js';
import { sumConfig as wasmSum } from './wasm/Sum.js';
import { maxPoolGradConfig as webgpuMaxPoolGrad } from './webgpu/MaxPoolGrad.js';
import { resizeNearestNeighborGradConfig as webgpuResizeNearestNeighborGrad } from './webgpu/ResizeNearestNeighborGrad.js';

/** Kernels aekit adds to (or replaces in) each tfjs backend for training. */
const trainingKernels: Record<string, KernelConfig[]> = {
  wasm: [
    denseConfig('wasm'),
    wasmConv2DBias,
    wasmConv2DTransposeBias,
    wasmConv2D,
    wasmConv2DBackpropFilter,
    wasmConv2DBackpropInput,
    wasmMaxPoolGrad,
    wasmResizeNearestNeighbor,
    wasmResizeNearestNeighborGrad,
    wasmBatchMatMul,
    wasmFusedMatMul,
    ...wasmBinaryCrossEntropy,
    ...wasmSigmoidCrossEntropy,
    wasmAdamUpdate,
    wasmReluGrad,
    wasmSigmoid,
    wasmSum,
    wasmIdentity,
  ],
  cpu: [
    denseConfig('cpu'),
    cpuConv2DBackpropFilter,
    cpuMaxPoolGrad,
    cpuResizeNearestNeighborGrad,
    ...cpuBinaryCrossEntropy,
    ...cpuSigmoidCrossEntropy,
    cpuAdamUpdate,
    cpuReluGrad,
  ],
  // tfjs-backend-webgpu has every kernel the zoo trains with; these two it gets wrong (half-pixel-centre
  // resizes; max-pool ties, which a ReLU before the pool makes the rule).
  webgpu: [webgpuMaxPoolGrad, webgpuResizeNearestNeighborGrad],
};

const installed = new Map<string, KernelConfig>();

/**
 * Registers aekit's training kernels on a tfjs backend ('wasm', 'cpu' or 'webgpu'): kernels the backend lacks
 * (wasm has no Conv2DBackpropFilter), whose stock version is too slow to train with, or wrong (webgpu's
 * ResizeNearestNeighborGrad). Call it after the
 * backend package is imported (before or after the backend initialises); calling it again is a no-op. Other backend names are ignored.
 * Returns the names of the kernels that are now aekit's.
 */
export function registerTrainingKernels(backendName: string): string[] {
  const configs = trainingKernels[backendName] ?? [];
  if (configs.length > 0) {
    registerCrossEntropyGradients();
    registerDenseGradient();
    registerConvGradient();
    registerReluGradient();
  }
  for (const config of configs) {
    const key = `${backendName}/${config.kernelName}`;
    const current = getKernel(config.kernelName, backendName);
    if (current !== undefined && current === installed.get(key)) continue;
    let toInstall = config;
    if (current !== undefined) {
      rememberStockKernel(current);
      unregisterKernel(config.kernelName, backendName);
      // Our kernels may call the stock one: keep its setup (run when the backend initialises later).
      const stockSetup = current.setupFunc;
      if (stockSetup !== undefined) {
        toInstall = {
          ...config,
          setupFunc: (backend) => {
            stockSetup(backend);
            config.setupFunc?.(backend);
          },
        };
      }
    }
    registerKernel(toInstall);
    installed.set(key, toInstall);
  }
  return configs.map((c) => c.kernelName);
}

/** Names of the kernels `registerTrainingKernels` installs for a backend. */
export function trainingKernelNames(backendName: string): string[] {
  return (trainingKernels[backendName] ?? []).map((c) => c.kernelName);
}

export { nativeKernelsUnavailableReason, setNativeKernelsEnabled } from './wasm/native.js';
