import type { ModelSpec } from '@aekit/core';
import { convAutoencoder, deepAutoencoder, denseAutoencoder } from '@aekit/models';

/** The input every in-page training uses: 28 x 28 grey images (uploads are fitted to it as the demo's). */
export const TRAIN_SHAPE = [28, 28, 1] as const;

/** The zoo models a visitor can train in the page: small enough for a few epochs in a tab. */
export const TRAIN_MODELS = {
  dense: { title: 'Dense 784-32-784', spec: () => denseAutoencoder({ inputShape: [...TRAIN_SHAPE] }) },
  deep: {
    title: 'Deep dense 784-128-64-32',
    spec: () => deepAutoencoder({ inputShape: [...TRAIN_SHAPE], hidden: [128, 64], latentDim: 32 }),
  },
  conv: {
    title: 'Convolutional 28x28 -> 4x4x8',
    spec: () => convAutoencoder({ inputShape: [...TRAIN_SHAPE] }),
  },
} as const satisfies Record<string, { title: string; spec: () => ModelSpec }>;

export type TrainModelId = keyof typeof TRAIN_MODELS;

export function isTrainModelId(value: string): value is TrainModelId {
  return Object.hasOwn(TRAIN_MODELS, value);
}

/** The tfjs devices a browser has; `?train-device=webgpu` trains on a software adapter too (auto skips one). */
export const TRAIN_DEVICES = ['auto', 'webgpu', 'wasm', 'js'] as const;
export type TrainDevice = (typeof TRAIN_DEVICES)[number];

export function trainDeviceOf(value: string | null): TrainDevice {
  return (TRAIN_DEVICES as readonly string[]).includes(value ?? '') ? (value as TrainDevice) : 'auto';
}
