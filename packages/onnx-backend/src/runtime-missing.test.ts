import { validateSpec } from '@aekit/core';
import { describe, expect, it, vi } from 'vitest';
import { createSession, exportOnnx } from './index.js';
import { randomWeights } from './testing/random.js';

vi.mock('onnxruntime-node', () => {
  throw new Error("Cannot find package 'onnxruntime-node'");
});
vi.mock('onnxruntime-web', () => {
  throw new Error("Cannot find package 'onnxruntime-web'");
});

// The zoo's denseAutoencoder({ latentDim: 4 }) written out (the same spec, field for field).
const spec = validateSpec({
  name: 'dense',
  inputShape: [28, 28, 1],
  encoder: [{ type: 'flatten' }, { type: 'dense', units: 4, activation: 'relu' }],
  decoder: [
    { type: 'dense', units: 784, activation: 'sigmoid' },
    { type: 'reshape', targetShape: [28, 28, 1] },
  ],
  loss: { reconstruction: 'bce' },
});
const model = exportOnnx(spec, randomWeights(spec));

describe('missing ONNX Runtime packages', () => {
  it.each([
    ['cpu', 'onnxruntime-node'],
    ['wasm', 'onnxruntime-web'],
  ] as const)('device %s without %s says what to install and keeps the cause', async (device, pkg) => {
    const error = await createSession(model, { device }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DEPENDENCY_MISSING', name: 'MissingDependencyError' });
    expect((error as Error).message).toContain(`pnpm add ${pkg}`);
    // The original import failure is kept (vitest wraps a throwing mock factory in one more error).
    const causes: string[] = [];
    for (let c: unknown = (error as Error).cause; c instanceof Error; c = c.cause) causes.push(c.message);
    expect(causes.join(' | ')).toContain(`Cannot find package '${pkg}'`);
  });
});
