import { type LayerInput, type ModelSpec, shapeSize, validateSpec } from '@aekit/core';
import { requireDivisible, requireNumber, reshapeTo } from './options.js';

export interface VaeOptions {
  /** Size of the Gaussian code. Default 16 (use 2 for a latent map you can plot). */
  latentDim?: number;
  /** Weight of the KL term (beta-VAE when > 1). Default 1: the loss is then the negative ELBO. */
  beta?: number;
  /** 'dense' (MLP) or 'conv' (two stride-2 convolutions, needs height and width divisible by 4). Default 'dense'. */
  kind?: 'dense' | 'conv';
  /** One sample's shape. Default [28, 28, 1]. */
  inputShape?: number[];
  /** Units of the hidden layer(s) between data and code. Default 512 (dense) / 128 (conv). */
  hiddenUnits?: number;
  name?: string;
}

/**
 * Variational autoencoder (Kingma & Welling 2014): Gaussian latent with mean and log-variance heads, the
 * reparameterisation trick, and the loss BCE summed over pixels + beta * KL(q(z|x) || N(0, I)) averaged over
 * the batch (with beta = 1, the negative ELBO in nats per sample).
 */
export function vae(options: VaeOptions = {}): ModelSpec {
  const kind = options.kind ?? 'dense';
  const beta = options.beta ?? 1;
  requireNumber('vae: beta', beta, 0);
  const latentDim = options.latentDim ?? 16;
  const inputShape = options.inputShape ?? [28, 28, 1];
  const size = shapeSize(inputShape);
  let encoder: LayerInput[];
  let decoder: LayerInput[];
  if (kind === 'dense') {
    const hidden = options.hiddenUnits ?? 512;
    const flat = inputShape.length > 1;
    encoder = [
      ...(flat ? [{ type: 'flatten' } as const] : []),
      { type: 'dense', units: hidden, activation: 'relu' },
    ];
    decoder = [
      { type: 'dense', units: hidden, activation: 'relu' },
      { type: 'dense', units: size, activation: 'sigmoid' },
      ...(flat ? [reshapeTo(inputShape)] : []),
    ];
  } else {
    requireDivisible('vae({ kind: "conv" })', inputShape, 4);
    const [h, w, c] = inputShape as [number, number, number];
    const hidden = options.hiddenUnits ?? 128;
    const inner = [h / 4, w / 4, 64];
    encoder = [
      { type: 'conv2d', filters: 32, kernelSize: 3, strides: 2, activation: 'relu' },
      { type: 'conv2d', filters: 64, kernelSize: 3, strides: 2, activation: 'relu' },
      { type: 'flatten' },
      { type: 'dense', units: hidden, activation: 'relu' },
    ];
    decoder = [
      { type: 'dense', units: hidden, activation: 'relu' },
      { type: 'dense', units: shapeSize(inner), activation: 'relu' },
      { type: 'reshape', targetShape: inner },
      { type: 'conv2dTranspose', filters: 64, kernelSize: 3, strides: 2, activation: 'relu' },
      { type: 'conv2dTranspose', filters: 32, kernelSize: 3, strides: 2, activation: 'relu' },
      { type: 'conv2d', filters: c, kernelSize: 3, activation: 'sigmoid' },
    ];
  }
  return validateSpec({
    name: options.name ?? (kind === 'dense' ? 'vae' : 'conv-vae'),
    inputShape,
    encoder,
    latent: { type: 'gaussian', dim: latentDim, beta },
    decoder,
    loss: { reconstruction: 'bce', reduction: 'sum' },
  });
}
