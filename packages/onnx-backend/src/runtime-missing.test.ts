import { denseAutoencoder } from '@aekit/models';
import { describe, expect, it, vi } from 'vitest';
import { createSession, exportOnnx } from './index.js';
import { randomWeights } from './test-utils/random.js';

vi.mock('onnxruntime-node', () => {
  throw new Error("Cannot find package 'onnxruntime-node'");
});
vi.mock('onnxruntime-web', () => {
  throw new Error("Cannot find package 'onnxruntime-web'");
});

const spec = denseAutoencoder({ latentDim: 4 });
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
