import { SpecValidationError } from '../errors.js';
import { formatShape, shapeSize, shapesEqual } from '../tensor.js';
import { type Layer, toPair } from './layers.js';
import type { ModelSpec } from './model-spec.js';

export type Part = 'encoder' | 'decoder';

/** Output shape of one layer for one sample, or an error message explaining why the input does not fit. */
export function layerOutputShape(layer: Layer, input: readonly number[]): number[] | string {
  const spatial = (): [number, number, number] | string =>
    input.length === 3
      ? [input[0]!, input[1]!, input[2]!]
      : `needs a [height, width, channels] input, got ${formatShape(input)}`;
  switch (layer.type) {
    case 'dense':
      return [...input.slice(0, -1), layer.units];
    case 'conv2d':
    case 'maxPool2d': {
      const s = spatial();
      if (typeof s === 'string') return s;
      const [k0, k1] = toPair(layer.type === 'conv2d' ? layer.kernelSize : layer.poolSize);
      const [s0, s1] = toPair(layer.strides ?? (layer.type === 'maxPool2d' ? layer.poolSize : 1));
      const out = (n: number, k: number, st: number) =>
        layer.padding === 'same' ? Math.ceil(n / st) : Math.floor((n - k) / st) + 1;
      const h = out(s[0], k0, s0);
      const w = out(s[1], k1, s1);
      if (h < 1 || w < 1)
        return `window ${k0}x${k1} does not fit the input ${formatShape(input)} with 'valid' padding`;
      return [h, w, layer.type === 'conv2d' ? layer.filters : s[2]];
    }
    case 'conv2dTranspose': {
      const s = spatial();
      if (typeof s === 'string') return s;
      const [k0, k1] = toPair(layer.kernelSize);
      const [s0, s1] = toPair(layer.strides);
      const out = (n: number, k: number, st: number) =>
        layer.padding === 'same' ? n * st : (n - 1) * st + k;
      return [out(s[0], k0, s0), out(s[1], k1, s1), layer.filters];
    }
    case 'upSampling2d': {
      const s = spatial();
      if (typeof s === 'string') return s;
      const [a, b] = toPair(layer.size);
      return [s[0] * a, s[1] * b, s[2]];
    }
    case 'flatten':
      return [shapeSize(input)];
    case 'reshape':
      return shapeSize(layer.targetShape) === shapeSize(input)
        ? [...layer.targetShape]
        : `cannot reshape ${formatShape(input)} (${shapeSize(input)} values) to ${formatShape(layer.targetShape)} (${shapeSize(layer.targetShape)} values)`;
    case 'activation':
    case 'dropout':
    case 'batchNorm':
      return [...input];
    case 'lstm':
      if (input.length !== 2) return `needs a [time, features] input, got ${formatShape(input)}`;
      return layer.returnSequences ? [input[0]!, layer.units] : [layer.units];
    case 'repeatVector':
      if (input.length !== 1) return `needs a [features] input, got ${formatShape(input)}`;
      return [layer.n, input[0]!];
  }
}

/** Shapes through a list of layers: element 0 is the input, element i+1 the output of layer i. */
export function traceShapes(layers: readonly Layer[], input: readonly number[], part: Part): number[][] {
  const shapes: number[][] = [[...input]];
  layers.forEach((layer, i) => {
    const out = layerOutputShape(layer, shapes[i]!);
    if (typeof out === 'string') {
      const path = `${part}[${i}]`;
      throw new SpecValidationError(`Invalid model spec: ${path} (${layer.type}) ${out}`, [
        { path, message: out },
      ]);
    }
    shapes.push(out);
  });
  return shapes;
}

export interface SpecShapes {
  input: number[];
  /** Shape of the encoder's last layer output (before the Gaussian heads of a VAE). */
  encoderOutput: number[];
  /** Shape of the code: what `encode` returns and `decode` takes. */
  latent: number[];
  output: number[];
  encoder: number[][];
  decoder: number[][];
}

/** Infers every shape of a spec; throws SpecValidationError naming the layer where they stop fitting. */
export function inferShapes(spec: ModelSpec): SpecShapes {
  const encoder = traceShapes(spec.encoder, spec.inputShape, 'encoder');
  const encoderOutput = encoder[encoder.length - 1]!;
  let latent = encoderOutput;
  if (spec.latent.type === 'gaussian') {
    if (encoderOutput.length !== 1) {
      const message = `a Gaussian latent needs a rank-1 encoder output, got ${formatShape(encoderOutput)}; end the encoder with flatten or dense`;
      throw new SpecValidationError(`Invalid model spec: latent: ${message}`, [{ path: 'latent', message }]);
    }
    latent = [spec.latent.dim];
  }
  const decoder = traceShapes(spec.decoder, latent, 'decoder');
  const output = decoder[decoder.length - 1]!;
  const target = spec.outputShape ?? spec.inputShape;
  if (!shapesEqual(output, target)) {
    const path = `decoder[${spec.decoder.length - 1}]`;
    const trace = decoder.map((s) => formatShape(s)).join(' -> ');
    const message = `outputs ${formatShape(output)} but the model must produce ${formatShape(target)} (${spec.outputShape ? 'outputShape' : 'inputShape'}); decoder shapes: ${trace}`;
    throw new SpecValidationError(
      `Invalid model spec: ${path} (${spec.decoder[spec.decoder.length - 1]!.type}) ${message}`,
      [{ path, message }],
    );
  }
  return { input: [...spec.inputShape], encoderOutput, latent, output, encoder, decoder };
}
