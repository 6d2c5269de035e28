import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paramInfos } from '../spec/params.js';
import { validateSpec } from '../spec/validate.js';
import { shapeSize } from '../tensor.js';
import { packWeights } from '../weights.js';
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

  it('refuses a changed or truncated weights file, naming it, and a wrong-shaped weight', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'aekit-ckpt-')), 'run');
    await saveCheckpoint(dir, { spec, weights, training: { step: 0, epoch: 0 } });
    const file = await weightsFile(dir);
    const blob = await readFile(join(dir, file));
    await writeFile(join(dir, file), blob.subarray(0, blob.length - 8));
    await expect(loadCheckpoint(dir)).rejects.toThrow(
      new RegExp(
        `${file} does not match checkpoint.json \\(${blob.length - 8} bytes, expected ${blob.length}`,
      ),
    );
    const flipped = Buffer.from(blob);
    flipped[5] = flipped[5]! ^ 1;
    await writeFile(join(dir, file), flipped);
    await expect(loadCheckpoint(dir)).rejects.toThrow(/does not match checkpoint.json.*damaged/);
    await rm(join(dir, file));
    await expect(loadCheckpoint(dir)).rejects.toThrow(new RegExp(`${file} is missing`));
    const bad = weights.map((w) => (w.name === 'encoder.0.kernel' ? { ...w, shape: [2, 4] } : w));
    await expect(
      saveCheckpoint(dir, { spec, weights: bad, training: { step: 0, epoch: 0 } }),
    ).rejects.toThrow(/"encoder.0.kernel" has shape \[2, 4\].*expected \[4, 2\]/);
    await expect(loadCheckpoint(join(dir, 'nope'))).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID' });
  });

  it('writes each file atomically, the manifest last, and keeps one set of files', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'aekit-ckpt-')), 'run');
    for (let epoch = 1; epoch <= 3; epoch++) {
      const changed = weights.map((w) => ({ ...w, data: w.data.map((v) => v + epoch) }));
      await saveCheckpoint(dir, {
        spec,
        weights: changed,
        training: { step: epoch, epoch, optimizer: changed },
      });
    }
    // A leftover of an interrupted write is removed by the next save; unrelated files stay.
    await writeFile(join(dir, '.checkpoint.json.123-abcdef01.tmp'), 'half');
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await saveCheckpoint(dir, { spec, weights, training: { step: 4, epoch: 4 } });
    const names = (await readdir(dir)).sort();
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(names.filter((n) => /^(weights|optimizer|best)-/.test(n))).toEqual([await weightsFile(dir)]);
    expect(names).toContain('notes.txt');
    expect((await loadCheckpoint(dir)).training.epoch).toBe(4);
  });

  it('never stores non-finite weights or optimizer slots: nothing is written', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'aekit-ckpt-')), 'run');
    const nan = weights.map((w, k) => (k === 1 ? { ...w, data: Float32Array.of(1, Number.NaN) } : w));
    await expect(
      saveCheckpoint(dir, { spec, weights: nan, training: { step: 0, epoch: 0 } }),
    ).rejects.toThrow(/the weights hold 1 non-finite value \(first: encoder.0.bias\[1\] = NaN\)/);
    const inf = [{ ...weights[0]!, data: weights[0]!.data.map(() => Number.POSITIVE_INFINITY) }];
    await expect(
      saveCheckpoint(dir, { spec, weights, training: { step: 0, epoch: 0, optimizer: inf } }),
    ).rejects.toThrow(/optimizer's slots hold 8 non-finite values/);
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
  });

  it('a damaged optimizer file blocks resuming, not inference, and is named', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'aekit-ckpt-')), 'run');
    await saveCheckpoint(dir, { spec, weights, training: { step: 1, epoch: 1, optimizer: weights } });
    const file = (await readdir(dir)).find((n) => n.startsWith('optimizer-'))!;
    await writeFile(join(dir, file), 'garbage');
    await expect(loadCheckpoint(dir)).rejects.toThrow(new RegExp(`${file} does not match`));
    const inference = await loadCheckpoint(dir, { optimizer: false });
    expect(inference.training.optimizer).toBeUndefined();
    expect(inference.weights.length).toBe(weights.length);
  });

  it('reads version 1 checkpoints and rejects extra bytes or overlapping tensors in them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aekit-ckpt-v1-'));
    const { manifest, data } = packWeights(weights);
    const v1 = {
      format: 'aekit-checkpoint',
      version: 1,
      createdAt: '2026-01-01T00:00:00.000Z',
      spec,
      weights: manifest,
      training: { step: 2, epoch: 1 },
    };
    await writeFile(join(dir, 'checkpoint.json'), JSON.stringify(v1));
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(data.buffer));
    expect((await loadCheckpoint(dir)).weights.map((w) => [...w.data])).toEqual(
      weights.map((w) => [...w.data]),
    );
    await writeFile(join(dir, 'weights.bin'), new Uint8Array([...new Uint8Array(data.buffer), 0, 0, 0, 0]));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/holds 23 values but checkpoint.json lists 22/);
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(data.buffer));
    const overlapping = { ...v1, weights: manifest.map((e, k) => (k === 1 ? { ...e, offset: 0 } : e)) };
    await writeFile(join(dir, 'checkpoint.json'), JSON.stringify(overlapping));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/"encoder.0.bias" starts at value 0, expected 8/);
  });
});

async function weightsFile(dir: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(dir, 'checkpoint.json'), 'utf8'));
  return manifest.files.weights.path;
}
