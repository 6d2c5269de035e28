import { type LayerInput, type ModelSpec, shapeSize, validateSpec } from '@aekit/core';
import { requireNumber, reshapeTo } from './options.js';

export interface ContractiveAutoencoderOptions {
  /** Weight of the penalty mean_batch ||dz/dx||_F^2. Default 1e-4. 0 gives the same model without it. */
  weight?: number;
  /** Code size. Default 64. */
  latentDim?: number;
  /** One sample's shape. Default [28, 28, 1]. */
  inputShape?: number[];
  loss?: 'bce' | 'mse' | 'l1';
  name?: string;
}

/**
 * Contractive autoencoder (Rifai et al. 2011): one dense sigmoid encoder layer, so the Jacobian penalty has
 * the closed form ||J||_F^2 = sum_j (h_j (1 - h_j))^2 * sum_i W_ij^2, and a dense sigmoid decoder.
 */
export function contractiveAutoencoder(options: ContractiveAutoencoderOptions = {}): ModelSpec {
  const weight = options.weight ?? 1e-4;
  requireNumber('contractiveAutoencoder: weight', weight, 0);
  const inputShape = options.inputShape ?? [28, 28, 1];
  const flat = inputShape.length > 1;
  const encoder: LayerInput[] = [
    ...(flat ? [{ type: 'flatten' } as const] : []),
    { type: 'dense', units: options.latentDim ?? 64, activation: 'sigmoid' },
  ];
  const decoder: LayerInput[] = [
    { type: 'dense', units: shapeSize(inputShape), activation: 'sigmoid' },
    ...(flat ? [reshapeTo(inputShape)] : []),
  ];
  return validateSpec({
    name: options.name ?? 'contractive',
    inputShape,
    encoder,
    decoder,
    loss: { reconstruction: options.loss ?? 'bce' },
    regularizers: weight > 0 ? [{ type: 'contractive', weight }] : [],
  });
}
