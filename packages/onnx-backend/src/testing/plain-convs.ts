import { onnx } from '../proto.js';

const groupOf = (node: onnx.NodeProto.$Properties) =>
  Number(node.attribute?.find((a) => a.name === 'group')?.i ?? 1);

/**
 * An export with each one-filter convolution put back as the one Conv that exportOnnx splits into a
 * depthwise Conv and a 1x1 channel sum (layers-to-onnx.ts): kernel [1, in, kh, kw] (the depthwise kernel's
 * values in the same order), the pair's attributes and bias. The graph as exported before the split, for
 * parity tests and before/after benchmarks.
 */
export function withPlainConvs(bytes: Uint8Array): Uint8Array {
  const copy = onnx.ModelProto.decode(bytes);
  const graph = copy.graph!;
  const all = graph.node!;
  const nodes: onnx.NodeProto.$Properties[] = [];
  for (let i = 0; i < all.length; i++) {
    const node = all[i]!;
    if (node.opType !== 'Conv' || groupOf(node) === 1) {
      nodes.push(node);
      continue;
    }
    const sum = all[++i]!;
    const kernel = graph.initializer!.find((t) => t.name === node.input![1])!;
    const [inChannels, , kh, kw] = kernel.dims!.map(Number);
    kernel.dims = [1, inChannels!, kh!, kw!];
    graph.initializer = graph.initializer!.filter((t) => t.name !== sum.input![1]);
    nodes.push({
      ...sum,
      input: [node.input![0]!, node.input![1]!, ...sum.input!.slice(2)],
      attribute: node.attribute!.filter((a) => a.name !== 'group'),
    });
  }
  return onnx.ModelProto.encode({ ...copy, graph: { ...graph, node: nodes } }).finish();
}
