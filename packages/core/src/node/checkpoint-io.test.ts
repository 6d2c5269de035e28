import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paramInfos } from '../spec/params.js';
import { validateSpec } from '../spec/validate.js';
import { shapeSize } from '../tensor.js';
import { appendMetrics, loadCheckpoint, readMetrics, saveCheckpoint } from './checkpoint-io.js';

const spec = validateSpec({
  name: 'tiny',
  inputShape: [4],
  encoder: [{ type: 'dense', units: 2, activation: 'relu' }],
  decoder: [{ type: 'dense', units: 4, activation: 'sigmoid' }],
  loss: { reconstruction: 'bce' },
});
const weights = paramInfos(spec).map((p, k) => ({
  name: p.name,
  shape: p.shape,
  data: Float32Array.from({ length: shapeSize(p.shape) }, (_, i) => k + i / 10),
}));

describe('checkpoints', () => {
  it('round-trips spec, weights and training state exactly, keeping other files in the directory', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'aekit-ckpt-')), 'run');
    await saveCheckpoint(dir, { spec, weights, training: { step: 3, epoch: 1, optimizer: [weights[0]!] } });
    await appendMetrics(dir, { epoch: 1, loss: 0.5, terms: {}, seconds: 1, samplesPerSecond: 10 });
    await saveCheckpoint(dir, { spec, weights, training: { step: 7, epoch: 2 } });
    const back = await loadCheckpoint(dir);
    expect(back.spec).toEqual(spec);
    expect(back.training.step).toBe(7);
    expect(back.weights.map((w) => [w.name, [...w.data]])).toEqual(weights.map((w) => [w.name, [...w.data]]));
    expect((await readMetrics(dir)).map((m) => m.loss)).toEqual([0.5]);
    expect(
      (await readdir(join(dir, '..'))).filter((n) => n.includes('.tmp-') || n.includes('.old-')),
    ).toEqual([]);
  });

  it('refuses a truncated weights file and a wrong-shaped weight with the name and sizes', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'aekit-ckpt-')), 'run');
    await saveCheckpoint(dir, { spec, weights, training: { step: 0, epoch: 0 } });
    const blob = await readFile(join(dir, 'weights.bin'));
    await writeFile(join(dir, 'weights.bin'), blob.subarray(0, blob.length - 8));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/truncated: "decoder.0.bias"/);
    const bad = weights.map((w) => (w.name === 'encoder.0.kernel' ? { ...w, shape: [2, 4] } : w));
    await expect(
      saveCheckpoint(dir, { spec, weights: bad, training: { step: 0, epoch: 0 } }),
    ).rejects.toThrow(/"encoder.0.kernel" has shape \[2, 4\].*expected \[4, 2\]/);
    await expect(loadCheckpoint(join(dir, 'nope'))).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID' });
  });
});
