// The eval package's messages for non-finite values; the check itself is core's `requireFinite`.
export { type FiniteCheckOptions, requireFinite } from '@aekit/core';

/** What to do about non-finite values the caller passed in (its data). */
export const DATA_FIX = 'remove or repair those values (NaN or ±Infinity) before scoring';

/** What to do about non-finite values in predictions (usually a model's outputs). */
export const PREDICTION_FIX =
  'if a model produced them, it has most likely diverged (NaN or overflowing weights): retrain it (e.g. with a lower learning rate) or use an earlier checkpoint';

/** What to do about non-finite values a model produced. */
export const MODEL_FIX =
  'the model produced them: it has most likely diverged (NaN or overflowing weights); retrain it (e.g. with a lower learning rate) or use an earlier checkpoint';
