import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelSpec } from '@aekit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { AnomalyDetector } from '../anomaly/detector.js';
import { loadDetectorFile, saveDetector } from './detector-file-io.js';

describe('saveDetector / loadDetectorFile', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'aekit-detector-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const model = {
    spec: { inputShape: [2] } as unknown as ModelSpec,
    encode: async (x: Float32Array) => x,
    decode: async (z: Float32Array) => z,
    reconstruct: async (x: Float32Array) => x.map((v) => v * 0.9),
  };
  const x = Float32Array.from({ length: 200 }, (_, i) => Math.sin(i));

  it('writes the file atomically (nothing else left in the folder) and reads it back', async () => {
    const d = new AnomalyDetector(model, { threshold: { fpr: 0.1 } });
    await d.fit(x);
    await d.calibrate(x);
    const path = join(dir, 'det.json');
    await saveDetector(path, d, { checkpoint: 'run' });
    expect(await readdir(dir)).toEqual(['det.json']);
    const back = AnomalyDetector.restore(model, await loadDetectorFile(path));
    expect((await back.score(x)).scores).toEqual((await d.score(x)).scores);
  });

  it('a broken file names its path and the field', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, JSON.stringify({ format: 'aekit-detector', version: 1, score: 'l7' }));
    await expect(loadDetectorFile(path)).rejects.toThrow(/broken.json: detector file: score is "l7"/);
    await expect(loadDetectorFile(join(dir, 'none.json'))).rejects.toMatchObject({ code: 'DATA_NOT_FOUND' });
  });
});
