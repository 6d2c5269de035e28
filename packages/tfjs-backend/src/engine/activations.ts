import { type Activation, LEAKY_RELU_ALPHA } from '@aekit/core';
import type * as TfCore from '@tensorflow/tfjs-core';
import type { Tensor, Tf } from '../tf.js';

// SELU constants (Klambauer et al. 2017), as Keras and ONNX.
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * tfjs records the gradients of tanh, sigmoid, exp and elu with their *saved outputs*, which are not connected
 * on the tape: a gradient of a gradient (the contractive penalty's) silently misses their second-order terms;
 * leakyRelu's and minimum's gradients use comparisons that cannot be differentiated at all. These versions
 * compute the derivative from the saved input with differentiable ops, so double backpropagation is exact.
 */
export function secondOrderSafe(tf: Tf, f: (x: Tensor) => Tensor, derivative: (x: Tensor) => Tensor) {
  return tf.customGrad((...args: (Tensor | TfCore.GradSaveFunc)[]) => {
    const x = args[0] as Tensor;
    const save = args[1] as TfCore.GradSaveFunc;
    save([x]);
    return {
      value: f(x as Tensor),
      gradFunc: (dy, saved) => tf.mul(dy as Tensor, derivative(saved[0]!)),
    };
  }) as (x: Tensor) => Tensor;
}

function safeActivation(tf: Tf, x: Tensor, activation: Activation): Tensor | undefined {
  switch (activation) {
    case 'sigmoid':
      return secondOrderSafe(tf, tf.sigmoid, (v) => {
        const s = tf.sigmoid(v);
        return tf.mul(s, tf.sub(1, s));
      })(x);
    case 'tanh':
      return secondOrderSafe(tf, tf.tanh, (v) => tf.sub(1, tf.square(tf.tanh(v))))(x);
    case 'elu':
      return secondOrderSafe(tf, tf.elu, (v) => {
        const positive = tf.step(v);
        return tf.add(positive, tf.mul(tf.sub(1, positive), tf.exp(tf.minimum(v, 0))));
      })(x);
    case 'leakyRelu':
      return secondOrderSafe(
        tf,
        (v) => tf.leakyRelu(v, LEAKY_RELU_ALPHA),
        (v) => tf.step(v, LEAKY_RELU_ALPHA),
      )(x);
    case 'selu': {
      // min(x, 0) as -relu(-x): tfjs' Minimum gradient cannot be differentiated again.
      const expm1 = secondOrderSafe(
        tf,
        (v) => tf.sub(tf.exp(v), 1),
        (v) => tf.exp(v),
      );
      return tf.mul(SELU_SCALE, tf.add(tf.relu(x), tf.mul(SELU_ALPHA, expm1(tf.neg(tf.relu(tf.neg(x)))))));
    }
    default:
      return undefined;
  }
}

/**
 * Applies one of core's ACTIVATIONS element-wise. `secondOrder` picks formulations whose gradients can be
 * differentiated again exactly (for penalties on Jacobians); the values are the same.
 */
export function applyActivation(tf: Tf, x: Tensor, activation: Activation, secondOrder = false): Tensor {
  if (secondOrder) {
    const safe = safeActivation(tf, x, activation);
    if (safe) return safe;
  }
  switch (activation) {
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
      // Written out (not tf.selu) so the constants match Keras/ONNX exactly on every backend.
      // selu(x) = scale * (relu(x) + alpha * (exp(min(x, 0)) - 1)).
      return tf.mul(SELU_SCALE, tf.add(tf.relu(x), tf.mul(SELU_ALPHA, tf.sub(tf.exp(tf.minimum(x, 0)), 1))));
    case 'softplus':
      return tf.softplus(x);
  }
}
