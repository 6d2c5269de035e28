// Training on the webgpu device (tfjs-backend-webgpu; in CI on SwiftShader, a software Vulkan driver): every
// kernel a zoo model's training step runs there is checked against the tfjs CPU kernel, every zoo model trains
// with the wasm device's losses step by step, and its checkpoint exports to ONNX with parity.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, type ModelSpec, shapeSize } from '@aekit/core';
import { loadTrainableModel, saveTrainableModel } from '@aekit/core/node';
import { createSession, exportOnnx, modelParity } from '@aekit/onnx-backend';
import { createTfjsBackend, type TfjsModel } from '@aekit/tfjs-backend';
import { registerTrainingKernels } from '@aekit/tfjs-backend/kernels';
import { afterAll, describe, expect, it } from 'vitest';
import './helpers.js';
import { type KernelCall, recordKernels, relativeDiff, replay } from './kernel-recorder.js';
import { tinyZoo, webgpuTrainingSkip } from './webgpu-zoo.js';

const skip = await webgpuTrainingSkip();
const webgpu = createTfjsBackend({ device: 'webgpu' });
const wasm = createTfjsBackend({ device: 'wasm' });
const BATCH = 4;
const STEPS = 20;

/** Smooth values in [0, 1] (seeded), `count` samples of `shape`. */
function samples(count: number, shape: readonly number[], seed: number): Float32Array {
  const rng = createRng(seed);
  const per = shapeSize(shape);
  const out = new Float32Array(count * per);
  for (let n = 0; n < count; n++) {
    const [a, b, c] = [rng.next() * 6, rng.next() * 0.9 + 0.1, rng.next() * 0.5];
    for (let i = 0; i < per; i++)
      out[n * per + i] = Math.min(1, Math.max(0, 0.5 + 0.5 * Math.sin(a + i * b) - c * rng.next()));
  }
  return out;
}

function data(spec: ModelSpec, count: number) {
  const x = samples(count, spec.inputShape, 1);
  const y = spec.outputShape ? samples(count, spec.outputShape, 2) : undefined;
  return y ? { x, y } : { x };
}

/** The loss of each optimiser step (from the running means onBatchEnd reports), 1 epoch of STEPS batches. */
async function stepLosses(model: TfjsModel, spec: ModelSpec): Promise<number[]> {
  const means: number[] = [];
  await model.fit(data(spec, BATCH * STEPS), {
    epochs: 1,
    batchSize: BATCH,
    learningRate: 1e-3,
    seed: 3,
    callbacks: { onBatchEnd: (b) => void means.push(b.loss) },
  });
  return means.map((m, k) => (k === 0 ? m : (k + 1) * m - k * means[k - 1]!));
}

const work = mkdtempSync(join(tmpdir(), 'aekit-webgpu-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(skip !== undefined)(`webgpu training${skip ? ` (${skip})` : ''}`, () => {
  it('runs on the adapter it names in its device line', async () => {
    await webgpu.init();
    expect(webgpu.describe()).toMatch(/^webgpu \(.+, (software|hardware) adapter; requested\)$/);
    if (process.env.VK_ICD_FILENAMES?.includes('swiftshader')) {
      expect(webgpu.loaded?.adapter).toMatchObject({ architecture: 'swiftshader', software: true });
    }
  });

  it('every kernel of a training step of each zoo model matches the tfjs CPU kernel (relative 1e-4)', async () => {
    await webgpu.init();
    const tf = webgpu.tf();
    // The reference: tfjs' CPU kernels, with aekit's in place of the stock ResizeNearestNeighborGrad, wrong for
    // batches of more than one (the others aekit replaces there match the stock ones: cpu-kernels.test.ts).
    await import('@tensorflow/tfjs-backend-cpu');
    registerTrainingKernels('cpu');
    const worst = new Map<string, { calls: number; diff: number; models: Set<string> }>();
    for (const [label, spec] of tinyZoo()) {
      const model = await webgpu.createModel(spec, { seed: 1 });
      const recorder = recordKernels(tf, 'webgpu');
      let calls: KernelCall[];
      try {
        await model.fit(data(spec, 4), { epochs: 1, batchSize: 4, learningRate: 1e-3, seed: 3 });
      } finally {
        calls = await recorder.finish();
      }
      model.dispose();
      await tf.setBackend('cpu');
      for (const call of calls) {
        const expected = await replay(tf, call);
        const diff = Math.max(...call.outputs.map((o, i) => relativeDiff(o.values, expected[i]!)));
        const entry = worst.get(call.kernelName) ?? { calls: 0, diff: 0, models: new Set<string>() };
        entry.calls++;
        entry.diff = Math.max(entry.diff, diff);
        entry.models.add(label);
        worst.set(call.kernelName, entry);
      }
      await tf.setBackend('webgpu');
    }
    const table = [...worst.entries()]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([name, e]) => `| ${name} | ${e.calls} | ${e.diff.toExponential(1)} | ${e.models.size} |`);
    console.log(
      ['| kernel | calls | max relative diff | models |', '|---|---:|---:|---:|', ...table].join('\n'),
    );
    expect(worst.has('ResizeNearestNeighborGrad')).toBe(true);
    expect(worst.has('Conv2DBackpropFilter')).toBe(true);
    for (const [name, e] of worst) expect(e.diff, name).toBeLessThanOrEqual(1e-4);
  });

  it.each(tinyZoo())(
    '%s: 20 steps with the losses of the wasm device (relative 1e-3 at every step); its checkpoint exports with parity',
    async (label, spec) => {
      const onWasm = await wasm.createModel(spec, { seed: 5 });
      const expected = await stepLosses(onWasm, spec);
      onWasm.dispose();
      const model = await webgpu.createModel(spec, { seed: 5 });
      const actual = await stepLosses(model, spec);
      expect(actual).toHaveLength(STEPS);
      const relative = actual.map((l, k) => Math.abs(l - expected[k]!) / Math.abs(expected[k]!));
      expect(
        Math.max(...relative),
        `${label}: ${actual.join(', ')} vs ${expected.join(', ')}`,
      ).toBeLessThanOrEqual(1e-3);
      // The checkpoint (written from the webgpu model) loads back on webgpu and exports with parity.
      const dir = join(work, label.replace(/\W/g, '-'));
      await saveTrainableModel(dir, model);
      model.dispose();
      const loaded = (await loadTrainableModel(dir, webgpu)) as TfjsModel;
      const x = samples(3, spec.inputShape, 9);
      for (const part of ['full', 'encoder', 'decoder'] as const) {
        const session = await createSession(exportOnnx(spec, loaded.getWeights(), { part }), {
          device: 'cpu',
        });
        const input = part === 'decoder' ? await loaded.encode(x) : x;
        const parity = await modelParity(loaded, session, input);
        await session.dispose();
        expect(parity.maxAbsDiff, `${label} ${part}`).toBeLessThanOrEqual(1e-4);
      }
      loaded.dispose();
    },
  );
});
