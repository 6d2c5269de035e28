import { type Layer, toPair } from './layers.js';
import type { ModelSpec } from './model-spec.js';
import { inferShapes } from './shapes.js';

/** Description of one trainable or state parameter: stable name and shape, in TensorFlow/Keras layout. */
export interface ParamInfo {
  name: string;
  shape: number[];
  /** `state` tensors (batch-norm moving statistics) are not trained by the optimiser. */
  role: 'kernel' | 'bias' | 'state' | 'scale';
}

function layerParams(prefix: string, layer: Layer, input: readonly number[]): ParamInfo[] {
  const last = input[input.length - 1]!;
  const p = (suffix: string, shape: number[], role: ParamInfo['role']): ParamInfo => ({
    name: `${prefix}.${suffix}`,
    shape,
    role,
  });
  switch (layer.type) {
    case 'dense':
      return [
        p('kernel', [last, layer.units], 'kernel'),
        ...(layer.useBias ? [p('bias', [layer.units], 'bias')] : []),
      ];
    case 'conv2d': {
      const [kh, kw] = toPair(layer.kernelSize);
      return [
        p('kernel', [kh, kw, last, layer.filters], 'kernel'),
        ...(layer.useBias ? [p('bias', [layer.filters], 'bias')] : []),
      ];
    }
    case 'conv2dTranspose': {
      // Keras/tfjs layout for transposed convolutions: [kh, kw, outChannels, inChannels].
      const [kh, kw] = toPair(layer.kernelSize);
      return [
        p('kernel', [kh, kw, layer.filters, last], 'kernel'),
        ...(layer.useBias ? [p('bias', [layer.filters], 'bias')] : []),
      ];
    }
    case 'batchNorm':
      return [
        p('gamma', [last], 'scale'),
        p('beta', [last], 'bias'),
        p('movingMean', [last], 'state'),
        p('movingVariance', [last], 'state'),
      ];
    case 'lstm':
      return [
        p('kernel', [last, 4 * layer.units], 'kernel'),
        p('recurrentKernel', [layer.units, 4 * layer.units], 'kernel'),
        p('bias', [4 * layer.units], 'bias'),
      ];
    default:
      return [];
  }
}

/**
 * Every parameter of a spec in a fixed order with stable names (`encoder.0.kernel`, `latent.mean.bias`,
 * `decoder.3.gamma`). Backends and exporters name weights by this list and nothing else.
 */
export function paramInfos(spec: ModelSpec): ParamInfo[] {
  const shapes = inferShapes(spec);
  const out: ParamInfo[] = [];
  spec.encoder.forEach((layer, i) => {
    out.push(...layerParams(`encoder.${i}`, layer, shapes.encoder[i]!));
  });
  if (spec.latent.type === 'gaussian') {
    const d = shapes.encoderOutput[0]!;
    for (const head of ['mean', 'logVar']) {
      out.push({ name: `latent.${head}.kernel`, shape: [d, spec.latent.dim], role: 'kernel' });
      out.push({ name: `latent.${head}.bias`, shape: [spec.latent.dim], role: 'bias' });
    }
  }
  spec.decoder.forEach((layer, i) => {
    out.push(...layerParams(`decoder.${i}`, layer, shapes.decoder[i]!));
  });
  return out;
}
