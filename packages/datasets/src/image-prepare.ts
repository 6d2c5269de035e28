import { type DecodeImageOptions, decodeImage, imageChannels } from './image-decode.js';
import { DEFAULT_FIT, type FitPolicy, fitImage } from './image-fit.js';

/** What every image of a set becomes: `size` x `channels`, brought there by `fit`. */
export interface ImageSampleOptions extends DecodeImageOptions {
  /** [height, width] of the sample. */
  size: [number, number];
  /** 1: BT.601 grey, 3: RGB (grey repeated); alpha dropped. */
  channels: 1 | 3;
  /** Default 'crop' (scale to cover, centre crop). */
  fit?: FitPolicy;
}

/**
 * A PNG or JPEG file's bytes as one sample, `height * width * channels` float32 values in [0, 1] (HWC):
 * `decodeImage`, then `imageChannels`, then `fitImage`. Browser-safe; a bad file throws `decodeImage`'s
 * `DataError` naming `source`.
 */
export function prepareImage(bytes: Uint8Array, source: string, options: ImageSampleOptions): Float32Array {
  const image = decodeImage(bytes, source, options);
  const samples = imageChannels(image, options.channels);
  const [height, width] = options.size;
  return fitImage(
    samples,
    image.height,
    image.width,
    options.channels,
    height,
    width,
    options.fit ?? DEFAULT_FIT,
  );
}
