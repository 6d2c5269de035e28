import { describe, expect, it } from 'vitest';
import { AekitError, SpecValidationError } from '../errors.js';
import { paramInfos } from './params.js';
import { inferShapes } from './shapes.js';
import { validateSpec } from './validate.js';

const base = {
  name: 't',
  inputShape: [28, 28, 1],
  encoder: [{ type: 'flatten' }, { type: 'dense', units: 32, activation: 'relu' }],
  decoder: [
    { type: 'dense', units: 784, activation: 'sigmoid' },
    { type: 'reshape', targetShape: [28, 28, 1] },
  ],
  loss: { reconstruction: 'bce' },
};

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    validateSpec(input);
  } catch (error) {
    expect(error).toBeInstanceOf(SpecValidationError);
    expect(AekitError.isInstance(error)).toBe(true);
    expect((error as SpecValidationError).code).toBe('SPEC_INVALID');
    return [...(error as SpecValidationError).issues];
  }
  throw new Error('expected the spec to be rejected');
}

describe('validateSpec', () => {
  it('fills defaults and is JSON-serialisable', () => {
    const spec = validateSpec(base);
    expect(spec.latent).toEqual({ type: 'deterministic' });
    expect(spec.regularizers).toEqual([]);
    expect(spec.loss.reduction).toBe('mean');
    expect(spec.encoder[1]).toMatchObject({ type: 'dense', useBias: true });
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });

  it('names the field of a bad value', () => {
    const issues = issuesOf({ ...base, encoder: [{ type: 'flatten' }, { type: 'dense', units: -3 }] });
    expect(issues[0]!.path).toBe('encoder[1].units');
  });

  it('rejects unknown layer kinds and unknown fields', () => {
    expect(issuesOf({ ...base, encoder: [{ type: 'attention' }] })[0]!.path).toBe('encoder[0].type');
    expect(issuesOf({ ...base, colour: 'red' })[0]!.message).toMatch(/colour/);
  });

  it('says at which layer the shape stops coming back to the input', () => {
    const issues = issuesOf({ ...base, decoder: [{ type: 'dense', units: 700, activation: 'sigmoid' }] });
    expect(issues[0]!.path).toBe('decoder[0]');
    expect(issues[0]!.message).toContain('[700]');
    expect(issues[0]!.message).toContain('[28, 28, 1]');
  });

  it('reports a layer that cannot take its input', () => {
    const issues = issuesOf({
      ...base,
      encoder: [{ type: 'flatten' }, { type: 'conv2d', filters: 4, kernelSize: 3 }],
    });
    expect(issues[0]).toMatchObject({ path: 'encoder[1]' });
    expect(issues[0]!.message).toMatch(/height, width, channels/);
  });

  it('requires a sigmoid code for KL sparsity and a sigmoid output for bce', () => {
    expect(issuesOf({ ...base, regularizers: [{ type: 'klSparsity', rho: 0.05, weight: 1 }] })[0]!.path).toBe(
      'regularizers[0]',
    );
    const linearOut = {
      ...base,
      decoder: [
        { type: 'dense', units: 784 },
        { type: 'reshape', targetShape: [28, 28, 1] },
      ],
    };
    expect(issuesOf(linearOut)[0]!.path).toBe('loss.reconstruction');
  });
});

describe('shapes and parameters', () => {
  it('follows conv, pooling, upsampling and transposed convolutions', () => {
    const spec = validateSpec({
      name: 'c',
      inputShape: [28, 28, 1],
      outputShape: [25, 25, 1],
      encoder: [
        { type: 'conv2d', filters: 16, kernelSize: 3, activation: 'relu' },
        { type: 'maxPool2d', poolSize: 2, padding: 'same' },
        { type: 'conv2d', filters: 8, kernelSize: 3, strides: 2, padding: 'valid' },
      ],
      decoder: [
        { type: 'conv2dTranspose', filters: 8, kernelSize: 3, strides: 2, padding: 'valid' },
        { type: 'upSampling2d', size: 2 },
        { type: 'conv2d', filters: 1, kernelSize: [2, 2], padding: 'valid', activation: 'sigmoid' },
      ],
      loss: { reconstruction: 'bce' },
    });
    const s = inferShapes(spec);
    expect(s.encoder).toEqual([
      [28, 28, 1],
      [28, 28, 16],
      [14, 14, 16],
      [6, 6, 8],
    ]);
    expect(s.decoder).toEqual([
      [6, 6, 8],
      [13, 13, 8],
      [26, 26, 8],
      [25, 25, 1],
    ]);
  });

  it('names parameters stably in Keras layout, including VAE heads and LSTM', () => {
    const vae = validateSpec({
      ...base,
      latent: { type: 'gaussian', dim: 2, beta: 4 },
      encoder: [{ type: 'flatten' }, { type: 'dense', units: 64, activation: 'relu' }],
      decoder: [
        { type: 'dense', units: 784, activation: 'sigmoid' },
        { type: 'reshape', targetShape: [28, 28, 1] },
      ],
    });
    expect(paramInfos(vae).map((p) => `${p.name}:${p.shape.join('x')}`)).toEqual([
      'encoder.1.kernel:784x64',
      'encoder.1.bias:64',
      'latent.mean.kernel:64x2',
      'latent.mean.bias:2',
      'latent.logVar.kernel:64x2',
      'latent.logVar.bias:2',
      'decoder.0.kernel:2x784',
      'decoder.0.bias:784',
    ]);
    const lstm = validateSpec({
      name: 'seq',
      inputShape: [16, 1],
      encoder: [{ type: 'lstm', units: 8 }],
      decoder: [
        { type: 'repeatVector', n: 16 },
        { type: 'lstm', units: 8, returnSequences: true },
        { type: 'dense', units: 1 },
      ],
      loss: { reconstruction: 'mse' },
    });
    expect(paramInfos(lstm).map((p) => `${p.name}:${p.shape.join('x')}`)).toEqual([
      'encoder.0.kernel:1x32',
      'encoder.0.recurrentKernel:8x32',
      'encoder.0.bias:32',
      'decoder.1.kernel:8x32',
      'decoder.1.recurrentKernel:8x32',
      'decoder.1.bias:32',
      'decoder.2.kernel:8x1',
      'decoder.2.bias:1',
    ]);
  });
});
