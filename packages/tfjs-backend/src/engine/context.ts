import { createRng } from '@aekit/core';
import type { Tf } from '../tf.js';
import type { ForwardContext } from './layers.js';

/** A forward context: inference (`training` false) or a training step whose `seed` drives dropout and VAE sampling. */
export function forwardContext(tf: Tf, training: boolean, seed = 0): ForwardContext {
  const rng = createRng(seed);
  return { tf, training, nextSeed: () => rng.int(2147483647), updateState: training };
}
