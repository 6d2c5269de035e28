import { describe, expect, it } from 'vitest';
import { exportOnnx } from './export-onnx.js';
import { IO_NAMES } from './metadata.js';
import type { onnx } from './proto.js';
import { loadNodeRuntime } from './runtime-node.js';
import { layerSpecs, randomWeights, withPlainConvs } from './testing/index.js';

const spec = layerSpecs.convOneFilter!;

const groupOf = (node: onnx.NodeProto.$Properties) =>
  Number(node.attribute?.find((a) => a.name === 'group')?.i ?? 1);

describe('one-filter convolutions', () => {
  it('export as depthwise + 1x1 channel sum, equal to the plain Conv to 1e-5', async () => {
    const { model, bytes } = exportOnnx(spec, randomWeights(spec), { part: 'full' });
    const nodes = model.graph!.node!;
    const depthwise = nodes.filter((n) => n.opType === 'Conv' && groupOf(n) > 1);
    // Both one-filter layers (3 and 4 input channels); the 3-filter one stays a plain Conv.
    expect(depthwise.map(groupOf)).toEqual([3, 4]);
    for (const node of depthwise) {
      const sum = nodes[nodes.indexOf(node) + 1]!;
      expect(sum.opType).toBe('Conv');
      expect(sum.input![0]).toBe(node.output![0]);
      expect(sum.attribute!.find((a) => a.name === 'kernel_shape')!.ints!.map(Number)).toEqual([1, 1]);
    }
    // Without bias (the encoder's layer) the sum takes two inputs, with bias three.
    expect(depthwise.map((n) => nodes[nodes.indexOf(n) + 1]!.input!.length)).toEqual([2, 3]);

    const ort = await loadNodeRuntime('node', 'cpu');
    const split = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
    const plain = await ort.InferenceSession.create(withPlainConvs(bytes), {
      executionProviders: ['cpu'],
    });
    const n = 5;
    const x = Float32Array.from({ length: n * 48 }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.91));
    const feeds = { [IO_NAMES.input]: new ort.Tensor('float32', x, [n, 8, 6, 1]) };
    const a = await split.run(feeds);
    const b = await plain.run(feeds);
    for (const name of [IO_NAMES.reconstruction, IO_NAMES.latent]) {
      const [p, q] = [a[name]!.data as Float32Array, b[name]!.data as Float32Array];
      expect(p.length).toBe(q.length);
      let diff = 0;
      for (let i = 0; i < p.length; i++) diff = Math.max(diff, Math.abs(p[i]! - q[i]!));
      expect(diff, name).toBeLessThanOrEqual(1e-5);
    }
    await split.release();
    await plain.release();
  });
});
