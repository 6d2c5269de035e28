import { BackendUnavailableError } from '@aekit/core';
import type { KernelConfig } from '@tensorflow/tfjs-core';

const stock = new Map<string, KernelConfig>();

/** Remembers the backend's own kernel before aekit replaces it, so aekit's kernel can fall back to it. */
export function rememberStockKernel(config: KernelConfig): void {
  const key = `${config.backendName}/${config.kernelName}`;
  if (!stock.has(key)) stock.set(key, config);
}

/** The backend's own kernel that aekit replaced, if any. */
export function stockKernel(kernelName: string, backendName: string): KernelConfig | undefined {
  return stock.get(`${backendName}/${kernelName}`);
}

/** The backend's own kernel that aekit replaced; throws when `registerTrainingKernels` did not record one. */
export function requireStockKernel(kernelName: string, backendName: string): KernelConfig {
  const config = stock.get(`${backendName}/${kernelName}`);
  if (config === undefined) {
    throw new BackendUnavailableError(
      `tfjs ${backendName} backend: no stock ${kernelName} kernel to fall back to; import the backend package (@tensorflow/tfjs-backend-${backendName === 'cpu' ? 'cpu' : 'wasm'}) before calling registerTrainingKernels('${backendName}')`,
      { details: { kernelName, backendName } },
    );
  }
  return config;
}
