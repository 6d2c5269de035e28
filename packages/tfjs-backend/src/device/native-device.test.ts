import { setLogger } from '@aekit/core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { tinySpec } from '../test-utils/data.js';
import { createTfjsBackend } from '../tfjs-backend.js';

// tfjs-node cannot be installed here: stand in for it with a namespace that registers a "tensorflow" backend
// (tfjs' JS CPU backend under that name), to cover the native loading path.
vi.mock('@tensorflow/tfjs-node', async () => {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  const cpu = await import('@tensorflow/tfjs-backend-cpu');
  if (!tf.findBackendFactory('tensorflow')) {
    tf.registerBackend('tensorflow', () => new cpu.MathBackendCPU(), 1);
    for (const kernel of tf.getKernelsForBackend('cpu'))
      tf.registerKernel({ ...kernel, backendName: 'tensorflow' });
  }
  return { ...tf };
});

beforeAll(() => {
  setLogger({ info() {}, warn() {} });
});

describe('native device (tfjs-node stand-in)', () => {
  it("'auto' picks cpu (tfjs-node) over wasm when it loads, and trains on its tfjs namespace", async () => {
    const backend = createTfjsBackend();
    await backend.init();
    expect(backend.loaded?.device).toBe('cpu');
    expect(backend.loaded?.backendName).toBe('tensorflow');
    expect(backend.describe()).toMatch(
      /^cpu \(auto; skipped \[cuda\] @tensorflow\/tfjs-node-gpu is not installed/,
    );
    const model = await backend.createModel(tinySpec('tanh'));
    const x = new Float32Array([0, 1, 0, 1, 1, 0, 1, 0, 0.5, 0.5, 0.5, 0.5]);
    const { history } = await model.fit({ x }, { epochs: 30, batchSize: 3, learningRate: 0.05 });
    expect(model.tf.getBackend()).toBe('tensorflow');
    expect(history.at(-1)!.loss).toBeLessThan(0.5 * history[0]!.loss);
    model.dispose();
  });
});
