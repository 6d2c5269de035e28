import { type LayerInput, type ModelSpec, validateSpec } from '@aekit/core';
import { tconv } from './layer-builders.js';
import { requireDivisible } from './options.js';

export interface ConvBottleneckAutoencoderOptions {
  /** [height, width, channels], height and width divisible by 4. Default [28, 28, 1]. */
  inputShape?: [number, number, number];
  /** Size of the dense code. Default 32. */
  latentDim?: number;
  /** Filters of the two stride-2 encoder convolutions; the decoder mirrors them. Default [32, 64]. */
  filters?: [number, number];
  /** Reconstruction loss. Default 'bce' (sigmoid output). */
  loss?: 'bce' | 'mse' | 'l1';
  name?: string;
}

/**
 * A compact convolutional autoencoder with a small dense code, the zoo's quality model for a fixed code size:
 * 28x28x1 -> Conv 3x3/2 (32) -> Conv 3x3/2 (64) -> 7x7x64 -> Dense(latentDim) -> Dense(7x7x64) ->
 * ConvTranspose 3x3/2 (64) -> ConvTranspose 3x3/2 (32) -> Conv 3x3 sigmoid -> 28x28x1.
 * Strided convolutions instead of pooling keep it cheap on CPU.
 */
export function convBottleneckAutoencoder(options: ConvBottleneckAutoencoderOptions = {}): ModelSpec {
  const inputShape = options.inputShape ?? [28, 28, 1];
  requireDivisible('convBottleneckAutoencoder', inputShape, 4);
  const [f1, f2] = options.filters ?? [32, 64];
  const [h, w, channels] = inputShape;
  const down = (filters: number) =>
    ({ type: 'conv2d', filters, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }) as const;
  const inner: [number, number, number] = [h / 4, w / 4, f2];
  const encoder: LayerInput[] = [
    down(f1),
    down(f2),
    { type: 'flatten' },
    { type: 'dense', units: options.latentDim ?? 32, activation: 'linear' },
  ];
  const decoder: LayerInput[] = [
    { type: 'dense', units: inner[0] * inner[1] * inner[2], activation: 'relu' },
    { type: 'reshape', targetShape: inner },
    tconv(f2),
    tconv(f1),
    { type: 'conv2d', filters: channels, kernelSize: 3, padding: 'same', activation: 'sigmoid' },
  ];
  return validateSpec({
    name: options.name ?? 'conv-bottleneck',
    inputShape,
    encoder,
    decoder,
    loss: { reconstruction: options.loss ?? 'bce' },
  });
}
