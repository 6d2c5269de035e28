import { describe, expect, it } from 'vitest';
import { exportOnnx } from './export-onnx.js';
import { IO_NAMES } from './metadata.js';
import { onnx } from './proto.js';
import { createSessionOn } from './session.js';
import { recordingNodePlatform } from './test-utils/recording-platform.js';
import { layerSpecs, randomWeights } from './testing/index.js';

/** onnxruntime-node, recording each session's graph and the calls made on it. */
function recordingPlatform() {
  const created: { graph: onnx.GraphProto; runs: number }[] = [];
  const platform = recordingNodePlatform((model) => {
    const entry = { graph: onnx.ModelProto.decode(model).graph as onnx.GraphProto, runs: 0 };
    created.push(entry);
    return (feeds, asked, run) => {
      entry.runs++;
      return run(feeds, asked);
    };
  });
  return { platform, created };
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe('encode on a full export', () => {
  it.each([
    ['convStrided', layerSpecs.convStrided!],
    ['vaeDense', layerSpecs.vaeDense!],
  ])('%s: runs only the encoder and equals the encoder export to 1e-6', async (_label, spec) => {
    const weights = randomWeights(spec);
    const n = 7;
    const x = Float32Array.from({ length: n * spec.inputShape.reduce((a, b) => a * b, 1) }, (_, i) =>
      Math.sin(i * 0.37),
    );
    const { platform, created } = recordingPlatform();
    const full = await createSessionOn(platform, exportOnnx(spec, weights, { part: 'full' }), {
      batchSize: 3,
    });
    const encoder = await createSessionOn(platform, exportOnnx(spec, weights, { part: 'encoder' }));
    const [fullEntry, encoderEntry] = created;
    const encoded = await full.encode(x);
    expect(maxDiff(encoded, await encoder.encode(x))).toBeLessThanOrEqual(1e-6);
    if (spec.latent.type === 'gaussian') {
      const a = await full.encodeDistribution(x);
      const b = await encoder.encodeDistribution(x);
      expect(maxDiff(a.logVar, b.logVar)).toBeLessThanOrEqual(1e-6);
    }
    // The full graph was not run; the pruned copy has no decoder node or weight and no reconstruction.
    expect(fullEntry!.runs).toBe(0);
    const pruned = created[2]!;
    expect(created.length).toBe(3);
    expect(pruned.runs).toBeGreaterThanOrEqual(3);
    expect(pruned.graph.output.map((o) => o.name)).not.toContain(IO_NAMES.reconstruction);
    expect(pruned.graph.initializer.filter((t) => t.name?.startsWith('decoder'))).toEqual([]);
    expect(pruned.graph.node.length).toBe(encoderEntry!.graph.node.length);
    expect(pruned.graph.node.length).toBeLessThan(fullEntry!.graph.node.length);
    // reconstruct still runs the full graph.
    await full.reconstruct(x);
    expect(fullEntry!.runs).toBe(3);
    await full.dispose();
    await encoder.dispose();
  });
});
