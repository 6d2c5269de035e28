import { createRng, type ModelSpec, type NamedTensor, paramInfos } from '@aekit/core';

/**
 * Glorot-uniform kernels and zero biases for every parameter of a spec: the weights of an untrained model.
 * Only for `--untrained` placeholder exports (UI development without a training backend).
 */
export function initWeights(spec: ModelSpec, seed: number): NamedTensor[] {
  const rng = createRng(seed);
  return paramInfos(spec).map((info) => {
    const size = info.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (info.role === 'kernel') {
      const receptive = info.shape.slice(0, -2).reduce((a, b) => a * b, 1);
      const fanIn = (info.shape[info.shape.length - 2] ?? 1) * receptive;
      const fanOut = (info.shape[info.shape.length - 1] ?? 1) * receptive;
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < size; i++) data[i] = (rng.next() * 2 - 1) * limit;
    } else if (info.role === 'scale') {
      data.fill(1);
    } else if (info.name.toLowerCase().endsWith('variance')) {
      data.fill(1);
    }
    return { name: info.name, shape: info.shape, data };
  });
}
