import { z } from 'zod';

/**
 * Input corruption for denoising autoencoders: the model sees the corrupted input and learns the clean one.
 * The spec only describes it; `@aekit/datasets` implements it (`createCorruption`).
 */
export const corruptionSchema = z.discriminatedUnion('type', [
  /** x + N(0, std^2), clipped to [0, 1]. */
  z.object({ type: z.literal('gaussian'), std: z.number().positive() }).strict(),
  /** A fraction `amount` of values set to 0 or 1 with equal chance. */
  z.object({ type: z.literal('saltPepper'), amount: z.number().gt(0).lt(1) }).strict(),
  /** A fraction of pixels (blockSize 1) or of square blocks set to 0. */
  z
    .object({
      type: z.literal('mask'),
      fraction: z.number().gt(0).lt(1),
      blockSize: z.number().int().positive().default(1),
    })
    .strict(),
  /** A text/logo overlay blended in with the given opacity at a random place. */
  z
    .object({
      type: z.literal('watermark'),
      text: z.string().min(1).default('aekit'),
      opacity: z.number().gt(0).lte(1).default(0.6),
    })
    .strict(),
]);
export type Corruption = z.output<typeof corruptionSchema>;
