/** Layer literals the zoo's convolutional specs share. */

/** A 3x3 transposed convolution with ReLU that multiplies height and width by `strides` ('same'). */
export const tconv = (filters: number, strides = 2) =>
  ({
    type: 'conv2dTranspose',
    filters,
    kernelSize: 3,
    strides,
    padding: 'same',
    activation: 'relu',
  }) as const;
