import { type LayerInput, type ModelSpec, shapeSize, validateSpec } from '@aekit/core';
import { requireNumber, reshapeTo } from './options.js';

/** L1 on the code's activations (ReLU code), or KL of each unit's mean activation towards `rho` (sigmoid code). */
export type SparsityPenalty = { type: 'l1'; weight: number } | { type: 'kl'; rho: number; weight: number };

export interface SparseAutoencoderOptions {
  /** Default `{ type: 'l1', weight: 1e-4 }`. */
  penalty?: SparsityPenalty;
  /** Code size; may exceed the input size (overcomplete): the penalty, not the size, keeps the code sparse. Default 64. */
  latentDim?: number;
  /** Hidden layers between input and code, mirrored in the decoder. Default none. */
  hidden?: number[];
  /** One sample's shape. Default [28, 28, 1]. */
  inputShape?: number[];
  loss?: 'bce' | 'mse' | 'l1';
  name?: string;
}

/**
 * Sparse autoencoder: a dense autoencoder whose code is pushed towards few active units, by an L1 activity
 * penalty (ReLU code) or a KL sparsity penalty towards a target mean activation `rho` (sigmoid code).
 */
export function sparseAutoencoder(options: SparseAutoencoderOptions = {}): ModelSpec {
  const penalty = options.penalty ?? { type: 'l1', weight: 1e-4 };
  requireNumber('sparseAutoencoder: penalty.weight', penalty.weight, 0);
  if (penalty.type === 'kl') requireNumber('sparseAutoencoder: penalty.rho', penalty.rho, 1e-6, 1 - 1e-6);
  const inputShape = options.inputShape ?? [28, 28, 1];
  const hidden = options.hidden ?? [];
  const flat = inputShape.length > 1;
  const encoder: LayerInput[] = [
    ...(flat ? [{ type: 'flatten' } as const] : []),
    ...hidden.map((units) => ({ type: 'dense', units, activation: 'relu' }) as const),
    { type: 'dense', units: options.latentDim ?? 64, activation: penalty.type === 'kl' ? 'sigmoid' : 'relu' },
  ];
  const decoder: LayerInput[] = [
    ...[...hidden].reverse().map((units) => ({ type: 'dense', units, activation: 'relu' }) as const),
    { type: 'dense', units: shapeSize(inputShape), activation: 'sigmoid' },
    ...(flat ? [reshapeTo(inputShape)] : []),
  ];
  return validateSpec({
    name: options.name ?? `sparse-${penalty.type}`,
    inputShape,
    encoder,
    decoder,
    loss: { reconstruction: options.loss ?? 'bce' },
    regularizers: [
      penalty.type === 'l1'
        ? { type: 'l1Activity', weight: penalty.weight }
        : { type: 'klSparsity', rho: penalty.rho, weight: penalty.weight },
    ],
  });
}
