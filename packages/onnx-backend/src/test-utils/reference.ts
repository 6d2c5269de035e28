// An independent forward pass of a spec in plain tfjs-core ops (CPU backend), channels last as the spec:
// the reference the ONNX exports are checked against, beside the trained tfjs-backend model.
import '@tensorflow/tfjs-backend-cpu';
import {
  type Activation,
  inferShapes,
  type Layer,
  LEAKY_RELU_ALPHA,
  type ModelSpec,
  type NamedTensor,
  toPair,
} from '@aekit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { ReferenceOutputs } from '../testing/parity.js';

await tf.setBackend('cpu');

function act(x: tf.Tensor, a: Activation): tf.Tensor {
  switch (a) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'leakyRelu':
      return tf.leakyRelu(x, LEAKY_RELU_ALPHA);
    case 'elu':
      return tf.elu(x);
    case 'selu':
      return tf.selu(x);
    case 'softplus':
      return tf.softplus(x);
  }
}

function layerForward(x: tf.Tensor, layer: Layer, prefix: string, w: Map<string, NamedTensor>): tf.Tensor {
  const t = (s: string) => {
    const v = w.get(`${prefix}.${s}`)!;
    return tf.tensor(v.data, [...v.shape]);
  };
  const has = (s: string) => w.has(`${prefix}.${s}`);
  switch (layer.type) {
    case 'dense': {
      const k = t('kernel');
      const shape = x.shape;
      let y = tf.matMul(tf.reshape(x, [-1, shape[shape.length - 1]!]), k as tf.Tensor2D);
      if (has('bias')) y = tf.add(y, t('bias'));
      return act(tf.reshape(y, [...shape.slice(0, -1), layer.units]), layer.activation);
    }
    case 'conv2d': {
      let y: tf.Tensor = tf.conv2d(
        x as tf.Tensor4D,
        t('kernel') as tf.Tensor4D,
        toPair(layer.strides),
        layer.padding,
      );
      if (has('bias')) y = tf.add(y, t('bias'));
      return act(y, layer.activation);
    }
    case 'conv2dTranspose': {
      const [n, h, wd] = x.shape as [number, number, number, number];
      const [kh, kw] = toPair(layer.kernelSize);
      const [sh, sw] = toPair(layer.strides);
      const out = (i: number, k: number, s: number) => (layer.padding === 'same' ? i * s : (i - 1) * s + k);
      let y: tf.Tensor = tf.conv2dTranspose(
        x as tf.Tensor4D,
        t('kernel') as tf.Tensor4D,
        [n, out(h, kh, sh), out(wd, kw, sw), layer.filters],
        [sh, sw],
        layer.padding,
      );
      if (has('bias')) y = tf.add(y, t('bias'));
      return act(y, layer.activation);
    }
    case 'maxPool2d':
      return tf.maxPool(
        x as tf.Tensor4D,
        toPair(layer.poolSize),
        toPair(layer.strides ?? layer.poolSize),
        layer.padding,
      );
    case 'upSampling2d': {
      const [, h, wd] = x.shape as number[];
      const [a, b] = toPair(layer.size);
      return tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [h! * a, wd! * b], false, false);
    }
    case 'flatten':
      return tf.reshape(x, [x.shape[0]!, -1]);
    case 'reshape':
      return tf.reshape(x, [x.shape[0]!, ...layer.targetShape]);
    case 'activation':
      return act(x, layer.activation);
    case 'dropout':
      return x;
    case 'batchNorm':
      return tf.batchNorm(x, t('movingMean'), t('movingVariance'), t('beta'), t('gamma'), layer.epsilon);
    case 'lstm': {
      const [n, time] = x.shape as [number, number, number];
      const u = layer.units;
      const k = t('kernel') as tf.Tensor2D;
      const r = t('recurrentKernel') as tf.Tensor2D;
      const b = t('bias');
      let h: tf.Tensor2D = tf.zeros([n, u]);
      let c: tf.Tensor2D = tf.zeros([n, u]);
      const steps: tf.Tensor2D[] = [];
      for (let s = 0; s < time; s++) {
        const xt = tf.reshape(tf.slice(x, [0, s, 0], [n, 1, -1]), [n, -1]) as tf.Tensor2D;
        const z = tf.add(tf.add(tf.matMul(xt, k), tf.matMul(h, r)), b);
        const [zi, zf, zc, zo] = tf.split(z, 4, 1) as tf.Tensor2D[];
        c = tf.add(tf.mul(tf.sigmoid(zf!), c), tf.mul(tf.sigmoid(zi!), tf.tanh(zc!)));
        h = tf.mul(tf.sigmoid(zo!), tf.tanh(c));
        steps.push(h);
      }
      return layer.returnSequences ? tf.stack(steps, 1) : h;
    }
    case 'repeatVector':
      return tf.tile(tf.expandDims(x, 1), [1, layer.n, 1]);
  }
}

function run(x: tf.Tensor, layers: readonly Layer[], part: string, w: Map<string, NamedTensor>): tf.Tensor {
  return layers.reduce((v, layer, i) => layerForward(v, layer, `${part}.${i}`, w), x);
}

/** Forward pass of `spec` on a batch `x` (and `decode(z)` when z is given). */
export function referenceForward(
  spec: ModelSpec,
  weights: readonly NamedTensor[],
  x: Float32Array,
  z?: Float32Array,
): ReferenceOutputs {
  const shapes = inferShapes(spec);
  const w = new Map(weights.map((t) => [t.name, t]));
  return tf.tidy(() => {
    const n = x.length / shapes.input.reduce((a, b) => a * b, 1);
    const h = run(tf.tensor(x, [n, ...shapes.input]), spec.encoder, 'encoder', w);
    let code = h;
    let logVar: tf.Tensor | undefined;
    if (spec.latent.type === 'gaussian') {
      const head = (which: string) => {
        const k = w.get(`latent.${which}.kernel`)!;
        const b = w.get(`latent.${which}.bias`)!;
        return tf.add(
          tf.matMul(h as tf.Tensor2D, tf.tensor2d(k.data, k.shape as [number, number])),
          tf.tensor1d(b.data),
        );
      };
      code = head('mean');
      logVar = head('logVar');
    }
    const recon = run(code, spec.decoder, 'decoder', w);
    let decoded: Float32Array | undefined;
    if (z) {
      const m = z.length / shapes.latent.reduce((a, b) => a * b, 1);
      decoded = run(
        tf.tensor(z, [m, ...shapes.latent]),
        spec.decoder,
        'decoder',
        w,
      ).dataSync() as Float32Array;
    }
    return {
      latent: code.dataSync() as Float32Array,
      ...(logVar ? { logVar: logVar.dataSync() as Float32Array } : {}),
      reconstruction: recon.dataSync() as Float32Array,
      ...(decoded ? { decoded } : {}),
    };
  });
}
