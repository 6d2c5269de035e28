/**
 * What a detector scores (higher = more anomalous):
 * - `mse` / `mae`: mean squared / absolute reconstruction error per sample, with the per-feature (per-pixel)
 *   errors beside it;
 * - `ssim`: 1 - SSIM between an image and its reconstruction (images [h, w, c] only);
 * - `latent-knn`: distance from the sample's code to the k-th nearest code of the normal data `fit` saw;
 * - `mse+latent-knn`: both, each z-normalised with its mean and standard deviation on the calibration data,
 *   summed;
 * - `nmse`: each feature's squared error divided by its mean squared error on the normal data `fit` saw (plus
 *   1e-4), averaged: features that vary a lot in normal data count less;
 * - `nmse+latent-knn`: `nmse` and the latent kNN distance, z-normalised and summed as `mse+latent-knn`;
 * - `elbo` (VAEs only): the negative ELBO in nats, sampling-free: the reconstruction term of the model's loss
 *   (`bce`: Bernoulli negative log-likelihood, `mse`: half squared error) summed over features, decoded from
 *   the posterior mean, plus beta times the closed-form KL(q(z|x) || N(0, I)).
 */
export type ScoreKind =
  | 'mse'
  | 'mae'
  | 'ssim'
  | 'latent-knn'
  | 'mse+latent-knn'
  | 'nmse'
  | 'nmse+latent-knn'
  | 'elbo';
export const SCORE_KINDS: readonly ScoreKind[] = Object.freeze([
  'mse',
  'mae',
  'ssim',
  'latent-knn',
  'mse+latent-knn',
  'nmse',
  'nmse+latent-knn',
  'elbo',
]);
