export { type ContractiveAutoencoderOptions, contractiveAutoencoder } from './contractive.js';
export { type ConvAutoencoderOptions, convAutoencoder } from './conv.js';
export { type ConvBottleneckAutoencoderOptions, convBottleneckAutoencoder } from './conv-bottleneck.js';
export { type Conv1dAutoencoderOptions, conv1dAutoencoder } from './conv1d.js';
export { type CorruptionInput, type DenoisingAutoencoderOptions, denoisingAutoencoder } from './denoising.js';
export {
  type DeepAutoencoderOptions,
  type DenseAutoencoderOptions,
  deepAutoencoder,
  denseAutoencoder,
} from './dense.js';
export {
  type ColorizationAutoencoderOptions,
  colorizationAutoencoder,
  type InpaintingAutoencoderOptions,
  inpaintingAutoencoder,
  type SuperResolutionAutoencoderOptions,
  superResolutionAutoencoder,
} from './image-to-image.js';
export { type LstmAutoencoderOptions, lstmAutoencoder } from './lstm.js';
export { type PcaSolution, type PcaWarmStartOptions, pcaWarmStart } from './pca-warm-start.js';
export { type SparseAutoencoderOptions, type SparsityPenalty, sparseAutoencoder } from './sparse.js';
export { type VaeOptions, vae } from './vae.js';
