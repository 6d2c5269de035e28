import { z } from 'zod';
import { activationSchema } from './activation.js';

const positiveInt = z.number().int().positive();
/** A size given once for both spatial axes, or as [height, width]. */
const pair = z.union([positiveInt, z.tuple([positiveInt, positiveInt])]);
const padding = z.enum(['same', 'valid']);

export const denseLayerSchema = z
  .object({
    type: z.literal('dense'),
    units: positiveInt,
    activation: activationSchema.default('linear'),
    useBias: z.boolean().default(true),
  })
  .strict();

export const conv2dLayerSchema = z
  .object({
    type: z.literal('conv2d'),
    filters: positiveInt,
    kernelSize: pair,
    strides: pair.default(1),
    padding: padding.default('same'),
    activation: activationSchema.default('linear'),
    useBias: z.boolean().default(true),
  })
  .strict();

export const conv2dTransposeLayerSchema = z
  .object({
    type: z.literal('conv2dTranspose'),
    filters: positiveInt,
    kernelSize: pair,
    strides: pair.default(1),
    padding: padding.default('same'),
    activation: activationSchema.default('linear'),
    useBias: z.boolean().default(true),
  })
  .strict();

export const maxPool2dLayerSchema = z
  .object({
    type: z.literal('maxPool2d'),
    poolSize: pair.default(2),
    /** Defaults to `poolSize`. */
    strides: pair.optional(),
    padding: padding.default('valid'),
  })
  .strict();

export const upSampling2dLayerSchema = z
  .object({ type: z.literal('upSampling2d'), size: pair.default(2) })
  .strict();

export const flattenLayerSchema = z.object({ type: z.literal('flatten') }).strict();

export const reshapeLayerSchema = z
  .object({ type: z.literal('reshape'), targetShape: z.array(positiveInt).min(1) })
  .strict();

export const activationLayerSchema = z
  .object({ type: z.literal('activation'), activation: activationSchema })
  .strict();

export const dropoutLayerSchema = z
  .object({ type: z.literal('dropout'), rate: z.number().min(0).lt(1) })
  .strict();

export const batchNormLayerSchema = z
  .object({
    type: z.literal('batchNorm'),
    momentum: z.number().gt(0).lt(1).default(0.99),
    epsilon: z.number().positive().default(1e-3),
  })
  .strict();

/** LSTM over a [time, features] input (Keras gate order i, f, c, o; tanh/sigmoid). */
export const lstmLayerSchema = z
  .object({ type: z.literal('lstm'), units: positiveInt, returnSequences: z.boolean().default(false) })
  .strict();

/** [d] -> [n, d]: repeats a code along a new time axis (sequence autoencoders). */
export const repeatVectorLayerSchema = z.object({ type: z.literal('repeatVector'), n: positiveInt }).strict();

export const layerSchema = z.discriminatedUnion('type', [
  denseLayerSchema,
  conv2dLayerSchema,
  conv2dTransposeLayerSchema,
  maxPool2dLayerSchema,
  upSampling2dLayerSchema,
  flattenLayerSchema,
  reshapeLayerSchema,
  activationLayerSchema,
  dropoutLayerSchema,
  batchNormLayerSchema,
  lstmLayerSchema,
  repeatVectorLayerSchema,
]);

/** A layer as written by a user (defaults may be omitted). */
export type LayerInput = z.input<typeof layerSchema>;
/** A layer after validation: every default filled in. */
export type Layer = z.output<typeof layerSchema>;
export type LayerType = Layer['type'];
export type LayerOf<T extends LayerType> = Extract<Layer, { type: T }>;
export const LAYER_TYPES = layerSchema.options.map((o) => o.shape.type.value) as LayerType[];

/** [h, w] from a size given once or as a pair. */
export function toPair(value: number | readonly [number, number]): [number, number] {
  return typeof value === 'number' ? [value, value] : [value[0], value[1]];
}
