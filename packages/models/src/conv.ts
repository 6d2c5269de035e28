import { type LayerInput, type ModelSpec, OptionError, validateSpec } from '@aekit/core';
import { tconv } from './layer-builders.js';

export interface ConvAutoencoderOptions {
  /** [height, width, channels]. Default [28, 28, 1]. */
  inputShape?: [number, number, number];
  /**
   * Filters of the encoder convolutions, one Conv 3x3 + MaxPool 2 stage each (the decoder mirrors them).
   * Default [16, 8, 8]: 28x28 -> 4x4x8. `[32, 32]` is the Keras denoising tutorial's 7x7x32.
   */
  filters?: readonly number[];
  /** 'upsampling' (Conv + UpSampling, as the Keras tutorial) or 'transpose' (Conv2DTranspose, stride 2). */
  decoder?: 'upsampling' | 'transpose';
  loss?: 'bce' | 'mse' | 'l1';
  name?: string;
}

const conv = (
  filters: number,
  padding: 'same' | 'valid' = 'same',
  activation: 'relu' | 'sigmoid' = 'relu',
  kernelSize = 3,
) => ({ type: 'conv2d', filters, kernelSize, padding, activation }) as const;
const pool = { type: 'maxPool2d', poolSize: 2, padding: 'same' } as const;
const up = { type: 'upSampling2d', size: 2 } as const;

/**
 * The Keras tutorials' convolutional autoencoder: (Conv 3x3 + MaxPool 2) per entry of `filters`, then the
 * mirror image back up and a Conv 3x3 sigmoid. With the default [16, 8, 8]: 28x28x1 -> 4x4x8 = 128 values ->
 * (Conv 3x3 + UpSampling 2) x3, a 'valid' conv taking 16x16 to 14x14 as the tutorial does -> 28x28x1.
 * Where doubling overshoots an odd size on the way down (7 -> 4 -> 8), the decoder trims it: a 'valid' 3x3
 * conv before the next upsampling, or a 'valid' 2x2 conv after a transposed convolution.
 */
export function convAutoencoder(options: ConvAutoencoderOptions = {}): ModelSpec {
  const inputShape = options.inputShape ?? [28, 28, 1];
  const filters = options.filters ?? [16, 8, 8];
  if (filters.length === 0 || !filters.every((f) => Number.isInteger(f) && f > 0)) {
    throw new OptionError(
      `convAutoencoder: filters must be one or more positive integers, got [${filters}]`,
      {
        details: { expected: 'positive integers', actual: [...filters] },
      },
    );
  }
  const channels = inputShape[2];
  // Heights on the way down: sizes[k] is the height after k pooling stages ('same' pooling rounds up).
  const sizes = [inputShape[0]];
  for (let k = 0; k < filters.length; k++) sizes.push(Math.ceil(sizes[k]! / 2));
  const encoder: LayerInput[] = filters.flatMap((f) => [conv(f), pool]);
  const decoder: LayerInput[] = [];
  let height = sizes.at(-1)!;
  for (let k = filters.length - 1; k >= 0; k--) {
    const target = sizes[k]!;
    if ((options.decoder ?? 'upsampling') === 'upsampling') {
      // A 'valid' 3x3 conv takes 2 rows off, so that the doubling lands on the size of this level.
      const trim = height * 2 !== target && (height - 2) * 2 === target;
      decoder.push(conv(filters[k]!, trim ? 'valid' : 'same'), up);
      height = (trim ? height - 2 : height) * 2;
    } else {
      decoder.push(tconv(filters[k]!));
      height *= 2;
      if (height === target + 1 && k > 0) {
        decoder.push(conv(filters[k - 1]!, 'valid', 'relu', 2));
        height -= 1;
      }
    }
  }
  decoder.push(conv(channels, 'same', 'sigmoid'));
  return validateSpec({
    name: options.name ?? 'conv',
    inputShape,
    encoder,
    decoder,
    loss: { reconstruction: options.loss ?? 'bce' },
  });
}
