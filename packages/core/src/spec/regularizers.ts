import { z } from 'zod';

/** L1 penalty on the code's activations: weight * mean_batch(sum |z|). */
export const l1ActivitySchema = z
  .object({ type: z.literal('l1Activity'), weight: z.number().nonnegative() })
  .strict();

/** KL divergence of each code unit's mean activation towards a target `rho` (code units must lie in (0, 1)). */
export const klSparsitySchema = z
  .object({ type: z.literal('klSparsity'), rho: z.number().gt(0).lt(1), weight: z.number().nonnegative() })
  .strict();

/** Frobenius norm of the encoder's Jacobian with respect to the input: weight * mean_batch ||dz/dx||_F^2. */
export const contractiveSchema = z
  .object({ type: z.literal('contractive'), weight: z.number().nonnegative() })
  .strict();

/** L2 penalty on all kernels: weight * sum ||W||^2. */
export const l2WeightsSchema = z
  .object({ type: z.literal('l2Weights'), weight: z.number().nonnegative() })
  .strict();

export const regularizerSchema = z.discriminatedUnion('type', [
  l1ActivitySchema,
  klSparsitySchema,
  contractiveSchema,
  l2WeightsSchema,
]);
export type Regularizer = z.output<typeof regularizerSchema>;
