import { createRng, type Layer, type ModelSpec, traceShapes } from '@aekit/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * A minimal tfjs-core trainer for the zoo's dense/deep/conv specs (Adam + BCE, custom loop), used by the
 * benchmark to time the kernels independently of the training engine. Not a public API.
 */
export interface SpecTrainer {
  trainEpoch(x: Float32Array, batchSize: number, seed: number): Promise<number>;
  /** One optimiser step on the first `batchSize` samples; returns the loss. */
  step(x: Float32Array, batchSize: number): number;
  predict(x: Float32Array, batchSize: number): void;
  dispose(): void;
}

type Pair = number | [number, number];
const pair = (p: Pair): [number, number] => (typeof p === 'number' ? [p, p] : p);

interface Param {
  kernel: tf.Variable;
  bias?: tf.Variable;
}

export function createSpecTrainer(spec: ModelSpec, seed = 0, learningRate = 1e-3): SpecTrainer {
  const layers: Layer[] = [...spec.encoder, ...spec.decoder];
  // Input shape of every layer (per sample), from the spec's own shape inference.
  const inShapes = traceShapes(layers, spec.inputShape, 'encoder');
  const rng = createRng(seed);
  const glorot = (shape: number[], fanIn: number, fanOut: number) => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const size = shape.reduce((a, b) => a * b, 1);
    const v = new Float32Array(size);
    for (let i = 0; i < size; i++) v[i] = (rng.next() * 2 - 1) * limit;
    return tf.variable(tf.tensor(v, shape));
  };
  const params: Array<Param | undefined> = [];
  layers.forEach((layer, i) => {
    const shape = inShapes[i] as number[];
    const inC = shape[shape.length - 1] as number;
    if (layer.type === 'dense') {
      params.push({
        kernel: glorot([inC, layer.units], inC, layer.units),
        bias: tf.variable(tf.zeros([layer.units])),
      });
    } else if (layer.type === 'conv2d' || layer.type === 'conv2dTranspose') {
      const [kh, kw] = pair(layer.kernelSize);
      const kernelShape =
        layer.type === 'conv2d' ? [kh, kw, inC, layer.filters] : [kh, kw, layer.filters, inC];
      params.push({
        kernel: glorot(kernelShape, kh * kw * inC, kh * kw * layer.filters),
        bias: tf.variable(tf.zeros([layer.filters])),
      });
    } else {
      params.push(undefined);
    }
  });

  const activate = (h: tf.Tensor, activation: string): tf.Tensor => {
    switch (activation) {
      case 'linear':
        return h;
      case 'relu':
        return tf.relu(h);
      case 'sigmoid':
        return tf.sigmoid(h);
      case 'tanh':
        return tf.tanh(h);
      default:
        throw new Error(`bench trainer: activation ${activation} not supported`);
    }
  };
  const fusable = (a: string): a is 'relu' | 'linear' => a === 'relu' || a === 'linear';

  const forward = (x: tf.Tensor4D): tf.Tensor => {
    let h: tf.Tensor = x;
    layers.forEach((layer, i) => {
      const p = params[i];
      switch (layer.type) {
        case 'flatten':
          h = tf.reshape(h, [h.shape[0] as number, -1]);
          break;
        case 'reshape':
          h = tf.reshape(h, [h.shape[0] as number, ...layer.targetShape]);
          break;
        case 'dense': {
          const act = layer.activation;
          const bias = p?.bias;
          h = fusable(act)
            ? tf.fused.matMul({ a: h as tf.Tensor2D, b: p!.kernel as tf.Tensor2D, bias, activation: act })
            : activate(tf.fused.matMul({ a: h as tf.Tensor2D, b: p!.kernel as tf.Tensor2D, bias }), act);
          break;
        }
        case 'conv2d': {
          const act = layer.activation;
          const args = {
            x: h as tf.Tensor4D,
            filter: p!.kernel as tf.Tensor4D,
            strides: pair(layer.strides),
            pad: layer.padding,
            bias: p?.bias,
          };
          h = fusable(act)
            ? tf.fused.conv2d({ ...args, activation: act })
            : activate(tf.fused.conv2d(args), act);
          break;
        }
        case 'conv2dTranspose': {
          const [sh, sw] = pair(layer.strides);
          const [kh, kw] = pair(layer.kernelSize);
          const [b, ih, iw] = h.shape as [number, number, number, number];
          const oh = layer.padding === 'same' ? ih * sh : (ih - 1) * sh + kh;
          const ow = layer.padding === 'same' ? iw * sw : (iw - 1) * sw + kw;
          h = tf.conv2dTranspose(
            h as tf.Tensor4D,
            p!.kernel as tf.Tensor4D,
            [b, oh, ow, layer.filters],
            [sh, sw],
            layer.padding,
          );
          if (p?.bias) h = tf.add(h, p.bias);
          h = activate(h, layer.activation);
          break;
        }
        case 'maxPool2d': {
          const size = pair(layer.poolSize);
          h = tf.maxPool(h as tf.Tensor4D, size, pair(layer.strides ?? layer.poolSize), layer.padding);
          break;
        }
        case 'upSampling2d': {
          const [sh, sw] = pair(layer.size);
          const [, ih, iw] = h.shape as [number, number, number, number];
          h = tf.image.resizeNearestNeighbor(h as tf.Tensor4D, [ih * sh, iw * sw]);
          break;
        }
        default:
          throw new Error(`bench trainer: layer ${layer.type} not supported`);
      }
    });
    return h;
  };

  const optimizer = tf.train.adam(learningRate);
  const sampleShape = spec.inputShape as number[];
  const sampleSize = sampleShape.reduce((a, b) => a * b, 1);
  const eps = 1e-7;

  return {
    async trainEpoch(x, batchSize, epochSeed) {
      const n = x.length / sampleSize;
      const order = Int32Array.from({ length: n }, (_, i) => i);
      createRng(epochSeed).shuffle(order);
      let total = 0;
      const batch = new Float32Array(batchSize * sampleSize);
      for (let start = 0; start < n; start += batchSize) {
        const size = Math.min(batchSize, n - start);
        for (let j = 0; j < size; j++) {
          const src = (order[start + j] as number) * sampleSize;
          batch.set(x.subarray(src, src + sampleSize), j * sampleSize);
        }
        const loss = tf.tidy((): tf.Scalar => {
          const xb = tf.tensor<tf.Rank>(batch.subarray(0, size * sampleSize), [
            size,
            ...sampleShape,
          ] as number[]) as tf.Tensor4D;
          const value = optimizer.minimize(() => {
            const y = tf.clipByValue(forward(xb), eps, 1 - eps);
            const ll = tf.add(tf.mul(xb, tf.log(y)), tf.mul(tf.sub(1, xb), tf.log(tf.sub(1, y))));
            return tf.neg(tf.mean(ll)) as tf.Scalar;
          }, true);
          if (value === null) throw new Error('optimizer.minimize returned no loss');
          return value;
        });
        total += ((await loss.data())[0] as number) * size;
        loss.dispose();
      }
      return total / n;
    },
    step(x, batchSize) {
      const loss = tf.tidy((): tf.Scalar => {
        const xb = tf.tensor<tf.Rank>(x.subarray(0, batchSize * sampleSize), [batchSize, ...sampleShape]);
        const value = optimizer.minimize(() => {
          const y = tf.clipByValue(forward(xb as tf.Tensor4D), eps, 1 - eps);
          const ll = tf.add(tf.mul(xb, tf.log(y)), tf.mul(tf.sub(1, xb), tf.log(tf.sub(1, y))));
          return tf.neg(tf.mean(ll)) as tf.Scalar;
        }, true);
        if (value === null) throw new Error('optimizer.minimize returned no loss');
        return value;
      });
      const value = loss.dataSync()[0] as number;
      loss.dispose();
      return value;
    },
    predict(x, batchSize) {
      const n = x.length / sampleSize;
      for (let start = 0; start < n; start += batchSize) {
        const size = Math.min(batchSize, n - start);
        tf.tidy(() => {
          const xb = tf.tensor(x.subarray(start * sampleSize, (start + size) * sampleSize), [
            size,
            ...sampleShape,
          ] as number[]);
          forward(xb as tf.Tensor4D).dataSync();
        });
      }
    },
    dispose() {
      optimizer.dispose();
      for (const p of params) {
        p?.kernel.dispose();
        p?.bias?.dispose();
      }
    },
  };
}
