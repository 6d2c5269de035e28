import { createRng, setLogger, validateSpec } from '@aekit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTfjsBackend } from './tfjs-backend.js';
import { INFERENCE_BATCH } from './tfjs-model.js';

const spec = validateSpec({
  name: 'batches',
  inputShape: [6, 6, 1],
  encoder: [{ type: 'flatten' }, { type: 'dense', units: 5, activation: 'relu' }],
  decoder: [
    { type: 'dense', units: 36, activation: 'sigmoid' },
    { type: 'reshape', targetShape: [6, 6, 1] },
  ],
  loss: { reconstruction: 'bce' },
});
// Two full batches and a tail.
const n = 2 * INFERENCE_BATCH + 37;
const rng = createRng(2);
const x = Float32Array.from({ length: n * 36 }, () => rng.next());

beforeAll(() => setLogger({ info() {}, warn() {} }));

describe.each(['wasm', 'js'] as const)('%s: inputs longer than one inference batch', (device) => {
  it('come back as the batches one call each would (reconstruct and encode), in order', async () => {
    const backend = createTfjsBackend({ device });
    await backend.init();
    const model = await backend.createModel(spec, { seed: 1 });
    for (const [f, per] of [
      [(v: Float32Array) => model.reconstruct(v), 36],
      [(v: Float32Array) => model.encode(v), 5],
    ] as const) {
      const whole = await f(x);
      expect(whole.length).toBe(n * per);
      const parts: number[] = [];
      for (let start = 0; start < n; start += INFERENCE_BATCH) {
        const end = Math.min(n, start + INFERENCE_BATCH);
        parts.push(...(await f(x.subarray(start * 36, end * 36))));
      }
      expect(Array.from(whole)).toEqual(parts);
      // Not all equal: a copy that misplaced or skipped a batch would show.
      expect(new Set(whole).size).toBeGreaterThan(n);
    }
    expect((await model.reconstruct(new Float32Array(0))).length).toBe(0);
    model.dispose();
  });
});
