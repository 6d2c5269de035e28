import { type LayerInput, type ModelSpec, OptionError, validateSpec } from '@aekit/core';
import { nearestMultiples } from './options.js';

export interface Conv1dAutoencoderOptions {
  /** Steps of one window, a multiple of 4. Default 128. */
  timesteps?: number;
  /** Values per step (channels). Default 1. */
  features?: number;
  /** Filters of the two stride-2 encoder convolutions; the decoder mirrors them. Default [16, 32]. */
  filters?: [number, number];
  /** Steps each convolution sees. Default 7. */
  kernelSize?: number;
  /** Size of the dense code. Default 16. */
  latentDim?: number;
  name?: string;
}

/**
 * Convolutional sequence autoencoder over windows [timesteps, features]: Conv1D k/2 (f1) -> Conv1D k/2 (f2) ->
 * Dense(latentDim) -> Dense -> ConvTranspose1D k/2 (f2) -> ConvTranspose1D k/2 (f1) -> Conv1D k (features),
 * linear output and MSE (for a standardised series). Each 1-D convolution is a 2-D one over a window of
 * height 1 (kernel [1, k], strides [1, 2]), so the tfjs engine and the ONNX export need nothing new.
 * `timesteps` must be a multiple of 4 (halved twice and doubled back); other lengths are an error naming the
 * nearest valid ones.
 */
export function conv1dAutoencoder(options: Conv1dAutoencoderOptions = {}): ModelSpec {
  const timesteps = options.timesteps ?? 128;
  const features = options.features ?? 1;
  const [f1, f2] = options.filters ?? [16, 32];
  const k = options.kernelSize ?? 7;
  if (!(Number.isInteger(timesteps) && timesteps > 0 && timesteps % 4 === 0)) {
    throw new OptionError(
      `conv1dAutoencoder: the window must be a multiple of 4 steps (halved twice by the encoder and doubled back by the decoder), got ${timesteps}; use --window ${nearestMultiples(timesteps, 4).join(' or ')}`,
      { details: { option: '--window', actual: timesteps, nearest: nearestMultiples(timesteps, 4) } },
    );
  }
  const conv = (filters: number, strides: number, activation: 'relu' | 'linear'): LayerInput => ({
    type: 'conv2d',
    filters,
    kernelSize: [1, k],
    strides: [1, strides],
    padding: 'same',
    activation,
  });
  const up = (filters: number): LayerInput => ({
    type: 'conv2dTranspose',
    filters,
    kernelSize: [1, k],
    strides: [1, 2],
    padding: 'same',
    activation: 'relu',
  });
  const inner = [1, timesteps / 4, f2];
  const encoder: LayerInput[] = [
    { type: 'reshape', targetShape: [1, timesteps, features] },
    conv(f1, 2, 'relu'),
    conv(f2, 2, 'relu'),
    { type: 'flatten' },
    { type: 'dense', units: options.latentDim ?? 16, activation: 'linear' },
  ];
  const decoder: LayerInput[] = [
    { type: 'dense', units: inner[1]! * f2, activation: 'relu' },
    { type: 'reshape', targetShape: inner },
    up(f2),
    up(f1),
    conv(features, 1, 'linear'),
    { type: 'reshape', targetShape: [timesteps, features] },
  ];
  return validateSpec({
    name: options.name ?? 'conv1d',
    inputShape: [timesteps, features],
    encoder,
    decoder,
    loss: { reconstruction: 'mse' },
    preprocessing: 'float32 windows [timesteps, features] of a standardised series (value - mean) / std',
  });
}
