import { type Activation, type Layer, LEAKY_RELU_ALPHA, type NamedTensor, toPair } from '@aekit/core';
import { ExportError } from './errors.js';
import type { GraphBuilder } from './graph-builder.js';

/**
 * A value while the graph is built: its name, its per-sample shape in the spec's layout (channels last),
 * and whether it is currently held channels-first (NCHW) inside the graph.
 */
export interface Flow {
  name: string;
  shape: number[];
  nchw: boolean;
}

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];

// tfjs' selu constants (tfjs-core/src/ops/selu_util.ts), so that the export matches the trained model.
const SELU_SCALEALPHA = 1.7580993408473768;
const SELU_SCALE = 1.0507009873554805;

/** Holds a rank-3 value channels-first (for Conv, pooling, Resize, batch norm). */
function toNchw(g: GraphBuilder, v: Flow): Flow {
  if (v.nchw || v.shape.length !== 3) return v;
  return {
    name: g.node('Transpose', [v.name], `${v.name}_nchw`, { perm: NHWC_TO_NCHW }),
    shape: v.shape,
    nchw: true,
  };
}

/** Holds a value in the spec's row-major layout (channels last). */
export function toSpecLayout(g: GraphBuilder, v: Flow): Flow {
  if (!v.nchw) return v;
  return {
    name: g.node('Transpose', [v.name], `${v.name}_nhwc`, { perm: NCHW_TO_NHWC }),
    shape: v.shape,
    nchw: false,
  };
}

/**
 * Element-wise activation. The switch is exhaustive: `exportOnnx` rejects unknown activations (checkExportable)
 * before any layer is built, and a new core activation fails to compile here until it is mapped.
 */
function applyActivation(g: GraphBuilder, v: Flow, activation: Activation): Flow {
  const op = (type: string, attrs = {}) => ({
    ...v,
    name: g.node(type, [v.name], `${v.name}_${activation}`, attrs),
  });
  switch (activation) {
    case 'linear':
      return v;
    case 'relu':
      return op('Relu');
    case 'sigmoid':
      return op('Sigmoid');
    case 'tanh':
      return op('Tanh');
    case 'leakyRelu':
      return op('LeakyRelu', { alpha: { float: LEAKY_RELU_ALPHA } });
    case 'elu':
      return op('Elu', { alpha: { float: 1 } });
    case 'selu':
      return op('Selu', { alpha: { float: SELU_SCALEALPHA / SELU_SCALE }, gamma: { float: SELU_SCALE } });
    case 'softplus':
      return op('Softplus');
    default:
      return unknownKind('activation', activation);
  }
}

/** A kind this exporter was not built with (a newer copy of core at run time). */
function unknownKind(what: string, kind: never): never {
  throw new ExportError(
    `${what} "${String(kind)}" has no ONNX export in this version of @aekit/onnx-backend; use the version of the exporter that matches @aekit/core`,
    { details: { kind } },
  );
}

/** Transposes a row-major [rows, cols] matrix. */
function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

/** Keras [kh, kw, a, b] -> ONNX [b, a, kh, kw] (conv2d: a=in, b=out; conv2dTranspose: a=out, b=in). */
function kerasKernelToOnnx(
  data: Float32Array,
  shape: readonly number[],
): { data: Float32Array; dims: number[] } {
  const [kh, kw, a, b] = shape as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < a; i++)
        for (let o = 0; o < b; o++)
          out[((o * a + i) * kh + y) * kw + x] = data[((y * kw + x) * a + i) * b + o]!;
  return { data: out, dims: [b, a, kh, kw] };
}

/**
 * A convolution with one output filter (an image model's last layer) as a depthwise convolution (each input
 * channel with its own slice of the filter) and a 1x1 convolution of ones that sums the channels and adds the
 * bias: the same sums in another order. ONNX Runtime's CPU provider computes convolutions in blocks of 8 output
 * channels (its NCHWc layout), so one filter costs as much as 8: the zoo's conv model spent half of its
 * reconstruct in its last layer (16 -> 1 channels), a fifth of that as depthwise + 1x1 (docs/benchmarks.md).
 */
function singleFilterConv(
  g: GraphBuilder,
  [input, depthwise, bias]: readonly string[],
  inChannels: number,
  attrs: Record<string, number[]>,
  prefix: string,
): string {
  const perChannel = g.node('Conv', [input!, depthwise!], `${prefix}_channels`, {
    ...attrs,
    group: inChannels,
  });
  const ones = g.floats(`${prefix}.channel_sum`, [1, inChannels, 1, 1], new Float32Array(inChannels).fill(1));
  return g.node('Conv', bias ? [perChannel, ones, bias] : [perChannel, ones], `${prefix}_out`, {
    kernel_shape: [1, 1],
  });
}

/** TF 'same' padding of one axis: [before, after], the extra pad at the end. */
function samePads(n: number, k: number, s: number): [number, number] {
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + k - n, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Dense over the last axis: Gemm for [batch, f], MatMul + Add for [batch, ..., f]. */
export function denseOp(
  g: GraphBuilder,
  v: Flow,
  kernel: NamedTensor,
  bias: NamedTensor | undefined,
  prefix: string,
): Flow {
  const x = toSpecLayout(g, v);
  const [inF, units] = kernel.shape as [number, number];
  const w = g.floats(`${prefix}.kernel`, [inF, units], kernel.data);
  const shape = [...x.shape.slice(0, -1), units];
  if (x.shape.length === 1) {
    const inputs = bias ? [x.name, w, g.floats(`${prefix}.bias`, [units], bias.data)] : [x.name, w];
    return { name: g.node('Gemm', inputs, `${prefix}_out`), shape, nchw: false };
  }
  let y = g.node('MatMul', [x.name, w], `${prefix}_matmul`);
  if (bias) y = g.node('Add', [y, g.floats(`${prefix}.bias`, [units], bias.data)], `${prefix}_out`);
  return { name: y, shape, nchw: false };
}

/**
 * LSTM over [batch, time, features] with Keras semantics (sigmoid gates, tanh cell/output, zero initial
 * state): ONNX LSTM wants [time, batch, features] and gate order i, o, f, c where Keras stores i, f, c, o.
 */
function lstmOp(
  g: GraphBuilder,
  v: Flow,
  layer: Extract<Layer, { type: 'lstm' }>,
  get: (s: string) => NamedTensor,
  prefix: string,
): Flow {
  const [time, features] = v.shape as [number, number];
  const u = layer.units;
  const kernel = get('kernel');
  const recurrent = get('recurrentKernel');
  const bias = get('bias');
  // ONNX gate g takes Keras gate KERAS_OF[g].
  const KERAS_OF = [0, 3, 1, 2];
  const gates = (src: Float32Array, rows: number) => {
    const t = transpose2d(src, rows, 4 * u); // [4u, rows], Keras gate order
    const out = new Float32Array(t.length);
    KERAS_OF.forEach((k, gi) => {
      out.set(t.subarray(k * u * rows, (k + 1) * u * rows), gi * u * rows);
    });
    return out;
  };
  const w = g.floats(`${prefix}.W`, [1, 4 * u, features], gates(kernel.data, features));
  const r = g.floats(`${prefix}.R`, [1, 4 * u, u], gates(recurrent.data, u));
  const b = new Float32Array(8 * u);
  KERAS_OF.forEach((k, gi) => {
    b.set(bias.data.subarray(k * u, (k + 1) * u), gi * u);
  });
  const bName = g.floats(`${prefix}.B`, [1, 8 * u], b);
  const xs = g.node('Transpose', [v.name], `${prefix}_time_major`, { perm: [1, 0, 2] });
  const [y, yh] = g.nodeMulti('LSTM', [xs, w, r, bName], [`${prefix}_Y`, `${prefix}_Y_h`], {
    hidden_size: u,
    direction: 'forward',
  });
  if (layer.returnSequences) {
    const squeezed = g.node('Squeeze', [y!, g.ints(`${prefix}_axis1`, [1])], `${prefix}_seq`);
    return {
      name: g.node('Transpose', [squeezed], `${prefix}_out`, { perm: [1, 0, 2] }),
      shape: [time, u],
      nchw: false,
    };
  }
  return {
    name: g.node('Squeeze', [yh!, g.ints(`${prefix}_axis0`, [0])], `${prefix}_out`),
    shape: [u],
    nchw: false,
  };
}

/**
 * Appends one spec layer to the graph. `outShape` is the layer's output shape from core's shape inference,
 * `prefix` names its weights (`encoder.3`), `get` returns the layer's weight by suffix (`kernel`, `bias`...). The switch is exhaustive: `exportOnnx`
 * rejects unknown layer kinds before any layer is built.
 */
export function layerToOnnx(
  g: GraphBuilder,
  v: Flow,
  layer: Layer,
  outShape: number[],
  prefix: string,
  get: (suffix: string) => NamedTensor,
  has: (suffix: string) => boolean,
): Flow {
  switch (layer.type) {
    case 'dense': {
      const y = denseOp(g, v, get('kernel'), layer.useBias ? get('bias') : undefined, prefix);
      return applyActivation(g, y, layer.activation);
    }
    case 'conv2d':
    case 'conv2dTranspose': {
      const x = toNchw(g, v);
      const [kh, kw] = toPair(layer.kernelSize);
      const [sh, sw] = toPair(layer.strides);
      const [h, w] = x.shape as [number, number, number];
      const kernel = kerasKernelToOnnx(get('kernel').data, get('kernel').shape);
      const inChannels = kernel.dims[1]!;
      const oneFilter = layer.type === 'conv2d' && layer.filters === 1 && inChannels > 1;
      // One filter: the depthwise kernel [in, 1, kh, kw] holds [1, in, kh, kw]'s values in the same order.
      const dims = oneFilter ? [inChannels, 1, kh, kw] : kernel.dims;
      const inputs = [x.name, g.floats(`${prefix}.kernel`, dims, kernel.data)];
      if (layer.useBias && has('bias'))
        inputs.push(g.floats(`${prefix}.bias`, [layer.filters], get('bias').data));
      const attrs: Record<string, number[]> = { kernel_shape: [kh, kw], strides: [sh, sw] };
      if (layer.type === 'conv2d') {
        const [t, b] = layer.padding === 'same' ? samePads(h, kh, sh) : [0, 0];
        const [l, r] = layer.padding === 'same' ? samePads(w, kw, sw) : [0, 0];
        attrs.pads = [t, l, b, r];
      } else if (layer.padding === 'same') {
        // tfjs: output n*s; the full transposed output (n-1)*s + k is cropped by TF's 'same' pads of the
        // forward convolution (extra at the end), or extended at the end when k < s.
        const crop = (k: number, s: number) => {
          const total = Math.max(k - s, 0);
          return [Math.floor(total / 2), total - Math.floor(total / 2), Math.max(s - k, 0)] as const;
        };
        const [t, b, oh] = crop(kh, sh);
        const [l, r, ow] = crop(kw, sw);
        attrs.pads = [t, l, b, r];
        if (oh || ow) attrs.output_padding = [oh, ow];
      } else {
        attrs.pads = [0, 0, 0, 0];
      }
      if (oneFilter) {
        const y = singleFilterConv(g, inputs, inChannels, attrs, prefix);
        return applyActivation(g, { name: y, shape: outShape, nchw: true }, layer.activation);
      }
      const op = layer.type === 'conv2d' ? 'Conv' : 'ConvTranspose';
      const y: Flow = { name: g.node(op, inputs, `${prefix}_out`, attrs), shape: outShape, nchw: true };
      return applyActivation(g, y, layer.activation);
    }
    case 'maxPool2d': {
      const x = toNchw(g, v);
      const [kh, kw] = toPair(layer.poolSize);
      const [sh, sw] = toPair(layer.strides ?? layer.poolSize);
      const [h, w] = x.shape as [number, number, number];
      const [t, b] = layer.padding === 'same' ? samePads(h, kh, sh) : [0, 0];
      const [l, r] = layer.padding === 'same' ? samePads(w, kw, sw) : [0, 0];
      const name = g.node('MaxPool', [x.name], `${prefix}_out`, {
        kernel_shape: [kh, kw],
        strides: [sh, sw],
        pads: [t, l, b, r],
      });
      return { name, shape: outShape, nchw: true };
    }
    case 'upSampling2d': {
      const x = toNchw(g, v);
      const [a, b] = toPair(layer.size);
      const scales = g.floats(`${prefix}_scales`, [4], new Float32Array([1, 1, a, b]));
      const name = g.node('Resize', [x.name, '', scales], `${prefix}_out`, {
        mode: 'nearest',
        coordinate_transformation_mode: 'asymmetric',
        nearest_mode: 'floor',
      });
      return { name, shape: outShape, nchw: true };
    }
    case 'flatten': {
      const x = toSpecLayout(g, v);
      return {
        name: g.node('Flatten', [x.name], `${prefix}_out`, { axis: 1 }),
        shape: outShape,
        nchw: false,
      };
    }
    case 'reshape': {
      const x = toSpecLayout(g, v);
      const target = g.ints(`${prefix}_shape`, [-1, ...layer.targetShape]);
      return { name: g.node('Reshape', [x.name, target], `${prefix}_out`), shape: outShape, nchw: false };
    }
    case 'activation':
      return applyActivation(g, v, layer.activation);
    case 'dropout':
      // Inference: dropout is the identity.
      return v;
    case 'batchNorm': {
      // y = (x - movingMean) * gamma / sqrt(movingVariance + epsilon) + beta, over the channel axis.
      const c = v.shape[v.shape.length - 1]!;
      const gamma = get('gamma').data;
      const variance = get('movingVariance').data;
      const factor = new Float32Array(c);
      for (let i = 0; i < c; i++) factor[i] = gamma[i]! / Math.sqrt(variance[i]! + layer.epsilon);
      const dims = v.nchw ? [c, 1, 1] : [c];
      const centred = g.node(
        'Sub',
        [v.name, g.floats(`${prefix}.movingMean`, dims, get('movingMean').data)],
        `${prefix}_centred`,
      );
      const scaled = g.node('Mul', [centred, g.floats(`${prefix}.factor`, dims, factor)], `${prefix}_scaled`);
      const name = g.node(
        'Add',
        [scaled, g.floats(`${prefix}.beta`, dims, get('beta').data)],
        `${prefix}_out`,
      );
      return { name, shape: outShape, nchw: v.nchw };
    }
    case 'lstm':
      return lstmOp(g, toSpecLayout(g, v), layer, get, prefix);
    case 'repeatVector': {
      const x = toSpecLayout(g, v);
      const unsqueezed = g.node(
        'Unsqueeze',
        [x.name, g.ints(`${prefix}_axis1`, [1])],
        `${prefix}_unsqueezed`,
      );
      const name = g.node(
        'Tile',
        [unsqueezed, g.ints(`${prefix}_repeats`, [1, layer.n, 1])],
        `${prefix}_out`,
      );
      return { name, shape: outShape, nchw: false };
    }
    default:
      return unknownKind('layer kind', layer);
  }
}
