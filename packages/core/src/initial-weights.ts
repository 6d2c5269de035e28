import { createRng } from './rng.js';
import type { ModelSpec } from './spec/model-spec.js';
import { type ParamInfo, paramInfos } from './spec/params.js';
import { type NamedTensor, shapeSize } from './tensor.js';

/** Keras' fan-in/fan-out of a kernel shape: receptive field times the last two axes. */
function fans(shape: readonly number[]): [number, number] {
  if (shape.length < 2) return [shape[0] ?? 1, shape[0] ?? 1];
  const receptive = shapeSize(shape.slice(0, -2));
  return [shape[shape.length - 2]! * receptive, shape[shape.length - 1]! * receptive];
}

/**
 * Initial values of every parameter, from one seeded RNG in paramInfos order: Glorot-uniform kernels, zero
 * biases (an LSTM's forget-gate bias is 1, as Keras' unit_forget_bias), batch-norm gamma 1, beta 0, moving
 * mean 0, moving variance 1.
 */
function initialValues(infos: readonly ParamInfo[], seed: number): Float32Array[] {
  const rng = createRng(seed);
  return infos.map((info) => {
    const data = new Float32Array(shapeSize(info.shape));
    if (info.role === 'kernel') {
      const [fanIn, fanOut] = fans(info.shape);
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < data.length; i++) data[i] = (rng.next() * 2 - 1) * limit;
    } else if (info.role === 'scale' || info.name.endsWith('.movingVariance')) {
      data.fill(1);
    } else if (info.role === 'bias' && /\.bias$/.test(info.name) && info.shape.length === 1) {
      // LSTM: bias [4u] in gate order i, f, c, o; set f to 1. Recognised by the recurrent kernel beside it.
      const lstmUnits = lstmUnitsOf(infos, info);
      if (lstmUnits) data.fill(1, lstmUnits, 2 * lstmUnits);
    }
    return data;
  });
}

function lstmUnitsOf(infos: readonly ParamInfo[], bias: ParamInfo): number | undefined {
  const prefix = bias.name.slice(0, -'.bias'.length);
  const recurrent = infos.find((i) => i.name === `${prefix}.recurrentKernel`);
  return recurrent ? recurrent.shape[0] : undefined;
}

/**
 * The weights of an untrained model of `spec`, named as `paramInfos(spec)` names them, from one seeded RNG:
 * Glorot-uniform kernels, zero biases (an LSTM's forget-gate bias 1, as Keras' unit_forget_bias), batch-norm
 * gamma 1, beta 0, moving mean 0, moving variance 1. Every training backend starts from these values.
 */
export function initialWeights(spec: ModelSpec, seed: number): NamedTensor[] {
  const infos = paramInfos(spec);
  const values = initialValues(infos, seed);
  return infos.map((info, i) => ({ name: info.name, shape: [...info.shape], data: values[i]! }));
}
