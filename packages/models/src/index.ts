export { type ConvAutoencoderOptions, convAutoencoder } from './conv.js';
export {
  type DeepAutoencoderOptions,
  type DenseAutoencoderOptions,
  deepAutoencoder,
  denseAutoencoder,
} from './dense.js';
