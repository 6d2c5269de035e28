// Small specs that together cover every layer kind and activation, odd sizes, strides 2 'same'/'valid'.
import { type ModelSpec, validateSpec } from '@aekit/core';

export const layerSpecs: Record<string, ModelSpec> = {
  convOdd: validateSpec({
    name: 'conv-odd',
    inputShape: [9, 7, 2],
    encoder: [
      { type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
      { type: 'batchNorm' },
      { type: 'conv2d', filters: 3, kernelSize: [2, 3], padding: 'valid', activation: 'elu' },
      { type: 'maxPool2d', poolSize: 2, strides: 1, padding: 'valid' },
      { type: 'flatten' },
      { type: 'dense', units: 5, activation: 'selu' },
    ],
    decoder: [
      { type: 'dense', units: 18, activation: 'softplus' },
      { type: 'reshape', targetShape: [3, 3, 2] },
      { type: 'conv2dTranspose', filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' },
      { type: 'upSampling2d', size: [2, 1] },
      { type: 'conv2dTranspose', filters: 2, kernelSize: [2, 3], padding: 'valid' },
      { type: 'conv2d', filters: 2, kernelSize: [5, 2], padding: 'valid', activation: 'sigmoid' },
    ],
    loss: { reconstruction: 'bce' },
  }),
  convStrided: validateSpec({
    name: 'conv-strided',
    inputShape: [6, 5, 3],
    encoder: [
      { type: 'maxPool2d', poolSize: 3, strides: 2, padding: 'same' },
      { type: 'dense', units: 4, activation: 'leakyRelu' },
      { type: 'dropout', rate: 0.3 },
      { type: 'activation', activation: 'sigmoid' },
      { type: 'conv2d', filters: 2, kernelSize: 2, strides: 2, padding: 'valid', useBias: false },
    ],
    decoder: [
      { type: 'conv2dTranspose', filters: 2, kernelSize: 1, strides: 2, padding: 'same' },
      { type: 'conv2dTranspose', filters: 3, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu' },
      { type: 'conv2dTranspose', filters: 3, kernelSize: 3, strides: 2, padding: 'valid', useBias: false },
      { type: 'batchNorm', epsilon: 0.01 },
      { type: 'conv2d', filters: 3, kernelSize: [4, 5], padding: 'valid' },
      { type: 'activation', activation: 'linear' },
    ],
    loss: { reconstruction: 'mse' },
  }),
  // One-filter convolutions (exported as depthwise + channel sum), with and without bias, strided and not.
  convOneFilter: validateSpec({
    name: 'conv-one-filter',
    inputShape: [8, 6, 1],
    encoder: [
      { type: 'conv2d', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' },
      { type: 'conv2d', filters: 1, kernelSize: [3, 2], strides: 2, padding: 'same', useBias: false },
    ],
    decoder: [
      { type: 'conv2dTranspose', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
      { type: 'conv2d', filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid' },
    ],
    loss: { reconstruction: 'bce' },
  }),
  vaeDense: validateSpec({
    name: 'vae-dense',
    inputShape: [12],
    encoder: [
      { type: 'dense', units: 8, activation: 'tanh' },
      { type: 'batchNorm' },
      { type: 'dropout', rate: 0.1 },
    ],
    latent: { type: 'gaussian', dim: 3 },
    decoder: [
      { type: 'dense', units: 8, activation: 'leakyRelu' },
      { type: 'dense', units: 12, activation: 'sigmoid' },
    ],
    loss: { reconstruction: 'bce', reduction: 'sum' },
  }),
  sequence: validateSpec({
    name: 'sequence',
    inputShape: [5, 3],
    encoder: [
      { type: 'lstm', units: 4, returnSequences: true },
      { type: 'batchNorm' },
      { type: 'lstm', units: 6 },
      { type: 'dense', units: 2 },
    ],
    decoder: [
      { type: 'repeatVector', n: 5 },
      { type: 'lstm', units: 4, returnSequences: true },
      { type: 'dense', units: 3 },
    ],
    loss: { reconstruction: 'mse' },
  }),
};
