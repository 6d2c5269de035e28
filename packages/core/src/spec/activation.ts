import { z } from 'zod';

/** Element-wise activations every backend and the ONNX exporter support. */
export const ACTIVATIONS = [
  'linear',
  'relu',
  'sigmoid',
  'tanh',
  'leakyRelu',
  'elu',
  'selu',
  'softplus',
] as const;
export const activationSchema = z.enum(ACTIVATIONS);
export type Activation = z.infer<typeof activationSchema>;

/** Slope of `leakyRelu` for negative inputs (as Keras' LeakyReLU default of 0.3 is surprising, we fix 0.2). */
export const LEAKY_RELU_ALPHA = 0.2;
