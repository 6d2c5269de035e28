import { SpecValidationError } from '../errors.js';
import { type ModelSpec, parseSpecFields } from './model-spec.js';
import { inferShapes } from './shapes.js';

/**
 * Validates a spec at the boundary: fields (with defaults filled in), shapes through every layer, and the
 * combinations that only make sense together. Returns the normalised spec or throws SpecValidationError.
 */
export function validateSpec(input: unknown): ModelSpec {
  const spec = parseSpecFields(input);
  const shapes = inferShapes(spec);
  const fail = (path: string, message: string): never => {
    throw new SpecValidationError(`Invalid model spec: ${path}: ${message}`, [{ path, message }]);
  };
  spec.regularizers.forEach((r, i) => {
    if (r.type === 'klSparsity') {
      const last = [...spec.encoder].reverse().find((l) => 'activation' in l);
      if (last?.activation !== 'sigmoid') {
        fail(
          `regularizers[${i}]`,
          'KL sparsity needs code activations in (0, 1): end the encoder with a sigmoid activation',
        );
      }
    }
    if (r.type === 'contractive' && spec.latent.type === 'gaussian') {
      fail(
        `regularizers[${i}]`,
        'a contractive penalty applies to deterministic codes; a VAE is regularised by its KL term',
      );
    }
  });
  if (spec.loss.reconstruction === 'bce') {
    const lastDecoder = [...spec.decoder].reverse().find((l) => 'activation' in l);
    if (lastDecoder && 'activation' in lastDecoder && lastDecoder.activation !== 'sigmoid') {
      fail(
        'loss.reconstruction',
        `'bce' needs outputs in (0, 1): end the decoder with a sigmoid activation (it ends with ${lastDecoder.activation})`,
      );
    }
  }
  if (shapes.latent.length === 0) fail('latent', 'empty code');
  if (spec.scaler) {
    const { offset, scale } = spec.scaler;
    const last = spec.inputShape[spec.inputShape.length - 1]!;
    const outLast = shapes.output[shapes.output.length - 1]!;
    if (offset.length !== scale.length) {
      fail(
        'scaler',
        `offset has ${offset.length} values and scale ${scale.length}: give one of each per feature`,
      );
    }
    if (offset.length !== last) {
      fail(
        'scaler',
        `${offset.length} values per list, but the input's last axis has ${last} (features or channels): fit the scaler on data of shape [n, ...${JSON.stringify(spec.inputShape)}]`,
      );
    }
    if (outLast !== last) {
      fail(
        'scaler',
        `the output's last axis has ${outLast} values and the input's ${last}: the inverse on the reconstruction needs them equal; drop the scaler for this model`,
      );
    }
  }
  return spec;
}
