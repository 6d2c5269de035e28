import { type LayerInput, type ModelSpec, validateSpec } from '@aekit/core';

export interface ConvAutoencoderOptions {
  /** [height, width, channels]; height and width divisible by 8 after 'same' pooling. Default [28, 28, 1]. */
  inputShape?: [number, number, number];
  /** Filters of the three encoder convolutions; the decoder mirrors them. Default [16, 8, 8]. */
  filters?: [number, number, number];
  /** 'upsampling' (Conv + UpSampling, as the Keras tutorial) or 'transpose' (Conv2DTranspose, stride 2). */
  decoder?: 'upsampling' | 'transpose';
  loss?: 'bce' | 'mse' | 'l1';
  name?: string;
}

/**
 * The Keras tutorial's convolutional autoencoder: 28x28x1 -> (Conv 3x3 + MaxPool 2) x3 -> 4x4x8 = 128 values
 * -> (Conv 3x3 + UpSampling 2) x3 with a 'valid' conv to go from 16x16 to 14x14 -> Conv 3x3 sigmoid -> 28x28x1.
 */
export function convAutoencoder(options: ConvAutoencoderOptions = {}): ModelSpec {
  const inputShape = options.inputShape ?? [28, 28, 1];
  const [f1, f2, f3] = options.filters ?? [16, 8, 8];
  const channels = inputShape[2];
  const conv = (
    filters: number,
    padding: 'same' | 'valid' = 'same',
    activation: 'relu' | 'sigmoid' = 'relu',
  ) => ({ type: 'conv2d', filters, kernelSize: 3, padding, activation }) as const;
  const pool = { type: 'maxPool2d', poolSize: 2, padding: 'same' } as const;
  const up = { type: 'upSampling2d', size: 2 } as const;
  const encoder: LayerInput[] = [conv(f1), pool, conv(f2), pool, conv(f3), pool];
  // 28 -> 14 -> 7 -> 4 on the way down; 4 -> 8 -> 16 -> (valid) 14 -> 28 on the way up, as the tutorial.
  const h = inputShape[0];
  const needsValid = Math.ceil(Math.ceil(h / 2) / 2) % 2 === 1;
  let decoder: LayerInput[];
  if ((options.decoder ?? 'upsampling') === 'upsampling') {
    decoder = [
      conv(f3),
      up,
      conv(f2),
      up,
      conv(f1, needsValid ? 'valid' : 'same'),
      up,
      conv(channels, 'same', 'sigmoid'),
    ];
  } else {
    const tconv = (filters: number, padding: 'same' | 'valid' = 'same') =>
      ({ type: 'conv2dTranspose', filters, kernelSize: 3, strides: 2, padding, activation: 'relu' }) as const;
    decoder = [
      tconv(f3),
      ...(needsValid
        ? [{ type: 'conv2d', filters: f2, kernelSize: 2, padding: 'valid', activation: 'relu' } as const]
        : []),
      tconv(f2),
      tconv(f1),
      conv(channels, 'same', 'sigmoid'),
    ];
  }
  return validateSpec({
    name: options.name ?? 'conv',
    inputShape,
    encoder,
    decoder,
    loss: { reconstruction: options.loss ?? 'bce' },
  });
}
