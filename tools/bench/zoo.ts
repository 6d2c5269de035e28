import { inferShapes, type Layer, type ModelSpec } from '@aekit/core';
import {
  convAutoencoder,
  convBottleneckAutoencoder,
  deepAutoencoder,
  denoisingAutoencoder,
  denseAutoencoder,
  vae,
} from '@aekit/models';

/**
 * The zoo models the benchmark runs on both engines (tools/bench/torch_bench.py builds the same layers), by
 * the name the bench and the PyTorch peer use.
 */
export const BENCH_MODELS = {
  dense: () => denseAutoencoder(),
  deep: () => deepAutoencoder(),
  conv: () => convAutoencoder(),
  'conv-bottleneck': () => convBottleneckAutoencoder(),
  denoising: () => denoisingAutoencoder(),
  vae: () => vae(),
  'conv-vae': () => vae({ kind: 'conv' }),
} as const satisfies Record<string, () => ModelSpec>;

export type BenchModel = keyof typeof BENCH_MODELS;

export function benchSpec(name: string): ModelSpec {
  const make = BENCH_MODELS[name as BenchModel];
  if (make === undefined) {
    throw new Error(`unknown model ${name}; use ${Object.keys(BENCH_MODELS).join(', ')}`);
  }
  return make();
}

const pair = (p: number | [number, number]): [number, number] => (typeof p === 'number' ? [p, p] : p);

/** Multiply-adds of one layer for one sample, from its input and output shapes (per sample, NHWC). */
function layerMacs(layer: Layer, input: readonly number[], output: readonly number[]): number {
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  const inC = input[input.length - 1] as number;
  switch (layer.type) {
    case 'dense':
      return (size(input) / inC) * inC * layer.units;
    case 'conv2d': {
      const [kh, kw] = pair(layer.kernelSize);
      return size(output) * kh * kw * inC;
    }
    case 'conv2dTranspose': {
      // Each input pixel scatters a kh x kw x filters patch.
      const [kh, kw] = pair(layer.kernelSize);
      return size(input) * kh * kw * layer.filters;
    }
    default:
      return 0;
  }
}

/**
 * Multiply-adds of one sample's forward pass through the products (dense, conv, transposed conv; element-wise
 * layers are left out): the encoder (with a VAE's mean and log-variance heads) and the decoder.
 */
export function forwardMacs(spec: ModelSpec): { encoder: number; decoder: number } {
  const shapes = inferShapes(spec);
  const sum = (layers: readonly Layer[], trace: number[][]) =>
    layers.reduce((s, l, i) => s + layerMacs(l, trace[i] as number[], trace[i + 1] as number[]), 0);
  let encoder = sum(spec.encoder, shapes.encoder);
  if (spec.latent.type === 'gaussian') encoder += 2 * (shapes.encoderOutput[0] as number) * spec.latent.dim;
  return { encoder, decoder: sum(spec.decoder, shapes.decoder) };
}

/** FLOPs per sample: forward = 2 x multiply-adds; a training step ~ 3 x forward (forward + two gradients). */
export function flopsPerSample(spec: ModelSpec): { train: number; reconstruct: number; encode: number } {
  const { encoder, decoder } = forwardMacs(spec);
  const forward = 2 * (encoder + decoder);
  return { train: 3 * forward, reconstruct: forward, encode: 2 * encoder };
}
