import { z } from 'zod';
import { SpecValidationError } from '../errors.js';
import { corruptionSchema } from './corruption.js';
import { layerSchema } from './layers.js';
import { regularizerSchema } from './regularizers.js';
import { scalerSchema } from './scaler.js';

/** Version of the spec format; bumped on breaking changes, checked when loading checkpoints. */
export const SPEC_VERSION = 1;

const shapeSchema = z.array(z.number().int().positive()).min(1).max(4);

export const latentSchema = z.discriminatedUnion('type', [
  /** The encoder's output is the code (any shape, e.g. 4x4x8 for a conv autoencoder). */
  z.object({ type: z.literal('deterministic') }).strict(),
  /**
   * Variational: two dense heads (`latent.mean`, `latent.logVar`) on the encoder's rank-1 output, a sample
   * z = mean + exp(logVar / 2) * eps while training, the mean at inference; KL to N(0, I) weighted by beta.
   */
  z
    .object({
      type: z.literal('gaussian'),
      dim: z.number().int().positive(),
      beta: z.number().nonnegative().default(1),
    })
    .strict(),
]);
export type Latent = z.output<typeof latentSchema>;

export const lossSchema = z
  .object({
    reconstruction: z.enum(['bce', 'mse', 'l1']),
    /** 'mean' averages over every value; 'sum' sums over a sample's values then averages over the batch (ELBO). */
    reduction: z.enum(['mean', 'sum']).default('mean'),
  })
  .strict();
export type ReconstructionLoss = z.output<typeof lossSchema>;

export const modelSpecSchema = z
  .object({
    specVersion: z.literal(SPEC_VERSION).default(SPEC_VERSION),
    /** Short identifier of the zoo entry or user model, e.g. `conv`. */
    name: z.string().min(1),
    /** One sample's shape, channels last: [features], [time, features] or [height, width, channels]. */
    inputShape: shapeSchema,
    /** Target shape when it differs from the input (colorization, super-resolution). */
    outputShape: shapeSchema.optional(),
    encoder: z.array(layerSchema).min(1),
    latent: latentSchema.default({ type: 'deterministic' }),
    decoder: z.array(layerSchema).min(1),
    loss: lossSchema,
    regularizers: z.array(regularizerSchema).default([]),
    corruption: corruptionSchema.optional(),
    /** How raw data maps to the input: documented in ONNX metadata. */
    preprocessing: z.string().default('float32 in [0, 1] (uint8 / 255)'),
    /**
     * The scaler fitted on the training data, when the model takes raw values: the network itself works on
     * scaled values (`scaleValues`), `withScaler` and the ONNX export take and return raw ones.
     */
    scaler: scalerSchema.optional(),
  })
  .strict();

/** A model spec as a user writes it (defaults may be left out). */
export type ModelSpecInput = z.input<typeof modelSpecSchema>;
/** A validated model spec with every default filled in: plain JSON-serialisable data. */
export type ModelSpec = z.output<typeof modelSpecSchema>;

function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
}

/**
 * Validates a spec's fields (not yet its shapes): returns it with defaults filled in, or throws a
 * SpecValidationError naming every bad field.
 */
export function parseSpecFields(input: unknown): ModelSpec {
  const result = modelSpecSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issuePath(issue.path) || '(spec)',
    message: issue.message,
  }));
  const lines = issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
  throw new SpecValidationError(`Invalid model spec:\n${lines}`, issues);
}
