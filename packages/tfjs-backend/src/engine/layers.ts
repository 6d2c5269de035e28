import { type Activation, type Layer, layerOutputShape, toPair } from '@aekit/core';
import type * as TfCore from '@tensorflow/tfjs-core';
import {
  CONV2D_BIAS_MIN_FILTERS,
  Conv2DBias,
  type Conv2DBiasAttrs,
  Conv2DTransposeBias,
  type Conv2DTransposeBiasAttrs,
  Dense,
  type DenseAttrs,
} from '../kernels/custom-kernels.js';
import type { Tensor, Tf, Variable } from '../tf.js';
import { applyActivation } from './activations.js';

/** What a forward pass needs besides the layer and its input. */
export interface ForwardContext {
  tf: Tf;
  /** Training mode: dropout active, batch norm on batch statistics. */
  training: boolean;
  /** A fresh integer seed (dropout masks). */
  nextSeed(): number;
  /** When set (training only), batch norm writes its moving statistics into their variables. */
  updateState?: boolean;
  /** Use activations whose gradients can be differentiated again exactly (Jacobian penalties). */
  secondOrder?: boolean;
}

/** Looks up a parameter of the current layer by suffix (`kernel`, `bias`, `gamma`...). */
export type ParamLookup = (suffix: string) => Variable;

function act(ctx: ForwardContext, x: Tensor, activation: Activation): Tensor {
  return applyActivation(ctx.tf, x, activation, ctx.secondOrder);
}

function addBias(tf: Tf, y: Tensor, useBias: boolean, param: ParamLookup): Tensor {
  return useBias ? tf.add(y, param('bias')) : y;
}

/** Dense on the last axis of an input of any rank. */
function dense(tf: Tf, x: Tensor, kernel: Tensor): Tensor {
  if (x.rank === 2) return tf.matMul(x, kernel);
  const inner = x.shape[x.rank - 1]!;
  const flat = tf.reshape(x, [-1, inner]);
  return tf.reshape(tf.matMul(flat, kernel), [...x.shape.slice(0, -1), kernel.shape[1]!]);
}

/**
 * A dense layer on a batch of vectors as aekit's Dense kernel (product, bias and ReLU, or in inference the
 * sigmoid, in one call, one gradient function) where the backend has it; undefined where it does not, or under double
 * backpropagation, which keeps to tfjs' own ops.
 */
function fusedDense(
  ctx: ForwardContext,
  x: Tensor,
  layer: Extract<Layer, { type: 'dense' }>,
  param: ParamLookup,
): Tensor | undefined {
  const { tf } = ctx;
  if (ctx.secondOrder || x.rank !== 2 || tf.getKernel(Dense, tf.getBackend()) === undefined) return undefined;
  // A sigmoid in inference too (training a sigmoid output with bce takes the loss from its logits).
  const inKernel =
    layer.activation === 'relu' ||
    layer.activation === 'linear' ||
    (layer.activation === 'sigmoid' && !ctx.training);
  const attrs: DenseAttrs = {
    activation: inKernel ? (layer.activation as DenseAttrs['activation']) : 'linear',
  };
  const kernel = param('kernel');
  const inputs: TfCore.NamedTensorMap = layer.useBias ? { x, kernel, bias: param('bias') } : { x, kernel };
  const y = tf.engine().runKernel(Dense, inputs, { ...attrs }) as Tensor;
  return inKernel ? y : act(ctx, y, layer.activation);
}

/**
 * A convolution or transposed-convolution layer as aekit's fused kernel (`kernelName`: the convolution, its
 * bias and ReLU in one call, one gradient function) where the backend has it; undefined where it does not or
 * under double backpropagation. Activations other than ReLU and linear run after it.
 */
function fusedConvLayer(
  ctx: ForwardContext,
  kernelName: typeof Conv2DBias | typeof Conv2DTransposeBias,
  x: Tensor,
  layer: Extract<Layer, { type: 'conv2d' | 'conv2dTranspose' }>,
  param: ParamLookup,
  extraAttrs: Partial<Conv2DTransposeBiasAttrs> = {},
): Tensor | undefined {
  const { tf } = ctx;
  if (ctx.secondOrder || tf.getKernel(kernelName, tf.getBackend()) === undefined) return undefined;
  const attrs: Conv2DBiasAttrs = {
    strides: toPair(layer.strides),
    pad: layer.padding,
    activation: layer.activation === 'relu' ? 'relu' : 'linear',
  };
  const filter = param('kernel');
  const inputs: TfCore.NamedTensorMap = layer.useBias ? { x, filter, bias: param('bias') } : { x, filter };
  const y = tf.engine().runKernel(kernelName, inputs, { ...attrs, ...extraAttrs }) as Tensor;
  return layer.activation === 'relu' || layer.activation === 'linear' ? y : act(ctx, y, layer.activation);
}

function batchNorm(
  ctx: ForwardContext,
  x: Tensor,
  layer: Extract<Layer, { type: 'batchNorm' }>,
  param: ParamLookup,
): Tensor {
  const { tf } = ctx;
  const gamma = param('gamma');
  const beta = param('beta');
  const movingMean = param('movingMean');
  const movingVariance = param('movingVariance');
  if (!ctx.training) {
    return tf.add(
      tf.mul(tf.mul(tf.sub(x, movingMean), tf.rsqrt(tf.add(movingVariance, layer.epsilon))), gamma),
      beta,
    );
  }
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  if (ctx.updateState) {
    const m = layer.momentum;
    // Keras: moving = moving * momentum + batch * (1 - momentum), with the batch's (biased) variance.
    movingMean.assign(tf.add(tf.mul(movingMean, m), tf.mul(mean, 1 - m)));
    movingVariance.assign(tf.add(tf.mul(movingVariance, m), tf.mul(variance, 1 - m)));
  }
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, layer.epsilon))), gamma), beta);
}

function lstm(
  ctx: ForwardContext,
  x: Tensor,
  layer: Extract<Layer, { type: 'lstm' }>,
  param: ParamLookup,
): Tensor {
  const { tf } = ctx;
  const sigmoid = (v: Tensor) => act(ctx, v, 'sigmoid');
  const tanh = (v: Tensor) => act(ctx, v, 'tanh');
  const [n, steps, features] = x.shape as [number, number, number];
  const u = layer.units;
  const kernel = param('kernel');
  const recurrent = param('recurrentKernel');
  const bias = param('bias');
  const xw = tf.add(
    tf.reshape(tf.matMul(tf.reshape(x, [n * steps, features]), kernel), [n, steps, 4 * u]),
    bias,
  );
  const inputs = tf.unstack(xw, 1);
  let h: Tensor = tf.zeros([n, u]);
  let c: Tensor = tf.zeros([n, u]);
  const outputs: Tensor[] = [];
  for (const xt of inputs) {
    const z = tf.add(xt, tf.matMul(h, recurrent));
    // Keras gate order: input, forget, cell candidate, output.
    const [zi, zf, zc, zo] = tf.split(z, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
    c = tf.add(tf.mul(sigmoid(zf), c), tf.mul(sigmoid(zi), tanh(zc)));
    h = tf.mul(sigmoid(zo), tanh(c));
    outputs.push(h);
  }
  return layer.returnSequences ? tf.stack(outputs, 1) : h;
}

/** Whether a max pool has non-overlapping windows that tile its input exactly (then 'same' equals 'valid'). */
export function isTilingPool(
  layer: Extract<Layer, { type: 'maxPool2d' }>,
  input: readonly number[],
): boolean {
  const [ph, pw] = toPair(layer.poolSize);
  const [sh, sw] = toPair(layer.strides ?? layer.poolSize);
  return ph === sh && pw === sw && input[0]! % ph === 0 && input[1]! % pw === 0;
}

function maxPool(ctx: ForwardContext, x: Tensor, layer: Extract<Layer, { type: 'maxPool2d' }>): Tensor {
  const { tf } = ctx;
  const pool = toPair(layer.poolSize);
  const strides = toPair(layer.strides ?? layer.poolSize);
  const plain = (v: Tensor) => tf.maxPool(v as never, pool, strides, layer.padding);
  if (!ctx.secondOrder || !isTilingPool(layer, x.shape.slice(1))) return plain(x);
  // tfjs' MaxPoolGrad has no gradient. For tiling windows the gradient is dy repeated over each window times
  // a mask of the maxima; the mask is computed opaquely (zero gradient), so it can be differentiated again.
  const [h, w] = [x.shape[1]!, x.shape[2]!];
  const repeat = (v: Tensor) => tf.image.resizeNearestNeighbor(v as never, [h, w], false, false);
  const mask = tf.customGrad((...args: (Tensor | TfCore.GradSaveFunc)[]) => {
    const v = args[0] as Tensor;
    return { value: tf.cast(tf.equal(v, repeat(plain(v))), 'float32'), gradFunc: () => tf.zerosLike(v) };
  }) as (v: Tensor) => Tensor;
  return tf.customGrad((...args: (Tensor | TfCore.GradSaveFunc)[]) => {
    const v = args[0] as Tensor;
    (args[1] as TfCore.GradSaveFunc)([v]);
    return {
      value: plain(v),
      gradFunc: (dy, saved) => tf.mul(repeat(dy as Tensor), mask(saved[0]!)),
    };
  })(x) as Tensor;
}

/** One layer's forward pass on a batch (NHWC, batch axis first). */
export function layerForward(ctx: ForwardContext, layer: Layer, x: Tensor, param: ParamLookup): Tensor {
  const { tf } = ctx;
  switch (layer.type) {
    case 'dense':
      return (
        fusedDense(ctx, x, layer, param) ??
        act(ctx, addBias(tf, dense(tf, x, param('kernel')), layer.useBias, param), layer.activation)
      );
    case 'conv2d': {
      // Layers of few filters keep to the backend's Conv2D (see CONV2D_BIAS_MIN_FILTERS).
      const fused =
        layer.filters >= CONV2D_BIAS_MIN_FILTERS
          ? fusedConvLayer(ctx, Conv2DBias, x, layer, param)
          : undefined;
      if (fused !== undefined) return fused;
      const y = tf.conv2d(x as never, param('kernel') as never, toPair(layer.strides), layer.padding);
      return act(ctx, addBias(tf, y, layer.useBias, param), layer.activation);
    }
    case 'conv2dTranspose': {
      const out = layerOutputShape(layer, x.shape.slice(1)) as number[];
      const shape: [number, number, number, number] = [x.shape[0]!, out[0]!, out[1]!, out[2]!];
      const fused = fusedConvLayer(ctx, Conv2DTransposeBias, x, layer, param, { outputShape: shape });
      if (fused !== undefined) return fused;
      const y = tf.conv2dTranspose(
        x as never,
        param('kernel') as never,
        shape,
        toPair(layer.strides),
        layer.padding,
      );
      return act(ctx, addBias(tf, y, layer.useBias, param), layer.activation);
    }
    case 'maxPool2d':
      return maxPool(ctx, x, layer);
    case 'upSampling2d': {
      const [a, b] = toPair(layer.size);
      return tf.image.resizeNearestNeighbor(x as never, [x.shape[1]! * a, x.shape[2]! * b], false, false);
    }
    case 'flatten':
      return tf.reshape(x, [x.shape[0]!, -1]);
    case 'reshape':
      return tf.reshape(x, [x.shape[0]!, ...layer.targetShape]);
    case 'activation':
      return act(ctx, x, layer.activation);
    case 'dropout':
      return ctx.training && layer.rate > 0 ? tf.dropout(x, layer.rate, undefined, ctx.nextSeed()) : x;
    case 'batchNorm':
      return batchNorm(ctx, x, layer, param);
    case 'lstm':
      return lstm(ctx, x, layer, param);
    case 'repeatVector':
      return tf.tile(tf.expandDims(x, 1), [1, layer.n, 1]);
  }
}
