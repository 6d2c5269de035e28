import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, setLogger, validateSpec } from '@aekit/core';
import { loadTrainableModel, saveTrainableModel } from '@aekit/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../test-utils/data.js';
import { createTfjsBackend } from '../tfjs-backend.js';

const backend = createTfjsBackend({ device: 'wasm' });
let dir: string;
const spec = validateSpec({
  name: 'ckpt',
  inputShape: [6, 6, 1],
  encoder: [
    { type: 'conv2d', filters: 3, kernelSize: 3, activation: 'relu' },
    { type: 'batchNorm' },
    { type: 'flatten' },
    { type: 'dense', units: 4, activation: 'tanh' },
  ],
  decoder: [
    { type: 'dense', units: 36, activation: 'sigmoid' },
    { type: 'reshape', targetShape: [6, 6, 1] },
  ],
  loss: { reconstruction: 'bce' },
});
const rng = createRng(4);
const x = Float32Array.from({ length: 40 * 36 }, () => rng.next());

beforeAll(async () => {
  setLogger({ info() {}, warn() {} });
  dir = await mkdtemp(join(tmpdir(), 'aekit-tfjs-ckpt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkpoints', () => {
  it('save -> load gives identical predictions and restores step, epoch and Adam state', async () => {
    const model = await backend.createModel(spec, { seed: 1 });
    await model.fit({ x }, { epochs: 2, batchSize: 8, seed: 1 });
    await saveTrainableModel(join(dir, 'a'), model, { dataset: 'random' });
    const manifest = JSON.parse(await readFile(join(dir, 'a', 'checkpoint.json'), 'utf8'));
    expect(manifest.backend).toBe('tfjs');
    expect(manifest.meta).toEqual({ dataset: 'random' });
    expect(manifest.training.optimizer.map((e: { name: string }) => e.name)).toContain('encoder.0.kernel/m');
    const loaded = await loadTrainableModel(join(dir, 'a'), backend);
    expect(maxAbsDiff(await loaded.reconstruct(x), await model.reconstruct(x))).toBe(0);
    expect(maxAbsDiff(await loaded.encode(x), await model.encode(x))).toBe(0);
    const state = loaded.getTrainingState();
    expect(state.step).toBe(10);
    expect(state.epoch).toBe(2);
    const original = model.getTrainingState();
    for (const slot of original.optimizer!) {
      const other = state.optimizer!.find((s) => s.name === slot.name)!;
      expect(maxAbsDiff(other.data, slot.data)).toBe(0);
    }
    model.dispose();
    loaded.dispose();
  });

  it('resuming from a checkpoint continues exactly like an uninterrupted run', async () => {
    const straight = await backend.createModel(spec, { seed: 2 });
    const full = await straight.fit({ x }, { epochs: 3, batchSize: 8, seed: 5 });

    const first = await backend.createModel(spec, { seed: 2 });
    await first.fit({ x }, { epochs: 1, batchSize: 8, seed: 5 });
    await saveTrainableModel(join(dir, 'b'), first);
    first.dispose();
    const resumed = await loadTrainableModel(join(dir, 'b'), backend);
    const rest = await resumed.fit({ x }, { epochs: 2, batchSize: 8, seed: 5 });

    expect(rest.step).toBe(full.step);
    expect(rest.history.map((h) => h.epoch)).toEqual([2, 3]);
    expect(rest.history.at(-1)!.loss).toBeCloseTo(full.history.at(-1)!.loss, 5);
    const a = straight.getWeights();
    const b = resumed.getWeights();
    const diff = Math.max(...a.map((w, i) => maxAbsDiff(w.data, b[i]!.data)));
    console.log(`resume vs uninterrupted: max |weight diff| = ${diff}`);
    expect(diff).toBeLessThan(1e-5);
    straight.dispose();
    resumed.dispose();
  });

  it('a checkpoint without optimizer state loads with a fresh optimizer', async () => {
    const model = await backend.createModel(spec, { seed: 3 });
    await saveTrainableModel(join(dir, 'c'), model);
    const loaded = await loadTrainableModel(join(dir, 'c'), backend);
    expect(loaded.getTrainingState()).toEqual({ step: 0, epoch: 0 });
    const result = await loaded.fit({ x }, { epochs: 1, batchSize: 20 });
    expect(result.step).toBe(2);
    model.dispose();
    loaded.dispose();
  });
});
