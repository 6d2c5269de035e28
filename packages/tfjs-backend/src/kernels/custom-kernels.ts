/**
 * Kernels aekit adds under its own names (tfjs has no fused equivalents): each one replaces a chain of
 * small ops whose per-op cost dominates a training step of the small zoo models.
 */

/** Sum of binary cross-entropy over every value, divided by `divisor`: inputs {p, y}, a scalar out. */
export const BinaryCrossEntropy = 'AekitBinaryCrossEntropy';
/** d(BinaryCrossEntropy)/dp: inputs {dy (scalar), p, y}, out shaped as p. */
export const BinaryCrossEntropyGrad = 'AekitBinaryCrossEntropyGrad';

export interface BinaryCrossEntropyAttrs {
  /** Probabilities are clipped to [epsilon, 1 - epsilon] before the logarithms. */
  epsilon: number;
  /** The sum is divided by this: the value count for a mean, the batch size for a per-sample sum. */
  divisor: number;
}

/**
 * Binary cross-entropy of sigmoid(z) from the logits z, summed over every value and divided by `divisor`:
 * inputs {z, y}, a scalar out. A sigmoid output layer trained with 'bce' runs this on its pre-activation.
 */
export const SigmoidCrossEntropy = 'AekitSigmoidCrossEntropy';
/** d(SigmoidCrossEntropy)/dz = dy (sigmoid(z) - y) / divisor: inputs {dy (scalar), z, y}, out shaped as z. */
export const SigmoidCrossEntropyGrad = 'AekitSigmoidCrossEntropyGrad';

export interface SigmoidCrossEntropyAttrs {
  /** The sum is divided by this: the value count for a mean, the batch size for a per-sample sum. */
  divisor: number;
}

/** One Adam step of one parameter: inputs {param, m, v, gradient, accBeta1, accBeta2}, outputs [param, m, v]. */
export const AdamUpdate = 'AekitAdamUpdate';

export interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/**
 * A dense layer's forward pass: inputs {x [batch, in], kernel [in, out], bias? [out]}, out = activation(x .
 * kernel + bias) with the activation 'linear', 'relu' or 'sigmoid' (tfjs runs MatMul, Add and Relu or
 * Sigmoid). The engine asks for 'sigmoid' in inference only: training a sigmoid output with `bce` takes the
 * loss from its logits.
 */
export const Dense = 'AekitDense';

export interface DenseAttrs {
  activation: 'linear' | 'relu' | 'sigmoid';
}

/** Gradient of ReLU: inputs {dy, x}, out = dy where x > 0, else 0 (tfjs runs Step, Cast and Multiply). */
export const ReluGrad = 'AekitReluGrad';

/**
 * A 2-D convolution's forward pass with its bias and activation: inputs {x [batch, h, w, inC], filter [fh,
 * fw, inC, outC], bias? [outC]}, out = activation(conv(x, filter) + bias), NHWC, with the activation
 * 'linear' or 'relu'. tfjs runs Conv2D, Add and Relu: its fused convolution does not fuse the ReLU while it
 * records gradients.
 */
export const Conv2DBias = 'AekitConv2D';

/** Conv2DBias takes layers of at least this many filters: below it, aekit's own Conv2D kernel on wasm (input
 * channels in the vector lanes) is faster than the XNNPACK convolution the fused one is. */
export const CONV2D_BIAS_MIN_FILTERS = 4;

export interface Conv2DBiasAttrs {
  strides: [number, number];
  pad: 'same' | 'valid';
  activation: 'linear' | 'relu';
}

/**
 * A transposed 2-D convolution's forward pass with its bias and activation: inputs {x [batch, h, w, inC],
 * filter [fh, fw, outC, inC] (tfjs' conv2dTranspose layout), bias? [outC]}, out [batch, outH, outW, outC] =
 * activation(conv2dTranspose(x, filter) + bias), NHWC, with the activation 'linear' or 'relu' (tfjs runs
 * Conv2DBackpropInput, Add and Relu).
 */
export const Conv2DTransposeBias = 'AekitConv2DTranspose';

export interface Conv2DTransposeBiasAttrs {
  /** [batch, outH, outW, outC]. */
  outputShape: [number, number, number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
  activation: 'linear' | 'relu';
}
