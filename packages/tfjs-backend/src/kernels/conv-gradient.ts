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
import {
  Conv2DBias,
  type Conv2DBiasAttrs,
  Conv2DTransposeBias,
  type Conv2DTransposeBiasAttrs,
  ReluGrad,
} from './custom-kernels.js';

// The gradient of the convolution, bias and ReLU that Conv2DBias fuses: tfjs's Conv2D, Add and Relu
// gradients in one function. Not differentiable again (the engine keeps to tfjs' own ops under double
// backpropagation).
const gradConfig: GradConfig = {
  kernelName: Conv2DBias,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dyOrList, saved, attrs) => {
    const dy = dyOrList as Tensor;
    const [x, filter, y] = saved as [Tensor4D, Tensor4D, Tensor];
    const { strides, pad, activation } = attrs as unknown as Conv2DBiasAttrs;
    // ReLU's output is positive exactly where its input is.
    const dz = (activation === 'relu' ? engine().runKernel(ReluGrad, { dy, x: y }) : dy) as Tensor4D;
    return {
      x: () => conv2dTranspose(dz, filter, x.shape, strides, pad),
      filter: () =>
        engine().runKernel(
          Conv2DBackpropFilter,
          { x, dy: dz },
          { strides, pad, dataFormat: 'NHWC', filterShape: filter.shape },
        ) as Tensor,
      bias: () => sum(dz, [0, 1, 2]),
    };
  },
};

// The same for Conv2DTransposeBias: tfjs's Conv2DBackpropInput gradient (a convolution of dz for x, the
// filter gradient with x and dz swapped), Add's and Relu's.
const transposeGradConfig: GradConfig = {
  kernelName: Conv2DTransposeBias,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dyOrList, saved, attrs) => {
    const dy = dyOrList as Tensor;
    const [x, filter, y] = saved as [Tensor4D, Tensor4D, Tensor];
    const { strides, pad, activation } = attrs as unknown as Conv2DTransposeBiasAttrs;
    const dz = (activation === 'relu' ? engine().runKernel(ReluGrad, { dy, x: y }) : dy) as Tensor4D;
    return {
      x: () => conv2d(dz, filter, strides, pad),
      filter: () =>
        engine().runKernel(
          Conv2DBackpropFilter,
          { x: dz, dy: x },
          { strides, pad, dataFormat: 'NHWC', filterShape: filter.shape },
        ) as Tensor,
      bias: () => sum(dz, [0, 1, 2]),
    };
  },
};

/** Registers the gradients of aekit's Conv2DBias and Conv2DTransposeBias kernels with tfjs-core (once). */
export function registerConvGradient(): void {
  if (getGradient(Conv2DBias) === undefined) registerGradient(gradConfig);
  if (getGradient(Conv2DTransposeBias) === undefined) registerGradient(transposeGradConfig);
}
