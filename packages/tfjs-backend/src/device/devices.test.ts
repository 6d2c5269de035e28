import {
  AekitError,
  BackendUnavailableError,
  installCommand,
  OptionError,
  parseDevice,
  setLogger,
  trainingBackends,
} from '@aekit/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTfjsBackend, TFJS_BACKEND_NAME, tfjsBackend } from '../index.js';
import { tinySpec } from '../test-utils/data.js';
import { autoOrder, selectDevice, TFJS_DEVICES } from './devices.js';
import { probeWebGpuAdapter } from './webgpu-adapter.js';

/** What `gpu` and `auto` say of webgpu here: its adapter is a software one, or there is none. */
async function webgpuHere(): Promise<RegExp> {
  const probed = await probeWebGpuAdapter().catch(() => undefined);
  if (probed === undefined)
    return /\[webgpu\] no WebGPU adapter here \(requestAdapter\(\) found none\): install/;
  if (probed.info.software)
    return /\[webgpu\] the WebGPU adapter is a software one \(.+, software adapter\), slower than the CPU devices: used only when asked for by name \(device "webgpu"\)/;
  return /\[webgpu\] available/;
}

const logged: string[] = [];
beforeAll(() => {
  setLogger({ info: (m) => void logged.push(m), warn() {} });
});
afterEach(() => {
  delete process.env.AEKIT_DEVICE;
});

describe('devices', () => {
  it('maps core device words to tfjs flavours; auto tries cuda > webgpu > cpu > wasm > js', () => {
    expect(Object.keys(TFJS_DEVICES)).toEqual(['cuda', 'webgpu', 'cpu', 'wasm', 'js']);
    expect(Object.isFrozen(TFJS_DEVICES)).toBe(true);
    expect(autoOrder()).toEqual(['cuda', 'webgpu', 'cpu', 'wasm', 'js']);
  });

  it("'gpu' fails here with BackendUnavailableError listing each device and why", async () => {
    const error = await createTfjsBackend({ device: 'gpu' })
      .init()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(AekitError.isInstance(error) && error.code).toBe('BACKEND_UNAVAILABLE');
    const message = (error as Error).message;
    expect(message).toContain(
      `[cuda] @tensorflow/tfjs-node-gpu is not installed: ${installCommand('@tensorflow/tfjs-node-gpu')}`,
    );
    expect(message).toMatch(await webgpuHere());
    expect(message).toContain(
      `[cpu] @tensorflow/tfjs-node is not installed: ${installCommand('@tensorflow/tfjs-node')}`,
    );
    expect(message).toContain('[wasm] available');
    expect(message).toContain('[js] available');
  });

  it("'wasm' and 'js' train a model; describe() says which and why", async () => {
    for (const device of ['wasm', 'js'] as const) {
      const backend = createTfjsBackend({ device });
      const model = await backend.createModel(tinySpec());
      // wasm also says what it computes with (wasm-threads.test.ts checks the count).
      expect(backend.describe()).toMatch(
        device === 'js' ? /^js \(requested\)$/ : /^wasm \(\d+ threads?, SIMD; requested\)$/,
      );
      expect(model.tf.getBackend()).toBe(device === 'js' ? 'cpu' : 'wasm');
      const x = new Float32Array([0, 1, 0, 1, 1, 0, 1, 0, 0.5, 0.5, 0.5, 0.5]);
      const { history } = await model.fit({ x }, { epochs: 30, batchSize: 3, learningRate: 0.05 });
      expect(history.at(-1)!.loss).toBeLessThan(0.5 * history[0]!.loss);
      model.dispose();
    }
    expect(logged).toContain('tfjs device: js (requested)');
  });

  it("'auto' skips the native devices here and says why", async () => {
    const picked = await selectDevice('auto');
    expect(picked.device).toBe('wasm');
    expect(picked.reason).toMatch(
      /^auto; skipped \[cuda\] .*not installed.*; \[webgpu\] .*; \[cpu\] .*not installed/,
    );
    expect(picked.reason).toMatch(await webgpuHere());
  });

  it('AEKIT_DEVICE picks the device when the option is absent; an unknown name says what is valid', async () => {
    process.env.AEKIT_DEVICE = 'js';
    const backend = createTfjsBackend();
    await backend.init();
    expect(backend.describe()).toBe('js (AEKIT_DEVICE=js)');
    process.env.AEKIT_DEVICE = 'tpu';
    await expect(createTfjsBackend().init()).rejects.toThrow(
      'Unknown device in AEKIT_DEVICE "tpu". Should be one of: auto, gpu, cuda, webgpu, cpu, wasm, js',
    );
    expect(() => parseDevice('tpu')).toThrow(OptionError);
    await expect(createTfjsBackend({ device: 'tpu' as never }).init()).rejects.toThrow(
      /Should be one of: auto, gpu, cuda, webgpu, cpu, wasm, js/,
    );
    // 'cuda' is a word of the vocabulary: here it is unavailable, with the reason and the others' state.
    await expect(createTfjsBackend({ device: 'cuda' }).init()).rejects.toThrow(
      /tfjs device "cuda" is not available here:\n {2}\[cuda\] @tensorflow\/tfjs-node-gpu is not installed/,
    );
  });

  it("importing the package registers 'tfjs' in core's trainingBackends", async () => {
    expect(trainingBackends.has(TFJS_BACKEND_NAME)).toBe(true);
    const resolved = await trainingBackends.resolve([TFJS_BACKEND_NAME]);
    expect(resolved.backend).toBe(tfjsBackend);
    expect(tfjsBackend.describe()).toMatch(/^wasm \(\d+ threads?, SIMD; auto; skipped/);
  });
});
