import {
  Conv2DBackpropFilter,
  conv2d,
  conv2dTranspose,
  engine,
  type GradConfig,
  getGradient,
  registerGradient,
  sum,
  type Tensor,
  type Tensor4D,
} from '@tensorflow/tfjs-core';
import { Conv2DBias, type Conv2DBiasAttrs, Conv2DTransposeBias, ReluGrad } from './custom-kernels.js';

type ConvGrads = (
  dz: Tensor4D,
  x: Tensor4D,
  filter: Tensor4D,
  attrs: Conv2DBiasAttrs,
) => {
  x: () => Tensor;
  filter: () => Tensor;
};

/**
 * The gradient of a convolution, its bias and its ReLU as one kernel fuses them: the ReLU's (from the saved
 * output, positive exactly where its input is), then the convolution's (`grads`) and the bias's. Not
 * differentiable again (the engine keeps to tfjs' own ops under double backpropagation).
 */
function fusedConvGradient(kernelName: string, grads: ConvGrads): GradConfig {
  return {
    kernelName,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dyOrList, saved, attrs) => {
      const dy = dyOrList as Tensor;
      const [x, filter, y] = saved as [Tensor4D, Tensor4D, Tensor];
      const a = attrs as unknown as Conv2DBiasAttrs;
      const dz = (a.activation === 'relu' ? engine().runKernel(ReluGrad, { dy, x: y }) : dy) as Tensor4D;
      return { ...grads(dz, x, filter, a), bias: () => sum(dz, [0, 1, 2]) };
    },
  };
}

const filterGradient = (x: Tensor, dy: Tensor, filter: Tensor4D, { strides, pad }: Conv2DBiasAttrs) =>
  engine().runKernel(
    Conv2DBackpropFilter,
    { x, dy },
    { strides, pad, dataFormat: 'NHWC', filterShape: filter.shape },
  ) as Tensor;

// Conv2D's gradient (tfjs's: the input's through the transposed convolution, the filter's).
const convGradConfig = fusedConvGradient(Conv2DBias, (dz, x, filter, attrs) => ({
  x: () => conv2dTranspose(dz, filter, x.shape, attrs.strides, attrs.pad),
  filter: () => filterGradient(x, dz, filter, attrs),
}));

// Conv2DBackpropInput's gradient (tfjs's: a convolution of dz for x, the filter's with x and dz swapped).
const transposeGradConfig = fusedConvGradient(Conv2DTransposeBias, (dz, x, filter, attrs) => ({
  x: () => conv2d(dz, filter, attrs.strides, attrs.pad),
  filter: () => filterGradient(dz, x, filter, attrs),
}));

/** Registers the gradients of aekit's Conv2DBias and Conv2DTransposeBias kernels with tfjs-core (once). */
export function registerConvGradient(): void {
  if (getGradient(Conv2DBias) === undefined) registerGradient(convGradConfig);
  if (getGradient(Conv2DTransposeBias) === undefined) registerGradient(transposeGradConfig);
}
