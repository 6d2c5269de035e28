/**
 * A cross-entropy as aekit's kernels compute it: a pair of kernels, the loss (predictions and targets in,
 * the sum over every value divided by `divisor` out) and its gradient (inputs dy, the predictions and
 * the targets), and the JavaScript definition every backend's version follows.
 */
export interface CrossEntropyDefinition<A extends { divisor: number }> {
  kernelName: string;
  gradKernelName: string;
  /** The predictions' input name: 'p' for probabilities, 'z' for logits. */
  input: 'p' | 'z';
  /** The sum over every value (float64). */
  sum(x: Float32Array, y: Float32Array, attrs: A): number;
  /** The gradient of `scale * sum` with respect to the predictions, into `dx`. */
  gradInto(x: Float32Array, y: Float32Array, scale: number, attrs: A, dx: Float32Array): void;
}
