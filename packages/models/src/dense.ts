import { type Activation, type LayerInput, type ModelSpec, shapeSize, validateSpec } from '@aekit/core';
import { reshapeTo } from './options.js';

export interface DenseAutoencoderOptions {
  /** One sample's shape; flattened on the way in and reshaped on the way out. Default [28, 28, 1]. */
  inputShape?: number[];
  /** Size of the code. Default 32 (784 -> 32 -> 784, as in the Keras tutorial). */
  latentDim?: number;
  /** Activation of the code layer. Default 'relu'. */
  latentActivation?: Activation;
  /** Reconstruction loss; default 'bce' (outputs are sigmoid). */
  loss?: 'bce' | 'mse' | 'l1';
  /**
   * Activation of the output layer. Default 'sigmoid' (values in [0, 1], as images and min-max scaled
   * tables); 'linear' for z-scored tables (with `loss: 'mse'`: 'bce' needs a sigmoid).
   */
  outputActivation?: Activation;
  name?: string;
}

/** Undercomplete dense autoencoder: input -> dense(latentDim) -> dense(input size, sigmoid). */
export function denseAutoencoder(options: DenseAutoencoderOptions = {}): ModelSpec {
  return stackedAutoencoder({ ...options, hidden: [], name: options.name ?? 'dense' });
}

export interface DeepAutoencoderOptions extends DenseAutoencoderOptions {
  /** Hidden layer sizes between input and code; mirrored in the decoder. Default [128, 64]. */
  hidden?: number[];
  /** Activation of hidden layers. Default 'relu'. */
  activation?: Activation;
}

/** Deep (stacked) dense autoencoder: a symmetric sandwich, 784-128-64-32-64-128-784 by default. */
export function deepAutoencoder(options: DeepAutoencoderOptions = {}): ModelSpec {
  return stackedAutoencoder({ hidden: [128, 64], ...options, name: options.name ?? 'deep' });
}

function stackedAutoencoder(options: DeepAutoencoderOptions & { hidden: number[]; name: string }): ModelSpec {
  const inputShape = options.inputShape ?? [28, 28, 1];
  const latentDim = options.latentDim ?? 32;
  const activation = options.activation ?? 'relu';
  const size = shapeSize(inputShape);
  const flat = inputShape.length > 1;
  const encoder: LayerInput[] = [
    ...(flat ? [{ type: 'flatten' } as const] : []),
    ...options.hidden.map((units) => ({ type: 'dense', units, activation }) as const),
    { type: 'dense', units: latentDim, activation: options.latentActivation ?? 'relu' },
  ];
  const loss = options.loss ?? 'bce';
  const decoder: LayerInput[] = [
    ...[...options.hidden].reverse().map((units) => ({ type: 'dense', units, activation }) as const),
    { type: 'dense', units: size, activation: options.outputActivation ?? 'sigmoid' },
    ...(flat ? [reshapeTo(inputShape)] : []),
  ];
  return validateSpec({ name: options.name, inputShape, encoder, decoder, loss: { reconstruction: loss } });
}
