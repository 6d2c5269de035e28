import { type LayerInput, type ModelSpec, validateSpec } from '@aekit/core';
import { tconv } from './layer-builders.js';
import { requireDivisible, requireNumber } from './options.js';

const conv = (filters: number, strides = 1, activation: 'relu' | 'sigmoid' = 'relu') =>
  ({ type: 'conv2d', filters, kernelSize: 3, strides, padding: 'same', activation }) as const;

export interface ColorizationAutoencoderOptions {
  /** Gray input [height, width, 1], height and width divisible by 4. Default [32, 32, 1]. */
  inputShape?: [number, number, number];
  /** Channels of the output image. Default 3 (RGB). */
  outputChannels?: number;
  name?: string;
}

/**
 * Colorization: a gray image in, its colour out (`outputShape` [h, w, 3]). Train with x = gray (`toGrayscale`
 * from `@aekit/datasets`) and y = the colour residual (`toColorResidual(rgb, gray)`), and get the colour
 * image with `fromColorResidual(gray, output)`: the model then starts from the grey copy and learns only the
 * colour (trained on the RGB image directly it needs far more data to beat the grey copy). Conv encoder to
 * h/4 x w/4 x 128, transposed convolutions back, MSE loss.
 */
export function colorizationAutoencoder(options: ColorizationAutoencoderOptions = {}): ModelSpec {
  const inputShape = options.inputShape ?? [32, 32, 1];
  requireDivisible('colorizationAutoencoder', inputShape, 4);
  const [h, w] = inputShape;
  return validateSpec({
    name: options.name ?? 'colorization',
    inputShape,
    outputShape: [h, w, options.outputChannels ?? 3],
    encoder: [conv(32), conv(64, 2), conv(128, 2)],
    decoder: [tconv(64), tconv(32), conv(options.outputChannels ?? 3, 1, 'sigmoid')],
    loss: { reconstruction: 'mse' },
  });
}

export interface InpaintingAutoencoderOptions {
  /** [height, width, channels], height and width divisible by 4. Default [28, 28, 1]. */
  inputShape?: [number, number, number];
  /** Fraction of square blocks blanked while training. Default 0.25. */
  fraction?: number;
  /** Side of a blanked block in pixels. Default 7 (a 4x4 grid on 28x28). */
  blockSize?: number;
  name?: string;
}

/**
 * Inpainting: blocks of the input are blanked (`mask` corruption with `blockSize` > 1) and the model learns to
 * fill them in from the rest of the image. Strided conv encoder to h/4 x w/4 x 64, transposed decoder.
 */
export function inpaintingAutoencoder(options: InpaintingAutoencoderOptions = {}): ModelSpec {
  const inputShape = options.inputShape ?? [28, 28, 1];
  requireDivisible('inpaintingAutoencoder', inputShape, 4);
  const fraction = options.fraction ?? 0.25;
  requireNumber('inpaintingAutoencoder: fraction', fraction, 1e-6, 1 - 1e-6);
  const encoder: LayerInput[] = [conv(32), conv(64, 2), conv(64, 2)];
  const decoder: LayerInput[] = [tconv(64), tconv(32), conv(inputShape[2], 1, 'sigmoid')];
  return validateSpec({
    name: options.name ?? 'inpainting',
    inputShape,
    encoder,
    decoder,
    loss: { reconstruction: 'bce' },
    corruption: { type: 'mask', fraction, blockSize: options.blockSize ?? 7 },
  });
}

export interface SuperResolutionAutoencoderOptions {
  /** Low-resolution input [height, width, channels]. Default [14, 14, 1]. */
  inputShape?: [number, number, number];
  /** Upscaling factor (1 transposed convolution of that stride). Default 2: 14x14 -> 28x28. */
  scale?: number;
  name?: string;
}

/**
 * Super-resolution: a low-resolution image in, the image at `scale` times the size out (`outputShape`).
 * Train with x = the image average-pooled by `scale` and y = the original. Convs at low resolution, one
 * transposed convolution of stride `scale`, then a refining conv with sigmoid.
 */
export function superResolutionAutoencoder(options: SuperResolutionAutoencoderOptions = {}): ModelSpec {
  const inputShape = options.inputShape ?? [14, 14, 1];
  const scale = options.scale ?? 2;
  requireNumber('superResolutionAutoencoder: scale', scale, 2, 8);
  const [h, w, c] = inputShape;
  return validateSpec({
    name: options.name ?? 'super-resolution',
    inputShape,
    outputShape: [h * scale, w * scale, c],
    encoder: [conv(64), conv(32)],
    decoder: [
      { type: 'conv2dTranspose', filters: 32, kernelSize: 2 * scale, strides: scale, activation: 'relu' },
      conv(32),
      conv(c, 1, 'sigmoid'),
    ],
    loss: { reconstruction: 'bce' },
  });
}
