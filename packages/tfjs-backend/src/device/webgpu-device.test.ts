import { setLogger } from '@aekit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTfjsBackend } from '../index.js';
import { tinySpec } from '../test-utils/data.js';
import { webgpuSkipReason } from '../test-utils/webgpu.js';
import { selectDevice } from './devices.js';

const logged: string[] = [];
beforeAll(() => {
  setLogger({ info: (m) => void logged.push(m), warn() {} });
});

const skip = await webgpuSkipReason();

describe.skipIf(skip !== undefined)(`the webgpu device${skip ? ` (${skip})` : ''}`, () => {
  it('trains a model on the adapter its device line names', async () => {
    const backend = createTfjsBackend({ device: 'webgpu' });
    const model = await backend.createModel(tinySpec());
    expect(model.tf.getBackend()).toBe('webgpu');
    const adapter = backend.loaded!.adapter!;
    expect(adapter.vendor.length + adapter.architecture.length).toBeGreaterThan(0);
    const kind = adapter.software ? 'software' : 'hardware';
    expect(backend.describe()).toBe(
      `webgpu (${[adapter.vendor, adapter.architecture].filter(Boolean).join(' ')}, ${kind} adapter; requested)`,
    );
    expect(logged).toContain(`tfjs device: ${backend.describe()}`);
    if (process.env.VK_ICD_FILENAMES?.includes('swiftshader')) {
      expect(adapter).toMatchObject({ vendor: 'google', architecture: 'swiftshader', software: true });
    }
    const x = new Float32Array([0, 1, 0, 1, 1, 0, 1, 0, 0.5, 0.5, 0.5, 0.5]);
    const { history } = await model.fit({ x }, { epochs: 30, batchSize: 3, learningRate: 0.05 });
    expect(history.at(-1)!.loss).toBeLessThan(0.5 * history[0]!.loss);
    // Weights read synchronously (core's getWeights) after training on the GPU.
    const weights = model.getWeights();
    expect(weights.map((w) => w.name)).toEqual([
      'encoder.0.kernel',
      'encoder.0.bias',
      'decoder.0.kernel',
      'decoder.0.bias',
    ]);
    expect(weights.every((w) => w.data.every(Number.isFinite))).toBe(true);
    model.dispose();
  });

  it('auto and gpu pass over a software adapter and say why; by name it is used', async () => {
    const named = await selectDevice('webgpu');
    const picked = await selectDevice('auto');
    if (named.adapter!.software) {
      expect(picked.device).toBe('wasm');
      expect(picked.reason).toContain(
        `[webgpu] the WebGPU adapter is a software one (${[named.adapter!.vendor, named.adapter!.architecture].filter(Boolean).join(' ')}, software adapter), slower than the CPU devices: used only when asked for by name (device "webgpu")`,
      );
      await expect(selectDevice('gpu')).rejects.toThrow(/\[webgpu\] the WebGPU adapter is a software one/);
    } else {
      expect(picked.device).toBe('webgpu');
    }
  });
});
