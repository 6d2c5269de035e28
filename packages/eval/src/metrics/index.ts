export { type NegativeElboParts, negativeElbo, vaeNegativeElbo } from './elbo.js';
export { fromFloat16Bits, roundTripFloat16, toFloat16Bits } from './float16.js';
export { bcePer, msePer, psnrPer } from './image-metrics.js';
export { meanMse, meanPsnr } from './mean-metrics.js';
export { prAuc, rocAuc } from './ranking.js';
export { pngRate, quantizeUint8, type RateQualityRow, rateQualityTable } from './rate-quality.js';
export {
  type DenoiserScoreOptions,
  type DenoiserScores,
  type ReconstructionScores,
  type ScoreOptions,
  scoreDenoiser,
  scoreReconstructions,
} from './score-reconstructions.js';
export { type ImageShape, type SsimOptions, ssimPer } from './ssim.js';
