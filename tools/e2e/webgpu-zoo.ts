// The zoo at sizes a software GPU (SwiftShader) trains in seconds, and when the WebGPU tests may be skipped.
import type { ModelSpec } from '@aekit/core';
import {
  colorizationAutoencoder,
  contractiveAutoencoder,
  convAutoencoder,
  convBottleneckAutoencoder,
  deepAutoencoder,
  denoisingAutoencoder,
  denseAutoencoder,
  inpaintingAutoencoder,
  lstmAutoencoder,
  sparseAutoencoder,
  superResolutionAutoencoder,
  vae,
} from '@aekit/models';
import { selectDevice } from '@aekit/tfjs-backend';

/**
 * Every model function of the zoo (both conv decoders, both VAE kinds, both sparsity penalties) on 4x4 images,
 * 16-value vectors or a 3-step series, with few filters (where the function lets one choose): the same layers, losses, regularisers and
 * corruptions as the full-size models, so the same kernels.
 */
export function tinyZoo(): [string, ModelSpec][] {
  const image: [number, number, number] = [4, 4, 1];
  return [
    ['dense', denseAutoencoder({ inputShape: image, latentDim: 3 })],
    ['deep', deepAutoencoder({ inputShape: image, hidden: [8, 6], latentDim: 3 })],
    ['conv', convAutoencoder({ inputShape: image, filters: [3, 2] })],
    ['conv(transpose)', convAutoencoder({ inputShape: image, filters: [3, 2], decoder: 'transpose' })],
    ['convBottleneck', convBottleneckAutoencoder({ inputShape: image, filters: [3, 4], latentDim: 3 })],
    [
      'denoising',
      denoisingAutoencoder({ base: convAutoencoder({ inputShape: image, filters: [3, 3], loss: 'mse' }) }),
    ],
    [
      'sparse(l1)',
      sparseAutoencoder({
        inputShape: [16],
        hidden: [8],
        latentDim: 10,
        penalty: { type: 'l1', weight: 1e-3 },
      }),
    ],
    [
      'sparse(kl)',
      sparseAutoencoder({
        inputShape: [16],
        hidden: [8],
        latentDim: 10,
        penalty: { type: 'kl', rho: 0.05, weight: 0.5 },
      }),
    ],
    ['contractive', contractiveAutoencoder({ inputShape: [16], latentDim: 4, weight: 0.01 })],
    ['vae(dense)', vae({ inputShape: [16], latentDim: 2, hiddenUnits: 8 })],
    ['vae(conv)', vae({ kind: 'conv', inputShape: image, latentDim: 2, hiddenUnits: 4 })],
    ['lstm', lstmAutoencoder({ timesteps: 3, features: 2, units: 3, latentDim: 2 })],
    ['colorization', colorizationAutoencoder({ inputShape: image })],
    ['inpainting', inpaintingAutoencoder({ inputShape: image, blockSize: 2 })],
    ['superResolution', superResolutionAutoencoder({ inputShape: [2, 2, 1] })],
  ];
}

/**
 * Undefined when the WebGPU training tests run: the webgpu device loads, or `CI` is set (there they must
 * run, and fail without an adapter). Otherwise why they are skipped.
 */
export async function webgpuTrainingSkip(): Promise<string | undefined> {
  try {
    await selectDevice('webgpu');
    return undefined;
  } catch (error) {
    if (process.env.CI) return undefined;
    const why = (error as Error).message.split('\n')[1]?.trim() ?? (error as Error).message;
    return `skipped: the webgpu device does not load here and CI is unset (${why})`;
  }
}
