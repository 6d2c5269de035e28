// ONNX inference on onnxruntime-node's WebGPU provider (in CI on SwiftShader): every zoo model's exports give
// the CPU provider's outputs within 1e-4 (small sizes here; `pnpm --filter @aekit/tools bench:webgpu -- --onnx`
// checks the zoo's own sizes, which agreed within 1e-4 too).
import { type ModelSpec, setLogger } from '@aekit/core';
import { createSession, EXPORT_PARTS, exportOnnx, type OnnxSession, verifyParity } from '@aekit/onnx-backend';
import { layerSpecs, randomBatch, randomWeights } from '@aekit/onnx-backend/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyZoo } from './webgpu-zoo.js';

/** The zoo at small sizes (its full sizes: pnpm --filter @aekit/tools bench:webgpu --onnx) and the layer specs. */
function zoo(): [string, ModelSpec][] {
  return [...tinyZoo(), ...Object.entries(layerSpecs)];
}

/** Undefined when the tests run (ORT's WebGPU provider loads a model, or CI is set); else why they are skipped. */
async function skipReason(): Promise<string | undefined> {
  const spec = layerSpecs.vaeDense!;
  try {
    const session = await createSession(exportOnnx(spec, randomWeights(spec)).bytes, { device: 'webgpu' });
    await session.dispose();
    return undefined;
  } catch (error) {
    if (process.env.CI) return undefined;
    return `skipped: onnxruntime-node's WebGPU provider does not start here and CI is unset (${(error as Error).message.split('\n')[1]?.trim()})`;
  }
}

const skip = await skipReason();
beforeAll(() => setLogger({ info() {}, warn() {} }));

describe.skipIf(skip !== undefined)(`ONNX Runtime WebGPU vs CPU${skip ? ` (${skip})` : ''}`, () => {
  it.each(zoo())(
    '%s: its full and decoder exports agree with the CPU provider within 1e-4',
    async (label, spec) => {
      const weights = randomWeights(spec, 11);
      // The full graph holds the encoder's nodes on the same graph input; the decoder starts from another input.
      for (const part of EXPORT_PARTS.filter((p) => p !== 'encoder')) {
        const { bytes } = exportOnnx(spec, weights, { part });
        const sessions: OnnxSession[] = [];
        try {
          const gpu = await createSession(bytes, { device: 'webgpu' });
          sessions.push(gpu);
          const cpu = await createSession(bytes, { device: 'cpu' });
          sessions.push(cpu);
          expect(gpu.executionProviders).toEqual(['webgpu']);
          const input = cpu.inputNames[0]!;
          const shape = part === 'decoder' ? cpu.info!.latentShape : cpu.info!.inputShape;
          const feeds = { [input]: { shape: [3, ...shape], data: randomBatch(3, shape, 5) } };
          const report = await verifyParity(gpu, cpu, feeds, { tolerance: 1e-4 });
          const worst = Math.max(...report.outputs.map((o) => o.maxAbsDiff));
          expect(worst, `${label} ${part}`).toBeLessThanOrEqual(1e-4);
          expect(report.ok).toBe(true);
        } finally {
          await Promise.all(sessions.map((s) => s.dispose()));
        }
      }
    },
  );
});
